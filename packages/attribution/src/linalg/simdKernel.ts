/**
 * A WebAssembly SIMD GEMM micro-kernel, assembled here from opcodes (no toolchain, no network):
 *
 *   panel(a, b, nb, kb, out, ostride):
 *     for each pair j of the nb rows of B at b:  out[r][j] += Σ_p A_r[p]·B_j[p]   (r < 4)
 *
 * Pointers and lengths are in bytes into the imported memory; kb is a multiple of 16, nb of 2,
 * and rows of A and B lie `stride` bytes apart. The stride is baked into the code as load
 * offsets, so each step of the inner loop is six loads off two moving pointers and eight
 * multiply-adds on 4 lanes — no per-row address arithmetic. Eight f32x4 accumulators, six
 * operands and one product fill the fifteen vector registers V8 allocates on x64 without
 * spilling. With `fma`, the multiply-add is `f32x4.relaxed_madd` (one fused instruction where
 * the CPU has FMA; Relaxed SIMD, on by default in Chrome ≥ 114 and Node ≥ 22).
 *
 *   panelNN(a, b, nc, kb, out, ostride):
 *     for each group j of 4·NR columns of the nc at b:  out[r][j..] += Σ_p A_r[p]·B_p[j..]
 *
 * is the A·B form (B stored k×n): per step, NR vectors of one row of B and MR scalars of A
 * broadcast (`v128.load32_splat`); accumulators are pieces of rows of C, so no horizontal sums.
 * A's rows lie `stride` bytes apart, B's `strideB`; kb counts bytes of A (4 per step), nc is a
 * multiple of 4·NR.
 */

import { section, sleb, str, uleb, wasmModule } from '../internal/wasmEncoding.js';

/** Rows of A per micro-tile. */
export const MR = 4;
/** Rows of B per micro-tile. */
export const NR = 2;

// Opcodes used below.
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_MUL = 0x6c;
const I32_GE_U = 0x4f;
const F32_ADD = 0x92;
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const F32_LOAD = (offset: number) => [0x2a, 0x02, ...uleb(offset)];
const F32_STORE = (offset: number) => [0x38, 0x02, ...uleb(offset)];
const V128_LOAD = (offset: number) => [0xfd, 0x00, 0x00, ...uleb(offset)]; // align hint 1: unaligned is fine
const V128_STORE = (offset: number) => [0xfd, 0x0b, 0x00, ...uleb(offset)];
const V128_LOAD32_SPLAT = (offset: number) => [0xfd, 0x09, 0x02, ...uleb(offset)];
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const F32X4_EXTRACT = (lane: number) => [0xfd, 0x1f, lane];
const F32X4_ADD = [0xfd, ...uleb(0xe4)];
const F32X4_MUL = [0xfd, ...uleb(0xe6)];
const F32X4_RELAXED_MADD = [0xfd, ...uleb(0x105)];

function panelBody(stride: number, fma: boolean): number[] {
  // Params: 0 a, 1 b, 2 nb, 3 kb, 4 out, 5 ostride. Locals: 6 j, 7 p, 8 q, 9 end, 10 o,
  // then v128: MR·NR accumulators, MR rows of A, NR rows of B, one product.
  const acc = (r: number, c: number) => 11 + r * NR + c;
  const va = (r: number) => 11 + MR * NR + r;
  const vb = (c: number) => 11 + MR * NR + MR + c;
  const tmp = 11 + MR * NR + MR + NR;
  const code: number[] = [];
  code.push(...i32(0), ...set(6), ...get(1), ...set(8));
  code.push(...BLOCK, ...LOOP); // for (j = 0; j < nb; j += NR, q += NR·stride)
  code.push(...get(6), ...get(2), I32_GE_U, BR_IF, 1);
  for (let r = 0; r < MR; r++) for (let c = 0; c < NR; c++) code.push(...V128_ZERO, ...set(acc(r, c)));
  code.push(...get(0), ...set(7), ...get(0), ...get(3), I32_ADD, ...set(9));
  code.push(...BLOCK, ...LOOP); // for (p = a; p < a + kb; p += 16, q += 16)
  code.push(...get(7), ...get(9), I32_GE_U, BR_IF, 1);
  for (let r = 0; r < MR; r++) code.push(...get(7), ...V128_LOAD(r * stride), ...set(va(r)));
  for (let c = 0; c < NR; c++) code.push(...get(8), ...V128_LOAD(c * stride), ...set(vb(c)));
  for (let r = 0; r < MR; r++) {
    for (let c = 0; c < NR; c++) {
      const s = acc(r, c);
      const product = [...get(va(r)), ...get(vb(c))];
      if (fma) code.push(...product, ...get(s), ...F32X4_RELAXED_MADD, ...set(s));
      else code.push(...product, ...F32X4_MUL, ...set(tmp), ...get(s), ...get(tmp), ...F32X4_ADD, ...set(s));
    }
  }
  code.push(...get(7), ...i32(16), I32_ADD, ...set(7), ...get(8), ...i32(16), I32_ADD, ...set(8));
  code.push(BR, 0, END, END);
  // out[r][j + c] += horizontal sum of acc(r, c)
  code.push(...get(4), ...get(6), ...i32(4), I32_MUL, I32_ADD, ...set(10));
  for (let r = 0; r < MR; r++) {
    for (let c = 0; c < NR; c++) {
      const s = acc(r, c);
      code.push(...get(10), ...get(10), ...F32_LOAD(c * 4));
      code.push(...get(s), ...F32X4_EXTRACT(0), ...get(s), ...F32X4_EXTRACT(1), F32_ADD);
      code.push(...get(s), ...F32X4_EXTRACT(2), ...get(s), ...F32X4_EXTRACT(3), F32_ADD, F32_ADD, F32_ADD);
      code.push(...F32_STORE(c * 4));
    }
    if (r + 1 < MR) code.push(...get(10), ...get(5), I32_ADD, ...set(10));
  }
  // q moved kb bytes along row j; step to row j + NR.
  code.push(...get(8), ...get(3), I32_SUB, ...i32(NR * stride), I32_ADD, ...set(8));
  code.push(...get(6), ...i32(NR), I32_ADD, ...set(6), BR, 0, END, END, END);
  const locals = [2, 5, I32, ...uleb(MR * NR + MR + NR + 1), V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function panelNNBody(stride: number, strideB: number, fma: boolean): number[] {
  // Params: 0 a, 1 b, 2 nc, 3 kb, 4 out, 5 ostride. Locals: 6 j, 7 p, 8 q, 9 end, 10 o,
  // then v128: MR·NR accumulators, NR vectors of B, one broadcast of A, one product.
  const acc = (r: number, c: number) => 11 + r * NR + c;
  const vb = (c: number) => 11 + MR * NR + c;
  const va = 11 + MR * NR + NR;
  const tmp = va + 1;
  const code: number[] = [];
  code.push(...i32(0), ...set(6));
  code.push(...BLOCK, ...LOOP); // for (j = 0; j < nc; j += 4·NR)
  code.push(...get(6), ...get(2), I32_GE_U, BR_IF, 1);
  for (let r = 0; r < MR; r++) for (let c = 0; c < NR; c++) code.push(...V128_ZERO, ...set(acc(r, c)));
  code.push(...get(0), ...set(7), ...get(0), ...get(3), I32_ADD, ...set(9));
  code.push(...get(1), ...get(6), ...i32(4), I32_MUL, I32_ADD, ...set(8));
  code.push(...BLOCK, ...LOOP); // for (p = a; p < a + kb; p += 4, q += strideB)
  code.push(...get(7), ...get(9), I32_GE_U, BR_IF, 1);
  for (let c = 0; c < NR; c++) code.push(...get(8), ...V128_LOAD(c * 16), ...set(vb(c)));
  for (let r = 0; r < MR; r++) {
    code.push(...get(7), ...V128_LOAD32_SPLAT(r * stride), ...set(va));
    for (let c = 0; c < NR; c++) {
      const s = acc(r, c);
      const product = [...get(va), ...get(vb(c))];
      if (fma) code.push(...product, ...get(s), ...F32X4_RELAXED_MADD, ...set(s));
      else code.push(...product, ...F32X4_MUL, ...set(tmp), ...get(s), ...get(tmp), ...F32X4_ADD, ...set(s));
    }
  }
  code.push(...get(7), ...i32(4), I32_ADD, ...set(7), ...get(8), ...i32(strideB), I32_ADD, ...set(8));
  code.push(BR, 0, END, END);
  // out[r][j + 4c ..] += acc(r, c)
  code.push(...get(4), ...get(6), ...i32(4), I32_MUL, I32_ADD, ...set(10));
  for (let r = 0; r < MR; r++) {
    for (let c = 0; c < NR; c++) {
      code.push(...get(10), ...get(10), ...V128_LOAD(c * 16), ...get(acc(r, c)), ...F32X4_ADD);
      code.push(...V128_STORE(c * 16));
    }
    if (r + 1 < MR) code.push(...get(10), ...get(5), I32_ADD, ...set(10));
  }
  code.push(...get(6), ...i32(4 * NR), I32_ADD, ...set(6), BR, 0, END, END, END);
  const locals = [2, 5, I32, ...uleb(MR * NR + NR + 2), V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/**
 * The kernel module's bytes: imports `env.mem`, exports `panel` (A·Bᵀ) and `panelNN` (A·B).
 * `stride` is the distance in bytes between consecutive staged rows of A (and, for `panel`, of
 * B); `strideB` that between staged rows of B for `panelNN`.
 */
export function simdKernelModule(stride: number, strideB: number, fma: boolean): Uint8Array<ArrayBuffer> {
  return wasmModule([
    section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]),
    section(3, [2, 0, 0]),
    section(7, [2, ...str('panel'), 0x00, 0, ...str('panelNN'), 0x00, 1]),
    section(10, [2, ...panelBody(stride, fma), ...panelNNBody(stride, strideB, fma)]),
  ]);
}

/** A minimal module using `f32x4.relaxed_madd`: validates only where Relaxed SIMD is enabled. */
export function relaxedProbeModule(): Uint8Array<ArrayBuffer> {
  const code = [0, ...V128_ZERO, ...V128_ZERO, ...V128_ZERO, ...F32X4_RELAXED_MADD, 0x1a, END];
  return wasmModule([
    section(1, [1, 0x60, 0, 0]),
    section(3, [1, 0]),
    section(10, [1, ...uleb(code.length), ...code]),
  ]);
}
