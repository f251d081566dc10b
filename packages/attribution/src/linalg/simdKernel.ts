/**
 * A WebAssembly SIMD micro-kernel, assembled here from opcodes (no toolchain, no network):
 *
 *   k4x2(a, lda, b, ldb, k, out): out[2i + j] = Σ_p A_i[p]·B_j[p]  for 4 rows of A, 2 rows of B
 *
 * with byte pointers/strides into the imported memory and k a multiple of 4. Eight f32x4
 * accumulators plus six operands fit the sixteen vector registers of x86-64 and AArch64
 * without spilling; each step does 8 multiply-adds on 4 lanes per 6 loads.
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

// Opcodes used below.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const F32_ADD = 0x92;
const F32_STORE = 0x38;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00, 0x00, 0x00]; // memarg: align hint 1 (unaligned ok), offset 0
const F32X4_EXTRACT = (lane: number) => [SIMD, 0x1f, lane];
const F32X4_ADD = [SIMD, 0xe4, 0x01]; // 0xe4 as LEB128
const F32X4_MUL = [SIMD, 0xe6, 0x01]; // 0xe6 as LEB128
const I32 = 0x7f;
const V128 = 0x7b;

function kernelBody(): number[] {
  // Params: 0 a, 1 lda, 2 b, 3 ldb, 4 k, 5 out. Locals: 6 p, 7 end, 8 a1, 9 a2, 10 a3, 11 b1,
  // 12..19 acc (row-major 4×2), 20..23 va, 24..25 vb.
  const g = (i: number) => [LOCAL_GET, i];
  const s = (i: number) => [LOCAL_SET, i];
  const code: number[] = [];
  code.push(...g(4), I32_CONST, 2, I32_SHL, ...s(7));
  code.push(
    ...g(0),
    ...g(1),
    I32_ADD,
    LOCAL_TEE,
    8,
    ...g(1),
    I32_ADD,
    LOCAL_TEE,
    9,
    ...g(1),
    I32_ADD,
    ...s(10),
  );
  code.push(...g(2), ...g(3), I32_ADD, ...s(11));
  code.push(BLOCK, VOID, LOOP, VOID);
  code.push(...g(6), ...g(7), I32_GE_U, BR_IF, 1);
  const aPtrs = [0, 8, 9, 10];
  for (let r = 0; r < 4; r++) code.push(...g(aPtrs[r]!), ...g(6), I32_ADD, ...V128_LOAD, ...s(20 + r));
  const bPtrs = [2, 11];
  for (let c = 0; c < 2; c++) code.push(...g(bPtrs[c]!), ...g(6), I32_ADD, ...V128_LOAD, ...s(24 + c));
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      const acc = 12 + r * 2 + c;
      code.push(...g(acc), ...g(20 + r), ...g(24 + c), ...F32X4_MUL, ...F32X4_ADD, ...s(acc));
    }
  }
  code.push(...g(6), I32_CONST, 16, I32_ADD, ...s(6), BR, 0, END, END);
  for (let idx = 0; idx < 8; idx++) {
    const acc = 12 + idx;
    code.push(...g(5));
    code.push(...g(acc), ...F32X4_EXTRACT(0), ...g(acc), ...F32X4_EXTRACT(1), F32_ADD);
    code.push(...g(acc), ...F32X4_EXTRACT(2), F32_ADD, ...g(acc), ...F32X4_EXTRACT(3), F32_ADD);
    code.push(F32_STORE, 0x02, ...uleb(idx * 4));
  }
  code.push(END);
  const locals = [2, 6, I32, 14, V128]; // two groups: 6 × i32, 14 × v128
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** The module's bytes: imports `env.mem`, exports `k4x2`. */
export function simdKernelModule(): Uint8Array<ArrayBuffer> {
  const type = section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]);
  const imp = section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]);
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...str('k4x2'), 0x00, 0]);
  const code = section(10, [1, ...kernelBody()]);
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...type,
    ...imp,
    ...func,
    ...exp,
    ...code,
  ]);
}
