import { scaleOutput } from './scale.js';
import { MR, NR, relaxedProbeModule, simdKernelModule } from './simdKernel.js';

/** Which multiply-add the kernel uses: fused `f32x4.relaxed_madd`, or `f32x4.mul` + `f32x4.add`. */
export type SimdVariant = 'relaxed-madd' | 'mul-add';

type Panel = (a: number, b: number, nb: number, kb: number, out: number, ostride: number) => void;
interface Kernel {
  mem: WebAssembly.Memory;
  panel: Panel;
  panelNN: Panel;
}

/** k-tile in floats: a staged row of one tile is 8 KiB. */
const KC = 2048;
/** Row stride of staged tiles in floats: 64 bytes more than a tile, so rows don't alias in L1 sets. */
const LD = KC + 16;
/** B rows per panel: NB × KC floats (256 KiB) stay in L2 while every block of A rows passes. */
const NB = 32;
/** A rows staged per pass. */
const A_ROWS = 256;
/** B rows staged per pass (one k-tile of them: 8 MiB). */
const B_ROWS = 1024;
/** A·B: k-tile (rows of B per staged tile). */
const KN = 512;
/** A·B: columns of B per staged tile; a tile (KN × NC floats, 256 KiB) stays in L2. */
const NC = 128;
/** A·B: columns of C accumulated in wasm memory per pass. */
const C_COLS = 4096;
/** A·B: the kernel's column group (4 lanes × NR vectors). */
const NG = 4 * NR;

const cache = new Map<SimdVariant, Kernel | null>();

function instantiate(fma: boolean): Kernel | null {
  try {
    if (typeof WebAssembly === 'undefined') return null;
    if (fma && !WebAssembly.validate(relaxedProbeModule())) return null;
    const bytes = simdKernelModule(LD * 4, NC * 4, fma);
    if (!WebAssembly.validate(bytes)) return null;
    const mem = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
    return { mem, panel: exports.panel as Panel, panelNN: exports.panelNN as Panel };
  } catch {
    return null;
  }
}

/** The kernel for `variant` (default: the best this runtime has), instantiated once, lazily. */
function kernel(variant?: SimdVariant): Kernel | null {
  if (variant === undefined) return kernel('relaxed-madd') ?? kernel('mul-add');
  let k = cache.get(variant);
  if (k === undefined) {
    k = instantiate(variant === 'relaxed-madd');
    cache.set(variant, k);
  }
  return k;
}

/** True when the WebAssembly SIMD GEMM can run here. */
export function simdAvailable(): boolean {
  return kernel() !== null;
}

/** The kernel variant {@link matmulNTSimd} uses by default here, or null without WebAssembly SIMD. */
export function simdVariant(): SimdVariant | null {
  if (kernel('relaxed-madd')) return 'relaxed-madd';
  return kernel('mul-add') ? 'mul-add' : null;
}

/**
 * C (m×n) = alpha·A·Bᵀ + beta·C for Float32 A (m×k) and B (n×k), on the WebAssembly SIMD
 * micro-kernel with f32 accumulation (like any BLAS sgemm). Operands are staged into wasm
 * memory one k-tile at a time (rows at a fixed stride, zero-padded to the kernel's 4×2 shape
 * and to whole vectors), so any size works in bounded memory. Returns false (having done
 * nothing) where SIMD — or the requested `variant` — is unavailable.
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
  variant?: SimdVariant,
): boolean {
  const kern = kernel(variant);
  if (!kern) return false;
  scaleOutput(C, m * n, beta);
  if (m === 0 || n === 0 || k === 0) return true;
  // Equal k-tiles (a multiple of 4 floats each), so no tile is a short remainder.
  const tile = Math.ceil(Math.ceil(k / Math.ceil(k / KC)) / 4) * 4;
  const aRows = Math.min(A_ROWS, Math.ceil(m / MR) * MR);
  const bRows = Math.min(B_ROWS, Math.ceil(n / NR) * NR);
  const aBase = 0;
  const bBase = aRows * LD;
  const outBase = bBase + bRows * LD;
  const need = (outBase + aRows * bRows) * 4;
  const { mem, panel } = kern;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  const f32 = new Float32Array(mem.buffer);
  /** Copy columns [k0, k0 + kc) of `rows` rows from row `row0` of src; zero the padding to kc4 and to padRows. */
  const stage = (
    src: Float32Array,
    row0: number,
    rows: number,
    padRows: number,
    base: number,
    k0: number,
    kc: number,
  ) => {
    const kc4 = (kc + 3) & ~3;
    for (let r = 0; r < rows; r++) {
      const s = (row0 + r) * k + k0;
      const d = base + r * LD;
      f32.set(src.subarray(s, s + kc), d);
      if (kc4 > kc) f32.fill(0, d + kc, d + kc4);
    }
    for (let r = rows; r < padRows; r++) f32.fill(0, base + r * LD, base + r * LD + kc4);
  };
  for (let i0 = 0; i0 < m; i0 += aRows) {
    const mi = Math.min(aRows, m - i0);
    const mp = Math.ceil(mi / MR) * MR;
    for (let j0 = 0; j0 < n; j0 += bRows) {
      const nj = Math.min(bRows, n - j0);
      const np = Math.ceil(nj / NR) * NR;
      f32.fill(0, outBase, outBase + mp * np);
      for (let k0 = 0; k0 < k; k0 += tile) {
        const kc = Math.min(tile, k - k0);
        const kb = ((kc + 3) & ~3) * 4;
        stage(A, i0, mi, mp, aBase, k0, kc);
        stage(B, j0, nj, np, bBase, k0, kc);
        for (let jp = 0; jp < np; jp += NB) {
          const nb = Math.min(NB, np - jp);
          for (let i = 0; i < mp; i += MR) {
            panel((aBase + i * LD) * 4, (bBase + jp * LD) * 4, nb, kb, (outBase + i * np + jp) * 4, np * 4);
          }
        }
      }
      for (let r = 0; r < mi; r++) {
        const c = (i0 + r) * n + j0;
        const o = outBase + r * np;
        for (let j = 0; j < nj; j++) C[c + j]! += alpha * f32[o + j]!;
      }
    }
  }
  return true;
}

/**
 * C (m×n) = alpha·A·B + beta·C for Float32 A (m×k) and B (k×n), on the WebAssembly SIMD A·B
 * kernel (rows of B stream through, scalars of A are broadcast). Staged like
 * {@link matmulNTSimd}: one k-tile of A at a time, and B in tiles of KN rows × NC columns (zero
 * columns pad the last to the kernel's 8). Returns false (having done nothing) where SIMD — or
 * the requested `variant` — is unavailable.
 */
export function matmulNNSimd(
  m: number,
  n: number,
  k: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array | Float64Array,
  alpha = 1,
  beta = 0,
  variant?: SimdVariant,
): boolean {
  const kern = kernel(variant);
  if (!kern) return false;
  scaleOutput(C, m * n, beta);
  if (m === 0 || n === 0 || k === 0) return true;
  const tile = Math.ceil(k / Math.ceil(k / KN));
  const aRows = Math.min(A_ROWS, Math.ceil(m / MR) * MR);
  const cCols = Math.min(C_COLS, Math.ceil(n / NG) * NG);
  const aBase = 0;
  const bBase = aRows * LD;
  const outBase = bBase + KN * NC;
  const need = (outBase + aRows * cCols) * 4;
  const { mem, panelNN } = kern;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  const f32 = new Float32Array(mem.buffer);
  for (let i0 = 0; i0 < m; i0 += aRows) {
    const mi = Math.min(aRows, m - i0);
    const mp = Math.ceil(mi / MR) * MR;
    for (let j0 = 0; j0 < n; j0 += cCols) {
      const nj = Math.min(cCols, n - j0);
      const np = Math.ceil(nj / NG) * NG;
      f32.fill(0, outBase, outBase + mp * np);
      for (let k0 = 0; k0 < k; k0 += tile) {
        const kc = Math.min(tile, k - k0);
        for (let r = 0; r < mi; r++) {
          const src = (i0 + r) * k + k0;
          f32.set(A.subarray(src, src + kc), aBase + r * LD);
        }
        for (let r = mi; r < mp; r++) f32.fill(0, aBase + r * LD, aBase + r * LD + kc);
        for (let jt = 0; jt < np; jt += NC) {
          const nc = Math.min(NC, np - jt);
          const real = Math.min(nc, nj - jt);
          for (let p = 0; p < kc; p++) {
            const src = (k0 + p) * n + j0 + jt;
            const dst = bBase + p * NC;
            f32.set(B.subarray(src, src + real), dst);
            if (real < nc) f32.fill(0, dst + real, dst + nc);
          }
          for (let i = 0; i < mp; i += MR) {
            panelNN((aBase + i * LD) * 4, bBase * 4, nc, kc * 4, (outBase + i * np + jt) * 4, np * 4);
          }
        }
      }
      for (let r = 0; r < mi; r++) {
        const c = (i0 + r) * n + j0;
        const o = outBase + r * np;
        for (let j = 0; j < nj; j++) C[c + j]! += alpha * f32[o + j]!;
      }
    }
  }
  return true;
}
