import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InfluenceError } from './errors.js';
import { linearRegression } from './linearRegression.js';
import { logisticRegression } from './logisticRegression.js';
import { loraLinear } from './loraLinear.js';
import type { Example, InfluenceModel } from './types.js';

function rng(seed: number) {
  let s = seed >>> 0 || 7;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

function data(n: number, p: number, classes: number, seed: number): Example[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const x = Array.from({ length: p }, r);
    return { x, y: classes === 0 ? r() * 3 : Math.floor(((r() + 1) / 2) * classes) % classes };
  });
}

const total = (m: InfluenceModel, ex: Example[], th: Float64Array) => {
  let s = 0;
  for (const v of m.losses(ex, th)) s += v;
  let r = 0;
  for (const v of th) r += v * v;
  return s + 0.5 * m.l2 * r;
};

/** Central-difference checks: per-example gradients against losses, HVPs against gradients. */
function checkDerivatives(
  model: InfluenceModel & { hvp(ex: Example[], v: Float64Array): Float64Array },
  ex: Example[],
  seed: number,
) {
  const r = rng(seed);
  const d = model.numParams;
  model.params = Float64Array.from({ length: d }, () => r() * 0.5);
  const h = 1e-5;
  const G = model.gradients(ex);
  for (let i = 0; i < ex.length; i++) {
    for (const j of [0, Math.floor(d / 2), d - 1]) {
      const tp = Float64Array.from(model.params);
      const tm = Float64Array.from(model.params);
      tp[j]! += h;
      tm[j]! -= h;
      const fd = (model.losses([ex[i]!], tp)[0]! - model.losses([ex[i]!], tm)[0]!) / (2 * h);
      expect(G[i * d + j]).toBeCloseTo(fd, 6);
    }
  }
  // Full-objective gradient via FD of the objective, for a random direction.
  const v = Float64Array.from({ length: d }, r);
  const gradAt = (th: Float64Array) => {
    const Gi = model.gradients(ex, th);
    const g = new Float64Array(d);
    for (let i = 0; i < ex.length; i++) for (let j = 0; j < d; j++) g[j]! += Gi[i * d + j]!;
    for (let j = 0; j < d; j++) g[j]! += model.l2 * th[j]!;
    return g;
  };
  const tp = model.params.map((x, j) => x + h * v[j]!);
  const tm = model.params.map((x, j) => x - h * v[j]!);
  const dirFd = (total(model, ex, tp) - total(model, ex, tm)) / (2 * h);
  const g = gradAt(model.params);
  expect(g.reduce((a, x, j) => a + x * v[j]!, 0)).toBeCloseTo(dirFd, 5);
  const gp = gradAt(tp);
  const gm = gradAt(tm);
  const hv = model.hvp(ex, v);
  for (let j = 0; j < d; j++) expect(hv[j]).toBeCloseTo((gp[j]! - gm[j]!) / (2 * h), 5);
  return hv;
}

describe('built-in models have exact derivatives', () => {
  test.each([
    ['linear regression', () => linearRegression({ numFeatures: 4, l2: 0.3 }), 0],
    ['binary logistic regression', () => logisticRegression({ numFeatures: 4, l2: 0.3 }), 2],
    [
      'multinomial logistic regression',
      () => logisticRegression({ numFeatures: 4, numClasses: 3, l2: 0.3 }),
      3,
    ],
  ] as const)('%s: gradients, Hessian and HVP match finite differences', (_n, make, classes) => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const model = make();
        const ex = data(6, 4, classes, seed);
        const hv = checkDerivatives(model, ex, seed + 1);
        const v = Float64Array.from({ length: model.numParams }, rng(seed + 1));
        // Re-draw v the same way checkDerivatives did (after its params draw).
        const H = model.hessian(ex);
        const d = model.numParams;
        const r = rng(seed + 1);
        for (let j = 0; j < d; j++) r();
        v.set(Float64Array.from({ length: d }, r));
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += H[i * d + j]! * v[j]!;
          expect(s).toBeCloseTo(hv[i]!, 8);
        }
      }),
      { numRuns: 8 },
    );
  });

  test('LoRA linear layer: gradients w.r.t. A and B and the exact HVP match finite differences', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = rng(seed);
        const model = loraLinear({
          numFeatures: 5,
          numClasses: 3,
          rank: 2,
          alpha: 4,
          l2: 0.2,
          baseWeight: Float64Array.from({ length: 18 }, r),
        });
        checkDerivatives(model, data(5, 5, 3, seed), seed + 2);
      }),
      { numRuns: 8 },
    );
  });

  test('Newton fit reaches a stationary point and linear regression matches the normal equations', () => {
    const ex = data(40, 3, 2, 5);
    const m = logisticRegression({ numFeatures: 3, l2: 0.1 });
    const fit = m.fit(ex);
    expect(fit.gradientNorm).toBeLessThan(1e-6);
    const lin = linearRegression({ numFeatures: 1, l2: 0 });
    const pts = [
      { x: [0], y: 1 },
      { x: [1], y: 3 },
      { x: [2], y: 5 },
    ];
    lin.fit(pts);
    expect(lin.params[0]).toBeCloseTo(2, 10);
    expect(lin.params[1]).toBeCloseTo(1, 10);
  });

  test('rejects malformed examples with typed errors', () => {
    const m = logisticRegression({ numFeatures: 2, l2: 1 });
    expect(() => m.gradients([{ x: [1], y: 0 }])).toThrow(InfluenceError);
    expect(() => m.gradients([{ x: [1, Number.NaN], y: 0 }])).toThrow(/not finite/);
    expect(() => m.gradients([{ x: [1, 2], y: 2 }])).toThrow(/label/);
    expect(() => logisticRegression({ numFeatures: 0, l2: 1 })).toThrow(InfluenceError);
    expect(() => loraLinear({ numFeatures: 2, numClasses: 1, rank: 1, l2: 0 })).toThrow(InfluenceError);
  });
});
