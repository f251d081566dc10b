import { matmulNT } from '../linalg/matmul.js';
import { InfluenceError } from './errors.js';
import type { GlmModel } from './glm.js';
import { throwIfAborted } from './progress.js';
import { buildResult } from './result.js';
import type { Example, GradientMatrix, InfluenceResult, InfluenceRunOptions } from './types.js';
import { checkMatrix, checkTopK } from './validate.js';

/** Parameters of {@link representerPoints}. */
export interface RepresenterPointsParameters extends InfluenceRunOptions {
  /**
   * A fitted built-in GLM (its last layer is the whole model), with `train` and `test`; or
   * imported last-layer data: `trainFeatures`, `trainAlpha` (∂ℓ/∂logits per training example,
   * rows × outputs), `testFeatures` and the `l2` the last layer was trained with.
   */
  model?: GlmModel;
  train?: readonly Example[];
  test?: readonly Example[];
  trainFeatures?: GradientMatrix;
  trainAlpha?: GradientMatrix;
  testFeatures?: GradientMatrix;
  l2?: number;
  /**
   * Which output each test example is explained for: `'predicted'` (default: the arg-max
   * class, or the sign of a binary logit) or explicit class indices.
   */
  outputs?: 'predicted' | readonly number[];
}

/**
 * Representer points (Yeh et al., 2018): at a stationary point of Σℓ + ½λ‖W‖² the last
 * layer is W = −(1/λ)Σᵢ αᵢfᵢᵀ with αᵢ = ∂ℓᵢ/∂logits, so each test logit decomposes exactly
 * into one term per training example, −(1/λ)·αᵢ_c·(fᵢ·f_t). Scores are those terms for the
 * explained output (signed so that positive supports the prediction); for a binary model the
 * terms sum to the test logit.
 *
 * @example
 * import { logisticRegression, representerPoints } from '@openledger/attribution';
 * const train = [{ x: [1, 0], y: 1 }, { x: [0, 1], y: 0 }, { x: [1, 1], y: 1 }];
 * const model = logisticRegression({ numFeatures: 2, l2: 0.1 });
 * model.fit(train);
 * const { top } = representerPoints({ model, train, test: [{ x: [1, 0.2], y: 1 }] });
 */
export function representerPoints(params: RepresenterPointsParameters): InfluenceResult {
  const topK = checkTopK(params.topK);
  let F: GradientMatrix;
  let Alpha: GradientMatrix;
  let Ft: GradientMatrix;
  let l2: number;
  let binary: boolean;
  let testLogits: Float64Array | undefined;
  if (params.model) {
    const { model, train, test } = params;
    if (!train || !test)
      throw new InfluenceError('INVALID_INPUT', 'representerPoints with a model needs train and test.');
    if (model.kind === 'linear' || model.kind === 'binary' || model.kind === 'multinomial') {
      l2 = model.l2;
      const q = model.numFeatures + 1;
      const feats = (ex: readonly Example[]) => {
        const out = new Float64Array(ex.length * q);
        ex.forEach((e, i) => {
          for (let j = 0; j < model.numFeatures; j++) out[i * q + j] = e.x[j]!;
          out[i * q + q - 1] = 1;
        });
        return { rows: ex.length, cols: q, data: out };
      };
      F = feats(train);
      Ft = feats(test);
      // For a GLM the per-example gradient is αᵢ ⊗ fᵢ, so α is the gradient's intercept column.
      const c = model.numOutputs;
      const G = model.gradients(train);
      const a = new Float64Array(train.length * c);
      for (let i = 0; i < train.length; i++)
        for (let k = 0; k < c; k++) a[i * c + k] = G[i * model.numParams + k * q + q - 1]!;
      Alpha = { rows: train.length, cols: c, data: a };
      binary = model.kind !== 'multinomial';
      testLogits = model.predict(test);
    } else
      throw new InfluenceError(
        'UNSUPPORTED',
        'representerPoints supports the built-in GLMs or imported features.',
      );
  } else {
    if (!params.trainFeatures || !params.trainAlpha || !params.testFeatures || params.l2 === undefined) {
      throw new InfluenceError(
        'INVALID_INPUT',
        'Pass a model, or trainFeatures, trainAlpha, testFeatures and l2.',
      );
    }
    F = params.trainFeatures;
    Alpha = params.trainAlpha;
    Ft = params.testFeatures;
    l2 = params.l2;
    checkMatrix(F, 'trainFeatures');
    checkMatrix(Ft, 'testFeatures', F.cols);
    checkMatrix(Alpha, 'trainAlpha');
    if (Alpha.rows !== F.rows)
      throw new InfluenceError('SHAPE_MISMATCH', 'trainAlpha needs one row per training example.');
    binary = Alpha.cols === 1;
  }
  if (!(l2 > 0)) throw new InfluenceError('INVALID_INPUT', 'Representer points need l2 > 0.');
  throwIfAborted(params.signal);
  const n = F.rows;
  const T = Ft.rows;
  const c = Alpha.cols;
  const K = new Float64Array(T * n);
  matmulNT(T, n, F.cols, Ft.data, F.data, K);
  // Logits of the imported case, reconstructed from the representer sum itself.
  const logit = (t: number, k: number) => {
    if (testLogits) return testLogits[t * c + k]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += (-1 / l2) * Alpha.data[i * c + k]! * K[t * n + i]!;
    return s;
  };
  const explained: number[] = [];
  for (let t = 0; t < T; t++) {
    const o = params.outputs;
    if (Array.isArray(o)) {
      const k = o[t];
      if (!Number.isInteger(k) || k! < 0 || k! >= (binary ? 2 : c)) {
        throw new InfluenceError('INVALID_INPUT', `outputs[${t}] is not a valid output index.`);
      }
      explained.push(k!);
    } else if (binary) explained.push(logit(t, 0) >= 0 ? 1 : 0);
    else {
      let best = 0;
      for (let k = 1; k < c; k++) if (logit(t, k) > logit(t, best)) best = k;
      explained.push(best);
    }
  }
  const scores = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    const k = binary ? 0 : explained[t]!;
    const sign = binary && explained[t] === 0 ? -1 : 1;
    for (let i = 0; i < n; i++) scores[t * n + i] = (sign * -1 * Alpha.data[i * c + k]! * K[t * n + i]!) / l2;
  }
  return buildResult('representer', { l2 }, scores, T, n, topK);
}
