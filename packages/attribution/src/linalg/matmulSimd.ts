import { simdKernelModule } from './simdKernel.js';

type Kernel = (a: number, lda: number, b: number, ldb: number, k: number, out: number) => void;

let cached: { mem: WebAssembly.Memory; k4x2: Kernel } | null | undefined;

/** The SIMD kernel, or null where WebAssembly SIMD is unavailable (instantiated once, lazily). */
function kernel(): { mem: WebAssembly.Memory; k4x2: Kernel } | null {
  if (cached !== undefined) return cached;
  try {
    const bytes = simdKernelModule();
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) {
      cached = null;
      return null;
    }
    const mem = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
    cached = { mem, k4x2: inst.exports.k4x2 as Kernel };
  } catch {
    cached = null;
  }
  return cached;
}

/** True when the WebAssembly SIMD GEMM can run here. */
export function simdAvailable(): boolean {
  return kernel() !== null;
}

const KC = 2048; // k-tile: 4 A rows + a panel of B rows of this length stay in L1/L2
const NB = 32; // B rows per panel
const CHUNK_BYTES = 32 * 1024 * 1024; // operands staged into wasm memory per pass

/**
 * C (m×n) = alpha·A·Bᵀ + beta·C for Float32 A (m×k) and B (n×k), on the WebAssembly SIMD
 * micro-kernel. Operands are staged into wasm memory in row chunks (rows padded to a multiple
 * of four floats, row counts to the kernel's 4×2 shape), so any size works in bounded memory.
 * Returns false (having done nothing) where SIMD is unavailable.
 */
export function matmulNTSimd(
  m: number,
  n: number,
  k: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array | Float64Array,
  alpha = 1,
  beta = 0,
): boolean {
  const kern = kernel();
  if (!kern) return false;
  if (beta === 0) C.fill(0, 0, m * n);
  else if (beta !== 1) for (let i = 0; i < m * n; i++) C[i]! *= beta;
  if (m === 0 || n === 0 || k === 0) return true;
  const kp = (k + 3) & ~3;
  const rowBytes = kp * 4;
  const aRows = Math.max(4, Math.min((m + 3) & ~3, Math.floor(CHUNK_BYTES / 2 / rowBytes) & ~3));
  const bRows = Math.max(2, Math.min((n + 1) & ~1, Math.floor(CHUNK_BYTES / 2 / rowBytes) & ~1));
  const aBase = 0;
  const bBase = aRows * rowBytes;
  const outBase = bBase + bRows * rowBytes;
  const need = outBase + 64;
  const { mem, k4x2 } = kern;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  const f32 = new Float32Array(mem.buffer);
  const stage = (src: Float32Array, row0: number, rows: number, padRows: number, base: number) => {
    const o = base >> 2;
    if (kp === k) f32.set(src.subarray(row0 * k, (row0 + rows) * k), o);
    else
      for (let r = 0; r < rows; r++) {
        f32.set(src.subarray((row0 + r) * k, (row0 + r + 1) * k), o + r * kp);
        f32.fill(0, o + r * kp + k, o + (r + 1) * kp);
      }
    f32.fill(0, o + rows * kp, o + padRows * kp);
  };
  const out = outBase >> 2;
  for (let i0 = 0; i0 < m; i0 += aRows) {
    const mi = Math.min(aRows, m - i0);
    const mp = (mi + 3) & ~3;
    stage(A, i0, mi, mp, aBase);
    for (let j0 = 0; j0 < n; j0 += bRows) {
      const nj = Math.min(bRows, n - j0);
      const np = (nj + 1) & ~1;
      stage(B, j0, nj, np, bBase);
      for (let k0 = 0; k0 < kp; k0 += KC) {
        const kc = Math.min(KC, kp - k0);
        for (let jp = 0; jp < np; jp += NB) {
          const jEnd = Math.min(np, jp + NB);
          for (let i = 0; i < mp; i += 4) {
            const aPtr = aBase + i * rowBytes + k0 * 4;
            for (let j = jp; j < jEnd; j += 2) {
              k4x2(aPtr, rowBytes, bBase + j * rowBytes + k0 * 4, rowBytes, kc, outBase);
              for (let r = 0; r < 4; r++) {
                const row = i0 + i + r;
                if (i + r >= mi) break;
                const c = row * n + j0 + j;
                C[c]! += alpha * f32[out + 2 * r]!;
                if (j + 1 < nj) C[c + 1]! += alpha * f32[out + 2 * r + 1]!;
              }
            }
          }
        }
      }
    }
  }
  return true;
}
