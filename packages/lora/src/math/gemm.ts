import { LOW_RANK_WASM } from './lowRankWasm.generated.js';

/**
 * Dense row-major matrix kernels on Float32Array: a WebAssembly SIMD kernel for the LoRA
 * product where the runtime allows, and JS kernels that keep partial sums in locals and walk
 * memory contiguously.
 */

/**
 * out (m×n) = scale · B (m×r) · A (r×n), overwriting `out`. The LoRA shape: r is small.
 * Uses a WebAssembly SIMD kernel (2 rows × 16 columns of accumulators) when the runtime has
 * wasm SIMD and n is a multiple of 16, processing rows in blocks so wasm memory stays a few MB;
 * otherwise the plain JS kernel below.
 */
export function lowRankProduct(
  B: Float32Array,
  A: Float32Array,
  m: number,
  r: number,
  n: number,
  scale = 1,
  out: Float32Array = new Float32Array(m * n),
): Float32Array {
  if (r > 0 && n % 16 === 0 && m * n >= 4096) {
    const w = simdKernel();
    if (w) return lowRankWasm(w, B, A, m, r, n, scale, out);
  }
  return lowRankProductJs(B, A, m, r, n, scale, out);
}

interface SimdKernel {
  memory: WebAssembly.Memory;
  lowRank: (b: number, a: number, out: number, rows: number, r: number, n: number) => void;
}

let kernel: SimdKernel | null | undefined;

function simdKernel(): SimdKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const bin = atob(LOW_RANK_WASM);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernel = { memory, lowRank: inst.exports.lowRank as SimdKernel['lowRank'] };
    }
  } catch {
    // No wasm, no SIMD, or a CSP that forbids compiling: the JS kernel takes over.
  }
  return kernel;
}

const BLOCK_BYTES = 4 << 20;

function lowRankWasm(
  w: SimdKernel,
  B: Float32Array,
  A: Float32Array,
  m: number,
  r: number,
  n: number,
  scale: number,
  out: Float32Array,
): Float32Array {
  const rows = Math.max(2, Math.min(m, Math.floor(BLOCK_BYTES / (4 * n)))) & ~1 || 2;
  const aBytes = r * n * 4;
  const bOff = aBytes;
  const outOff = bOff + ((rows * r * 4 + 63) & ~63);
  const need = outOff + rows * n * 4;
  const have = w.memory.buffer.byteLength;
  if (need > have) w.memory.grow(Math.ceil((need - have) / 65536));
  const heap = new Float32Array(w.memory.buffer);
  heap.set(A.subarray(0, r * n), 0);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const count = Math.min(rows, m - i0);
    const bBase = bOff / 4;
    for (let k = 0; k < count * r; k++) heap[bBase + k] = B[i0 * r + k]! * scale;
    w.lowRank(bOff, 0, outOff, count, r, n);
    out.set(heap.subarray(outOff / 4, outOff / 4 + count * n), i0 * n);
  }
  return out;
}

/** The plain JS kernel: A transposed and zero-padded to a multiple of 8, each output a contiguous dot product with B's row in locals. */
export function lowRankProductJs(
  B: Float32Array,
  A: Float32Array,
  m: number,
  r: number,
  n: number,
  scale = 1,
  out: Float32Array = new Float32Array(m * n),
): Float32Array {
  if (r === 0) {
    out.fill(0, 0, m * n);
    return out;
  }
  const rp = (r + 7) & ~7;
  const At = new Float32Array(n * rp);
  for (let p = 0; p < r; p++) {
    const ap = p * n;
    for (let j = 0; j < n; j++) At[j * rp + p] = A[ap + j]!;
  }
  const b = new Float64Array(rp);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < r; p++) b[p] = B[i * r + p]! * scale;
    const o = i * n;
    for (let c = 0; c < rp; c += 16) {
      if (rp - c >= 16) kernel16(b, c, At, rp, n, out, o, c > 0);
      else kernel8(b, c, At, rp, n, out, o, c > 0);
    }
  }
  return out;
}

function kernel8(
  b: Float64Array,
  c: number,
  At: Float32Array,
  rp: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  const b0 = b[c]!;
  const b1 = b[c + 1]!;
  const b2 = b[c + 2]!;
  const b3 = b[c + 3]!;
  const b4 = b[c + 4]!;
  const b5 = b[c + 5]!;
  const b6 = b[c + 6]!;
  const b7 = b[c + 7]!;
  for (let j = 0, a = c; j < n; j++, a += rp) {
    const s =
      b0 * At[a]! +
      b1 * At[a + 1]! +
      b2 * At[a + 2]! +
      b3 * At[a + 3]! +
      b4 * At[a + 4]! +
      b5 * At[a + 5]! +
      b6 * At[a + 6]! +
      b7 * At[a + 7]!;
    out[o + j] = accumulate ? out[o + j]! + s : s;
  }
}

function kernel16(
  b: Float64Array,
  c: number,
  At: Float32Array,
  rp: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  const b0 = b[c]!;
  const b1 = b[c + 1]!;
  const b2 = b[c + 2]!;
  const b3 = b[c + 3]!;
  const b4 = b[c + 4]!;
  const b5 = b[c + 5]!;
  const b6 = b[c + 6]!;
  const b7 = b[c + 7]!;
  const b8 = b[c + 8]!;
  const b9 = b[c + 9]!;
  const b10 = b[c + 10]!;
  const b11 = b[c + 11]!;
  const b12 = b[c + 12]!;
  const b13 = b[c + 13]!;
  const b14 = b[c + 14]!;
  const b15 = b[c + 15]!;
  for (let j = 0, a = c; j < n; j++, a += rp) {
    const s =
      b0 * At[a]! +
      b1 * At[a + 1]! +
      b2 * At[a + 2]! +
      b3 * At[a + 3]! +
      b4 * At[a + 4]! +
      b5 * At[a + 5]! +
      b6 * At[a + 6]! +
      b7 * At[a + 7]! +
      b8 * At[a + 8]! +
      b9 * At[a + 9]! +
      b10 * At[a + 10]! +
      b11 * At[a + 11]! +
      b12 * At[a + 12]! +
      b13 * At[a + 13]! +
      b14 * At[a + 14]! +
      b15 * At[a + 15]!;
    out[o + j] = accumulate ? out[o + j]! + s : s;
  }
}

/** out (m×n) = A (m×k) · B (k×n), general sizes, i-p-j order with 4-way unrolled p. */
export function matmul(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  out: Float32Array | Float64Array = new Float32Array(m * n),
): Float32Array | Float64Array {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = A[i * k + p]!;
      const a1 = A[i * k + p + 1]!;
      const a2 = A[i * k + p + 2]!;
      const a3 = A[i * k + p + 3]!;
      const r0 = p * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let j = 0; j < n; j++)
        out[o + j] = out[o + j]! + a0 * B[r0 + j]! + a1 * B[r1 + j]! + a2 * B[r2 + j]! + a3 * B[r3 + j]!;
    }
    for (; p < k; p++) {
      const a = A[i * k + p]!;
      const rp = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + a * B[rp + j]!;
    }
  }
  return out;
}

/** Transpose a row-major m×n matrix into a new n×m one. */
export function transpose<T extends Float32Array | Float64Array>(M: T, m: number, n: number): T {
  const out = new (M.constructor as new (len: number) => T)(m * n);
  const T0 = 32;
  for (let i0 = 0; i0 < m; i0 += T0)
    for (let j0 = 0; j0 < n; j0 += T0) {
      const ie = Math.min(m, i0 + T0);
      const je = Math.min(n, j0 + T0);
      for (let i = i0; i < ie; i++) for (let j = j0; j < je; j++) out[j * m + i] = M[i * n + j]!;
    }
  return out;
}
