import { AbortError } from '@openledger/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { aggregateInfluence } from './aggregateInfluence.js';
import { dataInf } from './dataInf.js';
import { embeddingSimilarity } from './embeddingSimilarity.js';
import { InfluenceError } from './errors.js';
import { influenceFunction } from './influenceFunction.js';
import { logisticRegression } from './logisticRegression.js';
import { gradientCheckpoints, readGradientSafetensors } from './readGradientSafetensors.js';
import { representerPoints } from './representerPoints.js';
import { tracIn } from './tracIn.js';
import type { Example, GradientMatrix } from './types.js';

function rng(seed: number) {
  let s = seed >>> 0 || 7;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
const mat = (rows: number, cols: number, r: () => number, F32 = false): GradientMatrix => ({
  rows,
  cols,
  data: F32 ? Float32Array.from({ length: rows * cols }, r) : Float64Array.from({ length: rows * cols }, r),
});
const dotRows = (A: GradientMatrix, i: number, B: GradientMatrix, j: number) => {
  let s = 0;
  for (let k = 0; k < A.cols; k++) s += A.data[i * A.cols + k]! * B.data[j * B.cols + k]!;
  return s;
};
function data(n: number, p: number, seed: number): Example[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const x = Array.from({ length: p }, r);
    return { x, y: x[0]! + 0.5 * r() > 0 ? 1 : 0 };
  });
}

/** Naive dense inverse by Gauss-Jordan: the reference for the solvers. */
function inverse(M: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(M);
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[piv * n + c]!)) piv = r;
    for (let k = 0; k < n; k++) {
      [A[c * n + k], A[piv * n + k]] = [A[piv * n + k]!, A[c * n + k]!];
      [I[c * n + k], I[piv * n + k]] = [I[piv * n + k]!, I[c * n + k]!];
    }
    const d = A[c * n + c]!;
    for (let k = 0; k < n; k++) {
      A[c * n + k]! /= d;
      I[c * n + k]! /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c]!;
      for (let k = 0; k < n; k++) {
        A[r * n + k]! -= f * A[c * n + k]!;
        I[r * n + k]! -= f * I[c * n + k]!;
      }
    }
  }
  return I;
}

describe('influenceFunction', () => {
  test('Cholesky, conjugate gradient and a Gauss-Jordan inverse give the same scores', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(2, 3), (seed, classes) => {
        const train = data(30, 4, seed).map((e, i) => ({ ...e, y: classes === 2 ? e.y : i % 3 }));
        const test = data(4, 4, seed + 1).map((e, i) => ({ ...e, y: classes === 2 ? e.y : i % 3 }));
        const model = logisticRegression({ numFeatures: 4, numClasses: classes, l2: 0.5 });
        model.fit(train);
        const a = influenceFunction(model, { train, test, solver: 'cholesky', selfInfluence: true });
        const b = influenceFunction(model, {
          train,
          test,
          solver: 'cg',
          cg: { tol: 1e-12 },
          selfInfluence: true,
        });
        const d = model.numParams;
        const Hi = inverse(model.hessian(train), d);
        const Gtr = model.gradients(train);
        const Gte = model.gradients(test);
        for (let t = 0; t < test.length; t++) {
          for (let i = 0; i < train.length; i++) {
            let ref = 0;
            for (let p = 0; p < d; p++)
              for (let q = 0; q < d; q++) ref += Gte[t * d + p]! * Hi[p * d + q]! * Gtr[i * d + q]!;
            expect(a.scores[t * train.length + i]).toBeCloseTo(ref, 9);
            expect(b.scores[t * train.length + i]).toBeCloseTo(ref, 6);
          }
        }
        for (let i = 0; i < train.length; i++)
          expect(b.selfInfluence![i]).toBeCloseTo(a.selfInfluence![i]!, 6);
        // top-k is the sorted head of each row.
        const row = Array.from(a.scores.subarray(0, train.length));
        expect(a.top[0]!.map((s) => s.score)).toEqual([...row].sort((x, y) => y - x).slice(0, 10));
      }),
      { numRuns: 6 },
    );
  });

  test('imported gradients use the damped Fisher Hessian', () => {
    const r = rng(3);
    const train = mat(12, 5, r);
    const test = mat(2, 5, r);
    const res = influenceFunction(null, { train, test, damping: 0.1 });
    const H = new Float64Array(25);
    for (let i = 0; i < 12; i++)
      for (let p = 0; p < 5; p++)
        for (let q = 0; q < 5; q++) H[p * 5 + q]! += train.data[i * 5 + p]! * train.data[i * 5 + q]!;
    for (let p = 0; p < 5; p++) H[p * 5 + p]! += 0.1;
    const Hi = inverse(H, 5);
    for (let t = 0; t < 2; t++)
      for (let i = 0; i < 12; i++) {
        let ref = 0;
        for (let p = 0; p < 5; p++)
          for (let q = 0; q < 5; q++) ref += test.data[t * 5 + p]! * Hi[p * 5 + q]! * train.data[i * 5 + q]!;
        expect(res.scores[t * 12 + i]).toBeCloseTo(ref, 9);
      }
  });

  test('refuses mismatched shapes, non-finite gradients and oversized dense solves', () => {
    const r = rng(1);
    expect(() => influenceFunction(null, { train: mat(3, 4, r), test: mat(1, 5, r), damping: 1 })).toThrow(
      InfluenceError,
    );
    const bad = mat(3, 4, r);
    bad.data[5] = Number.NaN;
    expect(() => influenceFunction(null, { train: bad, test: mat(1, 4, r), damping: 1 })).toThrow(
      /non-finite/,
    );
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const g = mat(3, 4, r, true);
      g.data[9] = v;
      expect(() => dataInf({ layers: [{ train: g, test: mat(1, 4, r) }] })).toThrow(
        /layers\[0\]\.train holds a non-finite value at row 2/,
      );
    }
    for (const [where, row] of [
      ['train', 1],
      ['test', 0],
    ] as const) {
      const cks = [0, 1].map(() => ({ learningRate: 0.1, train: mat(5, 4, r, true), test: mat(2, 4, r) }));
      cks[1]![where].data[row * 4 + 2] = Number.NEGATIVE_INFINITY;
      expect(() => tracIn({ checkpoints: cks, blockRows: 2 })).toThrow(
        `checkpoints[1].${where} holds a non-finite value at row ${row}`,
      );
    }
    const selfOnly = { learningRate: 1, train: mat(3, 2, r), test: mat(0, 2, r) };
    selfOnly.train.data[3] = Number.NaN;
    expect(tracIn({ checkpoints: [{ ...selfOnly }] }).scores.length).toBe(0);
    expect(() => tracIn({ checkpoints: [selfOnly], selfInfluence: true })).toThrow(
      /train holds a non-finite value at row 1/,
    );
    // Finite, but their products overflow Float32 accumulation (on the SIMD kernel: 4 × 64 × 1024).
    const big = {
      learningRate: 1,
      train: mat(64, 1024, () => 1e20, true),
      test: mat(4, 1024, () => 1e20, true),
    };
    expect(() => tracIn({ checkpoints: [big] })).toThrow(/dot products overflow Float32/);
    const huge = mat(3, 4, r);
    huge.data[0] = 1e200;
    expect(() => dataInf({ layers: [{ train: huge, test: mat(1, 4, r) }] })).toThrow(/too large to square/);
    expect(() =>
      influenceFunction(null, {
        train: { rows: 3, cols: 4, data: new Float32Array(5) },
        test: mat(1, 4, r),
        damping: 1,
      }),
    ).toThrow(/expected 3 × 4/);
    const model = logisticRegression({ numFeatures: 4, l2: 1 });
    expect(() =>
      influenceFunction(model, {
        train: data(3, 4, 1),
        test: data(1, 4, 2),
        solver: 'cholesky',
        maxDenseParams: 2,
      }),
    ).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  test('reports progress and stops on an aborted signal', () => {
    const model = logisticRegression({ numFeatures: 4, l2: 1 });
    const train = data(20, 4, 1);
    const phases: string[] = [];
    influenceFunction(model, { train, test: train.slice(0, 2), onProgress: (p) => phases.push(p.phase) });
    expect(phases).toContain('scores');
    const ac = new AbortController();
    ac.abort();
    expect(() => influenceFunction(model, { train, test: train.slice(0, 2), signal: ac.signal })).toThrow(
      AbortError,
    );
    expect(() =>
      tracIn({
        checkpoints: [{ learningRate: 1, train: mat(4, 3, rng(1)), test: mat(1, 3, rng(2)) }],
        signal: ac.signal,
      }),
    ).toThrow(AbortError);
  });
});

describe('tracIn', () => {
  test('equals the brute-force sum of learning-rate-weighted dot products over checkpoints', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 40 }),
        (seed, C, n) => {
          const r = rng(seed);
          const cks = Array.from({ length: C }, (_, c) => ({
            learningRate: 0.1 * (c + 1),
            train: mat(n, 7, r, c % 2 === 0),
            test: mat(3, 7, r, c % 2 === 0),
          }));
          const res = tracIn({ checkpoints: cks, selfInfluence: true, blockRows: 5, topK: 3 });
          for (let t = 0; t < 3; t++)
            for (let i = 0; i < n; i++) {
              let ref = 0;
              for (const ck of cks) ref += ck.learningRate * dotRows(ck.test, t, ck.train, i);
              expect(res.scores[t * n + i]).toBeCloseTo(ref, 5);
            }
          for (let i = 0; i < n; i++) {
            let ref = 0;
            for (const ck of cks) ref += ck.learningRate * dotRows(ck.train, i, ck.train, i);
            expect(res.selfInfluence![i]).toBeCloseTo(ref, 5);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  test('with a model and parameter checkpoints equals TracIn on the gradients it computes', () => {
    const model = logisticRegression({ numFeatures: 3, l2: 0.1 });
    const train = data(10, 3, 4);
    const test = data(2, 3, 5);
    const thetas = [new Float64Array(4).fill(0.1), new Float64Array(4).fill(-0.2)];
    const a = tracIn({
      model,
      train,
      test,
      checkpoints: thetas.map((params) => ({ learningRate: 0.5, params })),
    });
    const b = tracIn({
      checkpoints: thetas.map((th) => ({
        learningRate: 0.5,
        train: { rows: 10, cols: 4, data: model.gradients(train, th) },
        test: { rows: 2, cols: 4, data: model.gradients(test, th) },
      })),
    });
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
  });
});

describe('dataInf', () => {
  test('equals the closed form (1/(nλ)) Σᵢ (vᵀg_k − (vᵀgᵢ)(gᵢᵀg_k)/(λ+‖gᵢ‖²)) summed over layers', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 25 }), (seed, n) => {
        const r = rng(seed);
        const layers = [0, 1].map((l) => ({
          train: mat(n, 4 + l, r, l === 1),
          test: mat(2, 4 + l, r, l === 1),
          lambda: 0.3 + l,
        }));
        const res = dataInf({ layers });
        for (let t = 0; t < 2; t++)
          for (let k = 0; k < n; k++) {
            let ref = 0;
            for (const L of layers) {
              let s = 0;
              for (let i = 0; i < n; i++) {
                const gi = dotRows(L.train, i, L.train, i);
                s +=
                  dotRows(L.test, t, L.train, k) -
                  (dotRows(L.test, t, L.train, i) * dotRows(L.train, i, L.train, k)) / (L.lambda + gi);
              }
              ref += s / (n * L.lambda);
            }
            expect(res.scores[t * n + k]).toBeCloseTo(ref, 4);
          }
      }),
      { numRuns: 20 },
    );
  });
});

test('dataInf on Float32 gradients (SIMD path) matches the Float64 computation', () => {
  const r = rng(11);
  const train = mat(40, 70, r, true);
  const test = mat(6, 70, r, true);
  const a = dataInf({ layers: [{ train, test }] });
  const b = dataInf({
    layers: [
      {
        train: { ...train, data: Float64Array.from(train.data) },
        test: { ...test, data: Float64Array.from(test.data) },
      },
    ],
  });
  for (let i = 0; i < a.scores.length; i++) expect(a.scores[i]).toBeCloseTo(b.scores[i]!, 3);
});

describe('representerPoints', () => {
  test('per-example terms sum to the test logit at the optimum (binary and multinomial)', () => {
    for (const classes of [2, 3]) {
      const train = data(40, 3, 9).map((e, i) => ({ ...e, y: classes === 2 ? e.y : i % 3 }));
      const test = data(5, 3, 10);
      const model = logisticRegression({ numFeatures: 3, numClasses: classes, l2: 0.7 });
      model.fit(train, { tol: 1e-13 });
      const res = representerPoints({ model, train, test });
      const logits = model.predict(test);
      for (let t = 0; t < test.length; t++) {
        const row = res.scores.subarray(t * 40, (t + 1) * 40);
        const sum = row.reduce((a, b) => a + b, 0);
        if (classes === 2) expect(Math.abs(sum)).toBeCloseTo(Math.abs(logits[t]!), 8);
        else expect(sum).toBeCloseTo(Math.max(...logits.subarray(t * 3, t * 3 + 3)), 8);
      }
    }
  });
});

describe('aggregateInfluence', () => {
  test('groups positive credit by contribution and contributor with shares summing to 1', () => {
    const res = tracIn({
      checkpoints: [
        {
          learningRate: 1,
          train: { rows: 3, cols: 2, data: Float64Array.of(1, 0, 2, 0, -1, 0) },
          test: { rows: 1, cols: 2, data: Float64Array.of(1, 0) },
        },
      ],
    });
    const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const agg = aggregateInfluence(res, {
      owners: [
        { contributionId: 'c1', contributor: A, datanetId: 'd' },
        { contributionId: 'c2', contributor: A.toLowerCase(), datanetId: 'd' },
        { contributionId: 'c3', contributor: A, datanetId: 'd' },
      ],
    });
    expect(agg.contributions.map((c) => [c.contributionId, c.share])).toEqual([
      ['c2', 2 / 3],
      ['c1', 1 / 3],
    ]);
    expect(agg.contributors).toEqual([{ contributor: A.toLowerCase(), score: 3, share: 1 }]);
    expect(() => aggregateInfluence(res, { owners: [] })).toThrow(InfluenceError);
  });
});

describe('readGradientSafetensors', () => {
  function file(
    tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>,
    meta?: Record<string, string>,
  ) {
    let off = 0;
    const header: Record<string, unknown> = meta ? { __metadata__: meta } : {};
    for (const [k, t] of Object.entries(tensors)) {
      header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.bytes.length] };
      off += t.bytes.length;
    }
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + off);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    let o = 8 + h.length;
    for (const t of Object.values(tensors)) {
      out.set(t.bytes, o);
      o += t.bytes.length;
    }
    return out;
  }
  test('reads F32, F16 and BF16 rows and builds TracIn checkpoints', () => {
    const f32 = Float32Array.of(1, -2, 0.5, 4);
    const f16 = Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x4400); // 1, -2, 0.5, 4
    const bf16 = Uint16Array.of(0x3f80, 0xc000); // 1, -2
    const bytes = file(
      {
        'ckpt0.train': { dtype: 'F32', shape: [2, 2], bytes: new Uint8Array(f32.buffer) },
        'ckpt0.test': { dtype: 'F16', shape: [2, 2], bytes: new Uint8Array(f16.buffer) },
        'ckpt1.train': { dtype: 'F32', shape: [2, 2], bytes: new Uint8Array(f32.buffer) },
        'ckpt1.test': { dtype: 'BF16', shape: [1, 2], bytes: new Uint8Array(bf16.buffer) },
      },
      { 'ckpt0.learning_rate': '0.5', 'ckpt1.learning_rate': '0.25' },
    );
    const parsed = readGradientSafetensors(bytes);
    expect(Array.from(parsed.tensors['ckpt0.test']!.data)).toEqual([1, -2, 0.5, 4]);
    expect(Array.from(parsed.tensors['ckpt1.test']!.data)).toEqual([1, -2]);
    const cks = gradientCheckpoints(parsed);
    expect(cks.map((c) => c.learningRate)).toEqual([0.5, 0.25]);
    expect(() => tracIn({ checkpoints: cks })).toThrow(/expected 2×2/);
  });

  test('rejects truncated and hostile files with typed errors, never reading out of bounds', () => {
    const good = file({ g: { dtype: 'F32', shape: [2, 2], bytes: new Uint8Array(16) } });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (pos, byte, truncate) => {
          const b = truncate ? good.slice(0, pos) : Uint8Array.from(good);
          if (!truncate) b[pos] = byte;
          try {
            readGradientSafetensors(b);
          } catch (e) {
            expect(e).toBeInstanceOf(InfluenceError);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(() =>
      readGradientSafetensors(file({ g: { dtype: 'I64', shape: [1, 1], bytes: new Uint8Array(8) } })),
    ).toThrow(/dtype/);
  });
});

describe('embeddingSimilarity', () => {
  // A deterministic character-trigram extractor with the transformers.js call shape.
  const extractor = async (texts: string[], opts: { normalize: boolean }) => {
    const d = 64;
    const data = new Float32Array(texts.length * d);
    texts.forEach((t, i) => {
      for (let k = 0; k + 3 <= t.length; k++) {
        let h = 0;
        for (const ch of t.slice(k, k + 3)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
        data[i * d + (h % d)]! += 1;
      }
      if (opts.normalize) {
        let s = 0;
        for (let j = 0; j < d; j++) s += data[i * d + j]! ** 2;
        for (let j = 0; j < d; j++) data[i * d + j]! /= Math.sqrt(s) || 1;
      }
    });
    return { data, dims: [texts.length, d] };
  };
  test('ranks training texts by cosine similarity, in batches, and accepts precomputed embeddings', async () => {
    const train = ['the cat sat on the mat', 'stock markets fell sharply', 'a cat on a mat', 'rain in spain'];
    const res = await embeddingSimilarity({
      extractor,
      train,
      test: ['the cat on the mat'],
      batchSize: 3,
      topK: 2,
    });
    expect(res.method).toBe('embedding-similarity');
    expect(res.top[0]!.map((s) => s.index).sort()).toEqual([0, 2]);
    const emb = await extractor(train, { normalize: false });
    const res2 = await embeddingSimilarity({
      extractor,
      train: { rows: 4, cols: 64, data: emb.data },
      test: ['the cat on the mat'],
    });
    for (let i = 0; i < 4; i++) expect(res2.scores[i]).toBeCloseTo(res.scores[i]!, 6);
    await expect(
      embeddingSimilarity({
        extractor: async (t) => ({ data: new Float32Array(3), dims: [t.length, 5] }),
        train,
        test: ['x'],
      }),
    ).rejects.toThrow(InfluenceError);
  });
});
