import { matmulNNSimd, matmulNTSimd } from './matmulSimd.js';
import { scaleOutput } from './scale.js';

/** A dense row-major typed-array matrix. */
export type FloatArray = Float32Array | Float64Array;

/** Rows of A and B processed per k-tile: 4 rows × KC floats stay in L1/L2 while a panel of B streams by. */
const KC = 1024;
/** B rows per panel: a panel of NB × KC floats is reused by every block of four A rows. */
const NB = 64;

/**
 * C (m×n) = alpha · A (m×k) · Bᵀ (n×k) + beta · C, all row-major. The rows of A and B are
 * contiguous along k, which is how per-example gradients are stored, so both operands are
 * read without packing. Cache-tiled over k and over panels of B, with a 4×4 register-blocked
 * micro-kernel (sixteen running sums, eight loads per step).
 */
export function matmulNT(
  m: number,
  n: number,
  k: number,
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  alpha = 1,
  beta = 0,
): void {
  // Float32 operands of real size go to the WebAssembly SIMD kernel (f32 accumulation, like
  // any BLAS sgemm); Float64 stays here in double precision.
  if (A instanceof Float32Array && B instanceof Float32Array && m * n * k >= 1 << 18 && m >= 4 && n >= 2) {
    if (matmulNTSimd(m, n, k, A, B, C, alpha, beta)) return;
  }
  scaleOutput(C, m * n, beta);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = Math.min(k, k0 + KC);
    for (let j0 = 0; j0 < n; j0 += NB) {
      const j1 = Math.min(n, j0 + NB);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const a0 = i * k;
        const a1 = a0 + k;
        const a2 = a1 + k;
        const a3 = a2 + k;
        let j = j0;
        for (; j + 4 <= j1; j += 4) {
          const b0 = j * k;
          const b1 = b0 + k;
          const b2 = b1 + k;
          const b3 = b2 + k;
          let s00 = 0,
            s01 = 0,
            s02 = 0,
            s03 = 0;
          let s10 = 0,
            s11 = 0,
            s12 = 0,
            s13 = 0;
          let s20 = 0,
            s21 = 0,
            s22 = 0,
            s23 = 0;
          let s30 = 0,
            s31 = 0,
            s32 = 0,
            s33 = 0;
          for (let p = k0; p < k1; p++) {
            const x0 = A[a0 + p]!;
            const x1 = A[a1 + p]!;
            const x2 = A[a2 + p]!;
            const x3 = A[a3 + p]!;
            const y0 = B[b0 + p]!;
            const y1 = B[b1 + p]!;
            const y2 = B[b2 + p]!;
            const y3 = B[b3 + p]!;
            s00 += x0 * y0;
            s01 += x0 * y1;
            s02 += x0 * y2;
            s03 += x0 * y3;
            s10 += x1 * y0;
            s11 += x1 * y1;
            s12 += x1 * y2;
            s13 += x1 * y3;
            s20 += x2 * y0;
            s21 += x2 * y1;
            s22 += x2 * y2;
            s23 += x2 * y3;
            s30 += x3 * y0;
            s31 += x3 * y1;
            s32 += x3 * y2;
            s33 += x3 * y3;
          }
          let c = i * n + j;
          C[c]! += alpha * s00;
          C[c + 1]! += alpha * s01;
          C[c + 2]! += alpha * s02;
          C[c + 3]! += alpha * s03;
          c += n;
          C[c]! += alpha * s10;
          C[c + 1]! += alpha * s11;
          C[c + 2]! += alpha * s12;
          C[c + 3]! += alpha * s13;
          c += n;
          C[c]! += alpha * s20;
          C[c + 1]! += alpha * s21;
          C[c + 2]! += alpha * s22;
          C[c + 3]! += alpha * s23;
          c += n;
          C[c]! += alpha * s30;
          C[c + 1]! += alpha * s31;
          C[c + 2]! += alpha * s32;
          C[c + 3]! += alpha * s33;
        }
        for (; j < j1; j++) {
          const b0 = j * k;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0;
          for (let p = k0; p < k1; p++) {
            const y = B[b0 + p]!;
            s0 += A[a0 + p]! * y;
            s1 += A[a1 + p]! * y;
            s2 += A[a2 + p]! * y;
            s3 += A[a3 + p]! * y;
          }
          C[i * n + j]! += alpha * s0;
          C[(i + 1) * n + j]! += alpha * s1;
          C[(i + 2) * n + j]! += alpha * s2;
          C[(i + 3) * n + j]! += alpha * s3;
        }
      }
      for (; i < m; i++) {
        const a0 = i * k;
        for (let j = j0; j < j1; j++) {
          const b0 = j * k;
          let s = 0;
          for (let p = k0; p < k1; p++) s += A[a0 + p]! * B[b0 + p]!;
          C[i * n + j]! += alpha * s;
        }
      }
    }
  }
}

/**
 * C (m×n) = alpha · A (m×k) · B (k×n) + beta · C, row-major. Float32 operands of real size go
 * to the WebAssembly SIMD A·B kernel. Otherwise each output row is built as a sum of scaled
 * rows of B (contiguous, so the inner loop streams); four rows of A share one pass over B's rows.
 */
export function matmulNN(
  m: number,
  n: number,
  k: number,
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  alpha = 1,
  beta = 0,
): void {
  if (A instanceof Float32Array && B instanceof Float32Array && m * n * k >= 1 << 18 && m >= 4 && n >= 8) {
    if (matmulNNSimd(m, n, k, A, B, C, alpha, beta)) return;
  }
  scaleOutput(C, m * n, beta);
  const NC = 2048;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(n, j0 + NC);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = 0; p < k; p++) {
        const x0 = alpha * A[i * k + p]!;
        const x1 = alpha * A[(i + 1) * k + p]!;
        const x2 = alpha * A[(i + 2) * k + p]!;
        const x3 = alpha * A[(i + 3) * k + p]!;
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
        const b = p * n;
        for (let j = j0; j < j1; j++) {
          const y = B[b + j]!;
          C[c0 + j]! += x0 * y;
          C[c1 + j]! += x1 * y;
          C[c2 + j]! += x2 * y;
          C[c3 + j]! += x3 * y;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = i * n;
      for (let p = 0; p < k; p++) {
        const x = alpha * A[i * k + p]!;
        if (x === 0) continue;
        const b = p * n;
        for (let j = j0; j < j1; j++) C[c0 + j]! += x * B[b + j]!;
      }
    }
  }
}

/** C (m×n) = alpha · Aᵀ · B + beta · C where A is k×m and B is k×n (row-major); e.g. Xᵀ D X. */
export function matmulTN(
  m: number,
  n: number,
  k: number,
  A: FloatArray,
  B: FloatArray,
  C: FloatArray,
  alpha = 1,
  beta = 0,
): void {
  scaleOutput(C, m * n, beta);
  for (let p = 0; p < k; p++) {
    const a = p * m;
    const b = p * n;
    for (let i = 0; i < m; i++) {
      const x = alpha * A[a + i]!;
      if (x === 0) continue;
      const c = i * n;
      for (let j = 0; j < n; j++) C[c + j]! += x * B[b + j]!;
    }
  }
}

/** Dot product of two length-`n` slices. */
export function dot(a: FloatArray, aOff: number, b: FloatArray, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
  }
  if (i < n) s0 += a[aOff + i]! * b[bOff + i]!;
  return s0 + s1;
}

/**
 * Lower triangle of C (n×n) = Aᵀ·diag(w)·A for A k×n row-major, mirrored to the upper
 * triangle: a Gauss-Newton Hessian XᵀWX at half the work of a general product.
 */
export function syrkTN(
  n: number,
  k: number,
  A: FloatArray,
  w: ArrayLike<number> | null,
  C: Float64Array,
): void {
  C.fill(0, 0, n * n);
  // Rows of feature matrices are often sparse (bags of words): visit only non-zero pairs.
  const nz = new Int32Array(n);
  const val = new Float64Array(n);
  for (let p = 0; p < k; p++) {
    const wp = w ? w[p]! : 1;
    if (wp === 0) continue;
    const a = p * n;
    let cnt = 0;
    for (let i = 0; i < n; i++) {
      const v = A[a + i]!;
      if (v !== 0) {
        nz[cnt] = i;
        val[cnt++] = v;
      }
    }
    for (let u = 0; u < cnt; u++) {
      const x = wp * val[u]!;
      const c = nz[u]! * n;
      for (let t = 0; t <= u; t++) C[c + nz[t]!]! += x * val[t]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C[j * n + i] = C[i * n + j]!;
}
