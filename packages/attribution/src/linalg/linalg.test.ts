import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { conjugateGradient } from './cg.js';
import { cholesky, choleskySolve } from './cholesky.js';
import { matmulNN, matmulNT, matmulTN } from './matmul.js';

function rand(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}
const fill = (n: number, r: () => number) => Float64Array.from({ length: n }, r);

/** Textbook triple loop: the reference every kernel is checked against. */
function naive(
  m: number,
  n: number,
  k: number,
  a: (i: number, p: number) => number,
  b: (p: number, j: number) => number,
) {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      C[i * n + j] = s;
    }
  return C;
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 13 }),
  n: fc.integer({ min: 1, max: 70 }),
  k: fc.integer({ min: 1, max: 1100 }),
  seed: fc.integer(),
});

describe('matmul kernels equal the naive triple loop', () => {
  test('A·Bᵀ (NT), including edge tiles and alpha/beta', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, seed }) => {
        const r = rand(seed);
        const A = fill(m * k, r);
        const B = fill(n * k, r);
        const C0 = fill(m * n, r);
        const ref = naive(
          m,
          n,
          k,
          (i, p) => A[i * k + p]!,
          (p, j) => B[j * k + p]!,
        );
        const C = Float64Array.from(C0);
        matmulNT(m, n, k, A, B, C, 2, 0.5);
        for (let i = 0; i < m * n; i++) expect(C[i]).toBeCloseTo(2 * ref[i]! + 0.5 * C0[i]!, 9);
        const C32 = new Float32Array(m * n);
        matmulNT(m, n, k, Float32Array.from(A), Float32Array.from(B), C32);
        for (let i = 0; i < m * n; i++) expect(Math.abs(C32[i]! - ref[i]!)).toBeLessThan(1e-3 * Math.sqrt(k));
      }),
      { numRuns: 25 },
    );
  });

  test('A·B (NN) and Aᵀ·B (TN)', () => {
    fc.assert(
      fc.property(dims, ({ m, n, k, seed }) => {
        const r = rand(seed);
        const kk = Math.min(k, 60);
        const A = fill(m * kk, r);
        const B = fill(kk * n, r);
        const C = new Float64Array(m * n);
        matmulNN(m, n, kk, A, B, C);
        const ref = naive(
          m,
          n,
          kk,
          (i, p) => A[i * kk + p]!,
          (p, j) => B[p * n + j]!,
        );
        for (let i = 0; i < m * n; i++) expect(C[i]).toBeCloseTo(ref[i]!, 9);
        const At = fill(kk * m, r);
        matmulTN(m, n, kk, At, B, C);
        const ref2 = naive(
          m,
          n,
          kk,
          (i, p) => At[p * m + i]!,
          (p, j) => B[p * n + j]!,
        );
        for (let i = 0; i < m * n; i++) expect(C[i]).toBeCloseTo(ref2[i]!, 9);
      }),
      { numRuns: 25 },
    );
  });
});

describe('solvers', () => {
  test('Cholesky and conjugate gradient solve SPD systems to the same answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer(), (n, seed) => {
        const r = rand(seed);
        const X = fill(n * (n + 3), r);
        const M = new Float64Array(n * n);
        matmulNT(n, n, n + 3, X, X, M);
        for (let i = 0; i < n; i++) M[i * n + i]! += 0.5;
        const b = fill(n, r);
        const L = Float64Array.from(M);
        cholesky(L, n);
        const x = Float64Array.from(b);
        choleskySolve(L, n, x);
        const Mx = new Float64Array(n);
        matmulNT(n, 1, n, M, x, Mx);
        for (let i = 0; i < n; i++) expect(Mx[i]).toBeCloseTo(b[i]!, 8);
        const cg = conjugateGradient(
          (v) => {
            const out = new Float64Array(n);
            matmulNT(n, 1, n, M, v, out);
            return out;
          },
          b,
          { tol: 1e-12, maxIter: 10 * n },
        );
        for (let i = 0; i < n; i++) expect(cg.x[i]).toBeCloseTo(x[i]!, 5);
      }),
      { numRuns: 30 },
    );
  });

  test('Cholesky rejects an indefinite matrix with a typed error', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});

describe('WebAssembly SIMD kernel', () => {
  /**
   * max |C − (−1.5·A·op(B) + 2·C0)| / √k against the double-precision triple loop, for f32
   * operands; op(B) = Bᵀ (B n×k) or, with `nn`, B (k×n).
   */
  const errorOf = (
    gemm: (m: number, n: number, k: number, A: Float32Array, B: Float32Array, C: Float64Array) => boolean,
    m: number,
    n: number,
    k: number,
    seed: number,
    nn = false,
  ) => {
    const r = rand(seed);
    const A = Float32Array.from({ length: m * k }, r);
    const B = Float32Array.from({ length: n * k }, r);
    const C0 = fill(m * n, r);
    const C = Float64Array.from(C0);
    expect(gemm(m, n, k, A, B, C)).toBe(true);
    const ref = naive(
      m,
      n,
      k,
      (i, p) => A[i * k + p]!,
      (p, j) => (nn ? B[p * n + j]! : B[j * k + p]!),
    );
    let worst = 0;
    for (let i = 0; i < m * n; i++)
      worst = Math.max(worst, Math.abs(C[i]! - (-1.5 * ref[i]! + 2 * C0[i]!)) / Math.sqrt(k));
    return worst;
  };

  test('is available in Node and equals the double-precision product within f32 rounding', async () => {
    const { matmulNTSimd, simdAvailable } = await import('./matmulSimd.js');
    expect(simdAvailable()).toBe(true);
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 11 }),
          n: fc.integer({ min: 1, max: 150 }),
          k: fc.integer({ min: 1, max: 2100 }),
          seed: fc.integer(),
        }),
        ({ m, n, k, seed }) => {
          const err = errorOf((...a) => matmulNTSimd(...a, -1.5, 2, 'mul-add'), m, n, k, seed);
          expect(err).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('A·B kernel: equals the double-precision product, within and across its tiles', async () => {
    const { matmulNNSimd } = await import('./matmulSimd.js');
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 11 }),
          n: fc.integer({ min: 1, max: 150 }),
          k: fc.integer({ min: 1, max: 1100 }),
          seed: fc.integer(),
        }),
        ({ m, n, k, seed }) => {
          const err = errorOf((...a) => matmulNNSimd(...a, -1.5, 2, 'mul-add'), m, n, k, seed, true);
          expect(err).toBeLessThan(1e-4);
        },
      ),
      { numRuns: 25 },
    );
    // 256 rows of A, 4096 columns of C, 512-row k-tiles, 128-column B tiles, 8-column groups.
    for (const [m, n, k] of [
      [257, 9, 3],
      [5, 4097, 2],
      [3, 129, 1025],
      [4, 8, 513],
      [1, 1, 1],
    ] as const) {
      expect(errorOf((...a) => matmulNNSimd(...a, -1.5, 2), m, n, k, m + n * k, true)).toBeLessThan(1e-4);
    }
  });

  test('crosses its staging boundaries: 256 rows of A, 1024 rows of B, 2048-float k-tiles', async () => {
    const { matmulNTSimd } = await import('./matmulSimd.js');
    for (const [m, n, k] of [
      [257, 3, 5],
      [513, 2, 4],
      [5, 1027, 9],
      [3, 2049, 3],
      [5, 3, 4099],
      [4, 2, 6147],
      [1, 1, 2049],
    ] as const) {
      expect(errorOf((...a) => matmulNTSimd(...a, -1.5, 2), m, n, k, m * n + k)).toBeLessThan(1e-4);
    }
  });

  test('the relaxed-SIMD kernel (fused multiply-add) equals the double-precision product too', async () => {
    const { matmulNNSimd, matmulNTSimd, simdVariant } = await import('./matmulSimd.js');
    const shapes = [
      [7, 33, 1001],
      [4, 2, 4],
      [9, 130, 4097],
      [300, 5, 17],
    ] as const;
    if (simdVariant() === 'relaxed-madd') {
      for (const [m, n, k] of shapes) {
        expect(errorOf((...a) => matmulNTSimd(...a, -1.5, 2, 'relaxed-madd'), m, n, k, k)).toBeLessThan(1e-4);
        expect(errorOf((...a) => matmulNNSimd(...a, -1.5, 2, 'relaxed-madd'), m, n, k, k, true)).toBeLessThan(
          1e-4,
        );
      }
      return;
    }
    // Node 20's V8 ships Relaxed SIMD behind a flag: check the fused kernel in a child process.
    expect(
      matmulNTSimd(
        1,
        1,
        1,
        Float32Array.of(1),
        Float32Array.of(1),
        new Float64Array(1),
        1,
        0,
        'relaxed-madd',
      ),
    ).toBe(false);
    const { execFileSync } = await import('node:child_process');
    const flags = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    if (!flags.includes('--experimental-wasm-relaxed-simd')) return;
    const here = new URL('./matmulSimd.ts', import.meta.url).href;
    const script = `
      const { matmulNNSimd, matmulNTSimd, simdVariant } = await import(${JSON.stringify(here)});
      const out = { variant: simdVariant(), worst: 0 };
      let s = 7;
      const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      for (const [m, n, k] of ${JSON.stringify(shapes)}) {
        const A = Float32Array.from({ length: m * k }, r), B = Float32Array.from({ length: n * k }, r);
        const C = new Float64Array(m * n), D = new Float64Array(m * n);
        matmulNTSimd(m, n, k, A, B, C, 1, 0, 'relaxed-madd');
        matmulNNSimd(m, n, k, A, B, D, 1, 0, 'relaxed-madd');
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let nt = 0, nn = 0;
          for (let p = 0; p < k; p++) { nt += A[i * k + p] * B[j * k + p]; nn += A[i * k + p] * B[p * n + j]; }
          out.worst = Math.max(out.worst, Math.abs(C[i * n + j] - nt) / Math.sqrt(k), Math.abs(D[i * n + j] - nn) / Math.sqrt(k));
        }
      }
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    const res = JSON.parse(stdout.trim().split('\n').pop()!) as { variant: string; worst: number };
    expect(res.variant).toBe('relaxed-madd');
    expect(res.worst).toBeLessThan(1e-4);
  });
});
