import { InfluenceError } from '../influence/errors.js';

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite n×n Float64
 * matrix (row-major; the lower triangle receives L, the upper is left as is). Throws
 * `NOT_POSITIVE_DEFINITE` when a pivot is not positive, which for a damped Hessian means the
 * damping is too small.
 */
export function cholesky(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]!;
    for (let p = 0; p < j; p++) d -= A[rj + p]! * A[rj + p]!;
    if (!(d > 0)) {
      throw new InfluenceError('NOT_POSITIVE_DEFINITE', 'The (damped) Hessian is not positive definite.', {
        details: `Pivot ${j} is ${d}; increase \`damping\` or use a model whose loss is convex.`,
      });
    }
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    // Four rows at a time share the loads of row j and keep four independent sums in flight.
    let i = j + 1;
    for (; i + 4 <= n; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let s0 = A[r0 + j]!;
      let s1 = A[r1 + j]!;
      let s2 = A[r2 + j]!;
      let s3 = A[r3 + j]!;
      for (let p = 0; p < j; p++) {
        const y = A[rj + p]!;
        s0 -= A[r0 + p]! * y;
        s1 -= A[r1 + p]! * y;
        s2 -= A[r2 + p]! * y;
        s3 -= A[r3 + p]! * y;
      }
      A[r0 + j] = s0 / ljj;
      A[r1 + j] = s1 / ljj;
      A[r2 + j] = s2 / ljj;
      A[r3 + j] = s3 / ljj;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let p = 0; p < j; p++) s -= A[ri + p]! * A[rj + p]!;
      A[ri + j] = s / ljj;
    }
  }
}

/** Solve L·Lᵀ·x = b in place for each of the `cols` right-hand sides stored as rows of `B` (cols×n). */
export function choleskySolve(L: Float64Array, n: number, B: Float64Array, cols = 1): void {
  forwardSolve(L, n, B, cols);
  // Lᵀ copied row-major so the backward sweep reads contiguous memory too.
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p <= i; p++) U[p * n + i] = L[i * n + p]!;
  for (let c = 0; c < cols; c++) {
    const o = c * n;
    for (let i = n - 1; i >= 0; i--) {
      const ri = i * n;
      let s = B[o + i]!;
      for (let p = i + 1; p < n; p++) s -= U[ri + p]! * B[o + p]!;
      B[o + i] = s / U[ri + i]!;
    }
  }
}

/** Solve L·y = b in place for each row of `B` (cols×n); ‖y‖² is then bᵀ(LLᵀ)⁻¹b. */
export function forwardSolve(L: Float64Array, n: number, B: Float64Array, cols = 1): void {
  let c = 0;
  // Four right-hand sides at a time share each row of L.
  for (; c + 4 <= cols; c += 4) {
    const o0 = c * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s0 = B[o0 + i]!;
      let s1 = B[o1 + i]!;
      let s2 = B[o2 + i]!;
      let s3 = B[o3 + i]!;
      for (let p = 0; p < i; p++) {
        const l = L[ri + p]!;
        s0 -= l * B[o0 + p]!;
        s1 -= l * B[o1 + p]!;
        s2 -= l * B[o2 + p]!;
        s3 -= l * B[o3 + p]!;
      }
      const d = L[ri + i]!;
      B[o0 + i] = s0 / d;
      B[o1 + i] = s1 / d;
      B[o2 + i] = s2 / d;
      B[o3 + i] = s3 / d;
    }
  }
  for (; c < cols; c++) {
    const o = c * n;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let s = B[o + i]!;
      for (let p = 0; p < i; p++) s -= L[ri + p]! * B[o + p]!;
      B[o + i] = s / L[ri + i]!;
    }
  }
}
