import { throwIfAborted } from '../influence/progress.js';

/** Options of {@link conjugateGradient}. */
export interface ConjugateGradientOptions {
  /** Stop when ‖r‖ ≤ tol · ‖b‖. Default 1e-8. */
  tol?: number;
  /** Default 10 × n (at most 1000). */
  maxIter?: number;
  signal?: AbortSignal | undefined;
}

/**
 * Solve M·x = b for a symmetric positive-definite M given only `apply(v) = M·v` (a
 * Hessian-vector product). Returns x and the iterations used.
 */
export function conjugateGradient(
  apply: (v: Float64Array) => Float64Array,
  b: Float64Array,
  opts: ConjugateGradientOptions = {},
): { x: Float64Array; iterations: number; residual: number } {
  const n = b.length;
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? Math.min(1000, 10 * n);
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = 0;
  for (let i = 0; i < n; i++) rr += r[i]! * r[i]!;
  const stop = tol * tol * rr;
  let it = 0;
  for (; it < maxIter && rr > stop && rr > 0; it++) {
    throwIfAborted(opts.signal);
    const Ap = apply(p);
    let pAp = 0;
    for (let i = 0; i < n; i++) pAp += p[i]! * Ap[i]!;
    if (!(pAp > 0)) break; // not positive definite along p: stop with the best iterate so far
    const a = rr / pAp;
    let rr2 = 0;
    for (let i = 0; i < n; i++) {
      x[i]! += a * p[i]!;
      r[i]! -= a * Ap[i]!;
      rr2 += r[i]! * r[i]!;
    }
    const beta = rr2 / rr;
    for (let i = 0; i < n; i++) p[i] = r[i]! + beta * p[i]!;
    rr = rr2;
  }
  return { x, iterations: it, residual: Math.sqrt(rr) };
}
