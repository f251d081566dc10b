import { AdapterError } from '../errors.js';
import { mulberry32 } from './prng.js';

/** A (possibly truncated) SVD: M ≈ U · diag(S) · Vᵀ, U m×k, V n×k, all row-major Float64. */
export interface Svd {
  U: Float64Array;
  S: Float64Array;
  V: Float64Array;
  m: number;
  n: number;
  k: number;
}

/**
 * Thin Householder QR of a row-major m×n matrix with m ≥ n: returns Q (m×n, orthonormal
 * columns) and R (n×n, upper triangular).
 */
export function qr(M: ArrayLike<number>, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  if (m < n) throw new AdapterError('INVALID_ARGUMENT', `qr needs rows ≥ columns (got ${m}×${n}).`);
  const a = Float64Array.from(M as ArrayLike<number>);
  const vs: Float64Array[] = [];
  const betas = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += a[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    const v = new Float64Array(m - j);
    const x0 = a[j * n + j]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i - j] = a[i * n + j]!;
    v[0] = x0 - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i]! ** 2;
    const beta = vnorm2 === 0 ? 0 : 2 / vnorm2;
    betas[j] = beta;
    vs.push(v);
    if (beta === 0) continue;
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j]! * a[i * n + c]!;
      dot *= beta;
      for (let i = j; i < m; i++) a[i * n + c] = a[i * n + c]! - dot * v[i - j]!;
    }
  }
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) R[i * n + j] = a[i * n + j]!;
  // Q = H0 H1 … H(n-1) applied to the first n columns of the identity, right to left.
  const Q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j]!;
    const beta = betas[j]!;
    if (beta === 0) continue;
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j]! * Q[i * n + c]!;
      dot *= beta;
      if (dot === 0) continue;
      for (let i = j; i < m; i++) Q[i * n + c] = Q[i * n + c]! - dot * v[i - j]!;
    }
  }
  return { Q, R };
}

/**
 * Full SVD of a small row-major m×n matrix by one-sided Jacobi (Hestenes) rotations, which
 * is accurate to working precision even for tiny singular values. Singular values descend.
 */
export function jacobiSvd(M: ArrayLike<number>, m: number, n: number): Svd {
  if (m < n) {
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = M[i * n + j]!;
    const s = jacobiSvd(t, n, m);
    return { U: s.V, S: s.S, V: s.U, m, n, k: s.k };
  }
  // Work on columns: store Aᵀ so each column is contiguous.
  const cols = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cols[j * m + i] = M[i * n + j]!;
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const eps = 1e-15;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const cp = p * m;
        const cq = q * m;
        for (let i = 0; i < m; i++) {
          const x = cols[cp + i]!;
          const y = cols[cq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = cols[cp + i]!;
          const y = cols[cq + i]!;
          cols[cp + i] = c * x - s * y;
          cols[cq + i] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = V[i * n + p]!;
          const y = V[i * n + q]!;
          V[i * n + p] = c * x - s * y;
          V[i * n + q] = s * x + c * y;
        }
      }
    if (off <= eps) break;
  }
  const S = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += cols[j * m + i]! ** 2;
    S[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => S[b]! - S[a]!);
  const U = new Float64Array(m * n);
  const Vs = new Float64Array(n * n);
  const Ss = new Float64Array(n);
  order.forEach((src, dst) => {
    const s = S[src]!;
    Ss[dst] = s;
    for (let i = 0; i < m; i++) U[i * n + dst] = s > 0 ? cols[src * m + i]! / s : 0;
    for (let i = 0; i < n; i++) Vs[i * n + dst] = V[i * n + src]!;
  });
  if (Ss[0]! > 0) fillNullColumns(U, m, n, Ss);
  return { U, S: Ss, V: Vs, m, n, k: n };
}

/** Give zero singular values orthonormal left vectors (Gram-Schmidt against the others). */
function fillNullColumns(U: Float64Array, m: number, n: number, S: Float64Array): void {
  const rand = mulberry32(12345);
  for (let j = 0; j < n; j++) {
    if (S[j]! > 0) continue;
    for (let attempt = 0; attempt < 4; attempt++) {
      for (let i = 0; i < m; i++) U[i * n + j] = rand() - 0.5;
      for (let pass = 0; pass < 2; pass++)
        for (let c = 0; c < n; c++) {
          if (c === j || (S[c] === 0 && c > j)) continue;
          let dot = 0;
          for (let i = 0; i < m; i++) dot += U[i * n + c]! * U[i * n + j]!;
          for (let i = 0; i < m; i++) U[i * n + j] = U[i * n + j]! - dot * U[i * n + c]!;
        }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += U[i * n + j]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let i = 0; i < m; i++) U[i * n + j] = U[i * n + j]! / norm;
        break;
      }
    }
  }
}

/**
 * Truncated SVD of the low-rank product B (m×R) · A (R×n) without forming it: QR of B and of
 * Aᵀ, then the Jacobi SVD of the small R×R core R_B·R_Aᵀ. Exact up to rounding.
 */
export function lowRankSvd(
  B: ArrayLike<number>,
  A: ArrayLike<number>,
  m: number,
  R: number,
  n: number,
  k: number,
): Svd {
  if (R > m || R > n) return denseSvd(productF64(B, A, m, R, n), m, n, k, 0);
  const { Q: Qb, R: Rb } = qr(B, m, R);
  const At = new Float64Array(n * R);
  for (let i = 0; i < R; i++) for (let j = 0; j < n; j++) At[j * R + i] = A[i * n + j]!;
  const { Q: Qa, R: Ra } = qr(At, n, R);
  // core = Rb · Raᵀ
  const core = new Float64Array(R * R);
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) {
      let s = 0;
      for (let p = 0; p < R; p++) s += Rb[i * R + p]! * Ra[j * R + p]!;
      core[i * R + j] = s;
    }
  const c = jacobiSvd(core, R, R);
  const kk = Math.min(k, R);
  return {
    U: mulTruncated(Qb, c.U, m, R, R, kk),
    S: c.S.slice(0, kk),
    V: mulTruncated(Qa, c.V, n, R, R, kk),
    m,
    n,
    k: kk,
  };
}

/**
 * Truncated SVD of a dense m×n matrix. Exact (Jacobi) when the matrix is small or k is close
 * to min(m, n); otherwise a randomized range finder (oversampling 10, `powerIterations`
 * subspace iterations, seeded) followed by an exact SVD of the projected matrix.
 */
export function denseSvd(
  M: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  seed: number,
  powerIterations = 3,
): Svd {
  const full = Math.min(m, n);
  const l = Math.min(full, k + 10);
  if (l >= full || m * n <= 256 * 256) {
    const s = jacobiSvd(M, m, n);
    return truncate(s, Math.min(k, full));
  }
  const rand = mulberry32(seed);
  const omega = new Float64Array(n * l);
  for (let i = 0; i < omega.length; i++) omega[i] = gaussian(rand);
  let Y = productF64(M, omega, m, n, l);
  let Q = qr(Y, m, l).Q;
  for (let it = 0; it < powerIterations; it++) {
    const Z = qr(productTN(M, Q, m, n, l), n, l).Q; // Mᵀ Q
    Y = productF64(M, Z, m, n, l);
    Q = qr(Y, m, l).Q;
  }
  // Small = Qᵀ M (l×n); its SVD gives M ≈ Q Us S Vᵀ.
  const small = productTN(Q, M, m, l, n);
  const s = jacobiSvd(small, l, n);
  const kk = Math.min(k, l);
  return {
    U: mulTruncated(Q, s.U, m, l, s.k, kk),
    S: s.S.slice(0, kk),
    V: truncCols(s.V, n, s.k, kk),
    m,
    n,
    k: kk,
  };
}

function truncate(s: Svd, k: number): Svd {
  return {
    U: truncCols(s.U, s.m, s.k, k),
    S: s.S.slice(0, k),
    V: truncCols(s.V, s.n, s.k, k),
    m: s.m,
    n: s.n,
    k,
  };
}

function truncCols(M: Float64Array, rows: number, cols: number, k: number): Float64Array {
  if (k === cols) return M;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = M[i * cols + j]!;
  return out;
}

/** (X (rows×inner) · Y (inner×cols)) keeping only the first k columns. */
function mulTruncated(
  X: Float64Array,
  Y: Float64Array,
  rows: number,
  inner: number,
  cols: number,
  k: number,
): Float64Array {
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++)
    for (let p = 0; p < inner; p++) {
      const x = X[i * inner + p]!;
      if (x === 0) continue;
      for (let j = 0; j < k; j++) out[i * k + j] = out[i * k + j]! + x * Y[p * cols + j]!;
    }
  return out;
}

function productF64(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const x = X[i * k + p]!;
      if (x === 0) continue;
      const o = i * n;
      const r = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + x * Y[r + j]!;
    }
  return out;
}

/** Xᵀ · Y where X is rows×a and Y is rows×b. */
function productTN(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  rows: number,
  a: number,
  b: number,
): Float64Array {
  const out = new Float64Array(a * b);
  for (let i = 0; i < rows; i++)
    for (let p = 0; p < a; p++) {
      const x = X[i * a + p]!;
      if (x === 0) continue;
      for (let j = 0; j < b; j++) out[p * b + j] = out[p * b + j]! + x * Y[i * b + j]!;
    }
  return out;
}

function gaussian(rand: () => number): number {
  const u = rand() || 1e-12;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
