import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { frobenius, maxAbsDiff, naiveMatmul, randomMatrix } from '../testing/helpers.js';
import { lowRankProduct, lowRankProductJs, matmul, transpose } from './gemm.js';
import { denseSvd, jacobiSvd, lowRankSvd, qr, type Svd } from './svd.js';

function reconstruct(s: Svd): Float64Array {
  const US = new Float64Array(s.m * s.k);
  for (let i = 0; i < s.m; i++) for (let j = 0; j < s.k; j++) US[i * s.k + j] = s.U[i * s.k + j]! * s.S[j]!;
  const Vt = new Float64Array(s.k * s.n);
  for (let j = 0; j < s.k; j++) for (let c = 0; c < s.n; c++) Vt[j * s.n + c] = s.V[c * s.k + j]!;
  return naiveMatmul(US, Vt, s.m, s.k, s.n);
}

function gram(M: Float64Array, rows: number, cols: number): Float64Array {
  return naiveMatmul(transpose(M, rows, cols), M, cols, rows, cols);
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

describe('gemm kernels', () => {
  test('lowRankProduct equals a naive float64 product for any shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 13 }),
        fc.nat(),
        (m, r, n, seed) => {
          const B = randomMatrix(m, r, seed);
          const A = randomMatrix(r, n, seed + 1);
          const got = lowRankProduct(B, A, m, r, n, 0.5);
          const want = naiveMatmul(B, A, m, r, n).map((x) => x * 0.5);
          expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('the SIMD path (n a multiple of 16) agrees with the naive product and the JS kernel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        (m, r, n16, seed) => {
          const n = n16 * 16;
          const B = randomMatrix(m, r, seed);
          const A = randomMatrix(r, n, seed + 1);
          const got = lowRankProduct(B, A, m, r, n, 1.5);
          const want = naiveMatmul(B, A, m, r, n).map((x) => x * 1.5);
          expect(maxAbsDiff(got, want)).toBeLessThan(2e-5);
          expect(maxAbsDiff(got, lowRankProductJs(B, A, m, r, n, 1.5))).toBeLessThan(2e-5);
        },
      ),
      { numRuns: 40 },
    );
    // Several row blocks: 4096 columns → 256 rows per 4 MB block.
    const B = randomMatrix(600, 4, 9);
    const A = randomMatrix(4, 4096, 10);
    const got = lowRankProduct(B, A, 600, 4, 4096);
    for (const i of [0, 255, 256, 511, 599])
      for (const j of [0, 17, 4095]) {
        let s = 0;
        for (let p = 0; p < 4; p++) s += B[i * 4 + p]! * A[p * 4096 + j]!;
        expect(got[i * 4096 + j]).toBeCloseTo(s, 5);
      }
  });

  test('matmul equals a naive product', () => {
    const A = randomMatrix(7, 11, 1);
    const B = randomMatrix(11, 5, 2);
    expect(maxAbsDiff(matmul(A, B, 7, 11, 5), naiveMatmul(A, B, 7, 11, 5))).toBeLessThan(1e-5);
  });
});

describe('SVD', () => {
  test('qr gives orthonormal Q and upper-triangular R with Q·R = M', () => {
    const M = randomMatrix(20, 6, 3);
    const { Q, R } = qr(M, 20, 6);
    expect(maxAbsDiff(naiveMatmul(Q, R, 20, 6, 6), M)).toBeLessThan(1e-6);
    expect(maxAbsDiff(gram(Q, 20, 6), identity(6))).toBeLessThan(1e-12);
    for (let i = 1; i < 6; i++) for (let j = 0; j < i; j++) expect(R[i * 6 + j]).toBe(0);
  });

  test.each([
    [12, 7],
    [5, 9],
    [8, 8],
  ])('jacobiSvd of a %i×%i matrix: orthonormal factors, descending values, exact reconstruction', (m, n) => {
    const M = randomMatrix(m, n, m * n);
    const s = jacobiSvd(M, m, n);
    expect(maxAbsDiff(reconstruct(s), M)).toBeLessThan(1e-6);
    expect(maxAbsDiff(gram(s.U, m, s.k), identity(s.k))).toBeLessThan(1e-10);
    expect(maxAbsDiff(gram(s.V, n, s.k), identity(s.k))).toBeLessThan(1e-10);
    for (let i = 1; i < s.k; i++) expect(s.S[i]!).toBeLessThanOrEqual(s.S[i - 1]!);
    // Σσ² equals the squared Frobenius norm.
    expect(s.S.reduce((a, x) => a + x * x, 0)).toBeCloseTo(frobenius(M) ** 2, 8);
  });

  test('truncation residual equals the discarded singular values (Eckart–Young)', () => {
    const M = randomMatrix(30, 20, 5);
    const full = jacobiSvd(M, 30, 20);
    for (const k of [1, 5, 12, 19]) {
      const t = denseSvd(M, 30, 20, k, 0);
      const resid = frobenius(reconstruct(t).map((x, i) => M[i]! - x));
      const discarded = Math.sqrt(full.S.slice(k).reduce((a, x) => a + x * x, 0));
      expect(resid).toBeCloseTo(discarded, 5);
    }
  });

  test('lowRankSvd of B·A matches the SVD of the formed product without forming it', () => {
    const m = 64;
    const n = 48;
    const R = 6;
    const B = randomMatrix(m, R, 7);
    const A = randomMatrix(R, n, 8);
    const dense = naiveMatmul(B, A, m, R, n);
    const ref = jacobiSvd(dense, m, n);
    const lr = lowRankSvd(B, A, m, R, n, R);
    for (let i = 0; i < R; i++) expect(lr.S[i]!).toBeCloseTo(ref.S[i]!, 8);
    expect(maxAbsDiff(reconstruct(lr), dense)).toBeLessThan(1e-9);
    const k3 = lowRankSvd(B, A, m, R, n, 3);
    const resid = frobenius(reconstruct(k3).map((x, i) => dense[i]! - x));
    expect(resid).toBeCloseTo(Math.sqrt(ref.S.slice(3).reduce((a, x) => a + x * x, 0)), 8);
  });

  test('randomized SVD of a large matrix with a decaying spectrum is near optimal', () => {
    const m = 300;
    const n = 280;
    const r = 40;
    const U = qr(randomMatrix(m, r, 11), m, r).Q;
    const V = qr(randomMatrix(n, r, 12), n, r).Q;
    const sigma = Array.from({ length: r }, (_, i) => 0.7 ** i);
    const US = U.map((x, idx) => x * sigma[idx % r]!);
    const M = naiveMatmul(US, transpose(V, n, r), m, r, n);
    const k = 8;
    const t = denseSvd(M, m, n, k, 1);
    for (let i = 0; i < k; i++) expect(t.S[i]!).toBeCloseTo(sigma[i]!, 6);
    const resid = frobenius(reconstruct(t).map((x, i) => M[i]! - x));
    const optimal = Math.sqrt(sigma.slice(k).reduce((a, x) => a + x * x, 0));
    expect(resid / optimal).toBeLessThan(1 + 1e-6);
  });
});
