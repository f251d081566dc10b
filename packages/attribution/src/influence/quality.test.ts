/**
 * Quality on real data (SpamAssassin): influence functions against exact leave-one-out
 * retraining, mislabel detection by self-influence and TracIn, DataInf against exact influence.
 */
import { describe, expect, test } from 'vitest';
import { cholesky, choleskySolve } from '../linalg/cholesky.js';
import { dataInf } from './dataInf.js';
import { loadSpam, pearson, rocAuc, spearman } from './fixtures/spam.js';
import { influenceFunction } from './influenceFunction.js';
import { logisticRegression } from './logisticRegression.js';
import { loraLinear } from './loraLinear.js';

/**
 * Independent binary logistic regression fitted by plain Newton (own gradient, Hessian and
 * solver; shares nothing with the SDK's model) — the leave-one-out reference.
 */
function newtonLogistic(
  X: Float64Array[],
  y: number[],
  l2: number,
  start: Float64Array,
  skip = -1,
): Float64Array {
  const q = start.length;
  const th = Float64Array.from(start);
  for (let it = 0; it < 50; it++) {
    const g = new Float64Array(q);
    const H = new Float64Array(q * q);
    for (let i = 0; i < X.length; i++) {
      if (i === skip) continue;
      const x = X[i]!;
      let z = 0;
      for (let j = 0; j < q; j++) z += th[j]! * x[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const w = p * (1 - p);
      for (let a = 0; a < q; a++) {
        g[a]! += (p - y[i]!) * x[a]!;
        const wa = w * x[a]!;
        for (let b = 0; b <= a; b++) H[a * q + b]! += wa * x[b]!;
      }
    }
    for (let a = 0; a < q; a++) {
      g[a]! += l2 * th[a]!;
      H[a * q + a]! += l2;
      for (let b = 0; b < a; b++) H[b * q + a] = H[a * q + b]!;
    }
    cholesky(H, q);
    choleskySolve(H, q, g);
    let m = 0;
    for (let j = 0; j < q; j++) {
      th[j]! -= g[j]!;
      m = Math.max(m, Math.abs(g[j]!));
    }
    if (m < 1e-12) break;
  }
  return th;
}

const logLoss = (th: Float64Array, x: Float64Array, y: number) => {
  let z = 0;
  for (let j = 0; j < th.length; j++) z += th[j]! * x[j]!;
  return Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y * z;
};

describe('quality on SpamAssassin', () => {
  test('exact influence matches exact leave-one-out retraining (mean Pearson ≥ 0.99 over 25 test points)', () => {
    const dims = 64;
    const all = loadSpam(225, dims);
    const train = all.slice(0, 200);
    const test = all.slice(200);
    const l2 = 1;
    const model = logisticRegression({ numFeatures: dims, l2 });
    model.fit(train);
    const res = influenceFunction(model, { train, test, topK: 5 });

    const X = train.map((e) => Float64Array.from([...e.x, 1]));
    const Xt = test.map((e) => Float64Array.from([...e.x, 1]));
    const y = train.map((e) => e.y);
    const full = newtonLogistic(X, y, l2, new Float64Array(dims + 1));
    for (let j = 0; j <= dims; j++) expect(model.params[j]).toBeCloseTo(full[j]!, 8);
    const base = Xt.map((x, t) => logLoss(full, x, test[t]!.y));
    const actual = Xt.map(() => new Float64Array(train.length));
    for (let i = 0; i < train.length; i++) {
      const loo = newtonLogistic(X, y, l2, full, i);
      for (let t = 0; t < test.length; t++) actual[t]![i] = logLoss(loo, Xt[t]!, test[t]!.y) - base[t]!;
    }
    const rs = test.map((_, t) =>
      pearson(res.scores.subarray(t * train.length, (t + 1) * train.length), actual[t]!),
    );
    const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
    console.log(
      `influence vs leave-one-out: mean Pearson ${mean.toFixed(4)}, min ${Math.min(...rs).toFixed(4)} over ${rs.length} test points`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.99);
    // The top-ranked example per test point is the one whose removal hurts most in the brute force too (or nearly).
    const hits = test.filter((_, t) => {
      const best = res.top[t]![0]!.index;
      const sorted = [...actual[t]!].sort((a, b) => b - a);
      return actual[t]![best]! >= sorted[2]!;
    }).length;
    expect(hits).toBeGreaterThanOrEqual(20);
  }, 120_000);

  test('10% flipped labels are found by self-influence (ROC AUC ≥ 0.95)', () => {
    const dims = 1024;
    const train = loadSpam(800, dims, 3);
    const flipped = train.map((_, i) => ((i * 2654435761) >>> 0) % 10 === 0);
    const noisy = train.map((e, i) => ({ x: e.x, y: flipped[i] ? 1 - e.y : e.y }));
    const model = logisticRegression({ numFeatures: dims, l2: 0.5 });
    model.fit(noisy, { tol: 1e-6 });
    const labels = flipped.map((f) => (f ? 1 : 0));
    const inf = influenceFunction(model, {
      train: noisy,
      test: noisy.slice(0, 1),
      selfInfluence: true,
      topK: 0,
    });
    const auc = rocAuc(inf.selfInfluence!, labels);
    console.log(
      `mislabel detection (${labels.filter(Boolean).length}/${labels.length} flipped): self-influence ROC AUC ${auc.toFixed(4)}`,
    );
    expect(auc).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  test('DataInf agrees with exact influence on a LoRA-adapted linear classifier (Spearman ≥ 0.9 against the exact inverse of the same damped empirical Fisher, the baseline of Kwon et al.)', () => {
    const dims = 128;
    const pre = loadSpam(300, dims, 11);
    const train = loadSpam(240, dims, 5);
    const test = loadSpam(20, dims, 997);
    // Base layer: a strongly regularised multinomial classifier on other emails, then frozen.
    const base = logisticRegression({ numFeatures: dims, numClasses: 3, l2: 20 });
    base.fit(pre);
    const W0 = base.params.slice(0, 2 * (dims + 1));
    const model = loraLinear({
      numFeatures: dims,
      numClasses: 2,
      rank: 4,
      l2: 0.05,
      baseWeight: W0,
      seed: 7,
    });
    const fit = model.fit(train, { steps: 1500, learningRate: 0.05 });
    const di = dataInf({ model, train, test, topK: 5 });
    // DataInf approximates (Ĝ + λI)⁻¹ with Ĝ = GᵀG/n and λ = 0.1·mean‖g‖²; the exact inverse of
    // the same damped matrix is influenceFunction's Fisher mode with l2 + damping = n·λ.
    const G = model.gradients(train);
    const d = model.numParams;
    let mean = 0;
    for (let i = 0; i < train.length; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += G[i * d + j]! ** 2;
      mean += s / train.length;
    }
    const lambda = 0.1 * mean;
    const exact = influenceFunction(model, {
      train,
      test,
      hessian: 'fisher',
      damping: train.length * lambda - model.l2,
      topK: 5,
    });
    const n = train.length;
    const row = (r: { scores: Float64Array }, t: number) => r.scores.subarray(t * n, (t + 1) * n);
    const rhos = test.map((_, t) => spearman(row(di, t), row(exact, t)));
    const meanRho = rhos.reduce((a, b) => a + b, 0) / rhos.length;
    // Not asserted, for information: against the true (damped) Hessian from exact Hessian-vector
    // products. The Hessian of the bilinear LoRA map W0 + BA adds indefinite cross terms
    // (residual × ∂²logits/∂A∂B) that no sum of gradient outer products carries, so DataInf —
    // built on Σᵢ gᵢgᵢᵀ — is not meant to rank like it.
    const trueH = influenceFunction(model, { train, test, damping: n * lambda, topK: 5 });
    const rhoTrue =
      test.map((_, t) => spearman(row(di, t), row(trueH, t))).reduce((a, b) => a + b, 0) / test.length;
    console.log(
      `DataInf vs exact influence with the exact inverse of the damped empirical Fisher (Σgᵢgᵢᵀ + nλI, the "exact" of Kwon et al. 2024; the ≥ 0.9 goal): mean Spearman ${meanRho.toFixed(4)} (min ${Math.min(...rhos).toFixed(4)}). For information only, vs true-Hessian influence (indefinite bilinear LoRA terms DataInf does not model): ${rhoTrue.toFixed(4)}. LoRA fit ‖∇‖=${fit.gradientNorm.toExponential(2)}`,
    );
    expect(meanRho).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
