import { conjugateGradient } from '../linalg/cg.js';
import { cholesky, choleskySolve, forwardSolve } from '../linalg/cholesky.js';
import { matmulNT, matmulTN } from '../linalg/matmul.js';
import { InfluenceError } from './errors.js';
import { throwIfAborted } from './progress.js';
import { buildResult } from './result.js';
import type {
  Example,
  GradientMatrix,
  InfluenceModel,
  InfluenceResult,
  InfluenceRunOptions,
} from './types.js';
import { checkMatrix, checkTopK } from './validate.js';

/** Parameters of {@link influenceFunction}. */
export interface InfluenceFunctionParameters<E = Example> extends InfluenceRunOptions {
  train: readonly E[];
  test: readonly E[];
  /** Added to the Hessian's diagonal. Default 0 (the model's L2 already makes it definite). */
  damping?: number;
  /**
   * `'model'` (default): the model's exact Hessian (or its Hessian-vector products);
   * `'fisher'`: the Gauss-Newton/empirical-Fisher approximation Σᵢ gᵢgᵢᵀ + l2·I.
   */
  hessian?: 'model' | 'fisher';
  /**
   * `'cholesky'`: exact inverse through a dense factorisation (numParams ≤ `maxDenseParams`);
   * `'cg'`: conjugate gradient on Hessian-vector products, one solve per test example.
   * Default: Cholesky when the model is small enough.
   */
  solver?: 'auto' | 'cholesky' | 'cg';
  /** Largest parameter count the dense solver accepts. Default 4096. */
  maxDenseParams?: number;
  /** Conjugate-gradient tolerance and iteration cap. */
  cg?: { tol?: number; maxIter?: number };
  /** Also compute every training example's self-influence gᵢᵀH⁻¹gᵢ (mislabel detection). */
  selfInfluence?: boolean;
}

/** Parameters of {@link influenceFunction} on imported gradients (Fisher Hessian only). */
export interface GradientInfluenceParameters extends InfluenceRunOptions {
  train: GradientMatrix;
  test: GradientMatrix;
  /** Added to Σᵢ gᵢgᵢᵀ; must be > 0 unless that sum is already definite. */
  damping: number;
  selfInfluence?: boolean;
}

/**
 * Influence functions (Koh & Liang, 2017): the score of training example i on test example t
 * is ∇ℓ(t)ᵀ H⁻¹ ∇ℓ(i), the first-order change in the test loss when i is left out of training
 * (positive: i helped). H is the Hessian of the training objective at the fitted parameters,
 * inverted exactly by Cholesky for small models or applied by conjugate gradient for larger
 * ones. Also accepts imported per-example gradients with the empirical-Fisher Hessian.
 *
 * @example
 * import { logisticRegression, influenceFunction } from '@openledger/attribution';
 * const train = [{ x: [1, 0], y: 1 }, { x: [0, 1], y: 0 }, { x: [1, 1], y: 1 }];
 * const model = logisticRegression({ numFeatures: 2, l2: 0.1 });
 * model.fit(train);
 * const { scores, top } = influenceFunction(model, { train, test: [{ x: [1, 0.5], y: 1 }], topK: 2 });
 */
export function influenceFunction<E>(
  model: InfluenceModel<E>,
  params: InfluenceFunctionParameters<E>,
): InfluenceResult;
export function influenceFunction(gradients: null, params: GradientInfluenceParameters): InfluenceResult;
export function influenceFunction<E>(
  model: InfluenceModel<E> | null,
  params: InfluenceFunctionParameters<E> | GradientInfluenceParameters,
): InfluenceResult {
  const topK = checkTopK(params.topK);
  const damping = params.damping ?? 0;
  if (!(damping >= 0 && Number.isFinite(damping))) {
    throw new InfluenceError('INVALID_INPUT', 'damping must be a finite non-negative number.');
  }
  const { signal, onProgress } = params;
  let Gtr: Float64Array | Float32Array;
  let Gte: Float64Array | Float32Array;
  let n: number;
  let T: number;
  let d: number;
  let mode: 'model' | 'fisher';
  let solver: 'cholesky' | 'cg';
  const maxDense =
    'maxDenseParams' in params && params.maxDenseParams !== undefined ? params.maxDenseParams : 4096;
  if (model === null) {
    const p = params as GradientInfluenceParameters;
    checkMatrix(p.train, 'train');
    checkMatrix(p.test, 'test', p.train.cols);
    ({ rows: n, cols: d, data: Gtr } = p.train);
    ({ rows: T, data: Gte } = p.test);
    mode = 'fisher';
    solver = d <= maxDense ? 'cholesky' : 'cg';
  } else {
    const p = params as InfluenceFunctionParameters<E>;
    d = model.numParams;
    n = p.train.length;
    T = p.test.length;
    mode = p.hessian ?? 'model';
    if (mode === 'model' && !model.hessian && !model.hvp) {
      throw new InfluenceError(
        'UNSUPPORTED',
        'This model has neither hessian() nor hvp(); use hessian: "fisher".',
      );
    }
    const want = p.solver ?? 'auto';
    solver = want === 'auto' ? (d <= maxDense ? 'cholesky' : 'cg') : want;
    if (solver === 'cholesky' && d > maxDense) {
      throw new InfluenceError(
        'TOO_LARGE',
        `${d} parameters is more than maxDenseParams (${maxDense}) for the dense solver.`,
        {
          details: 'Use solver: "cg", or raise maxDenseParams if the memory (8·d² bytes) is available.',
        },
      );
    }
    onProgress?.({ phase: 'gradients', done: 0, total: n + T });
    Gtr = model.gradients(p.train);
    Gte = model.gradients(p.test);
    onProgress?.({ phase: 'gradients', done: n + T, total: n + T });
  }
  throwIfAborted(signal);
  const l2 = model?.l2 ?? 0;
  const wantSelf = params.selfInfluence === true;

  // S: rows are H⁻¹ ∇ℓ(test t)  (and, for self-influence, H⁻¹ ∇ℓ(train i)).
  const S = new Float64Array(T * d);
  S.set(Gte);
  const Strain = wantSelf ? Float64Array.from(Gtr) : undefined;
  if (solver === 'cholesky') {
    let H: Float64Array;
    onProgress?.({ phase: 'hessian', done: 0, total: 1 });
    if (mode === 'fisher') {
      H = new Float64Array(d * d);
      matmulTN(d, d, n, Gtr, Gtr, H);
      for (let i = 0; i < d; i++) H[i * d + i]! += l2;
    } else if (model!.hessian) {
      H = model!.hessian((params as InfluenceFunctionParameters<E>).train);
    } else {
      // Assemble the dense Hessian column by column from exact Hessian-vector products.
      H = new Float64Array(d * d);
      const e = new Float64Array(d);
      const train = (params as InfluenceFunctionParameters<E>).train;
      for (let j = 0; j < d; j++) {
        if ((j & 63) === 0) throwIfAborted(signal);
        e[j] = 1;
        const col = model!.hvp!(train, e);
        e[j] = 0;
        for (let i = 0; i < d; i++) H[i * d + j] = col[i]!;
      }
      for (let i = 0; i < d; i++)
        for (let j = 0; j < i; j++) H[i * d + j] = H[j * d + i] = 0.5 * (H[i * d + j]! + H[j * d + i]!);
    }
    for (let i = 0; i < d; i++) H[i * d + i]! += damping;
    throwIfAborted(signal);
    onProgress?.({ phase: 'factor', done: 0, total: 1 });
    cholesky(H, d);
    choleskySolve(H, d, S, T);
    // gᵀH⁻¹g = ‖L⁻¹g‖²: one triangular sweep instead of two.
    if (Strain) forwardSolve(H, d, Strain, n);
  } else {
    const apply =
      mode === 'fisher'
        ? (v: Float64Array) => {
            const u = new Float64Array(n);
            matmulNT(n, 1, d, Gtr, v, u);
            const out = new Float64Array(d);
            for (let i = 0; i < n; i++) {
              const ui = u[i]!;
              if (ui !== 0) for (let j = 0; j < d; j++) out[j]! += ui * Gtr[i * d + j]!;
            }
            for (let j = 0; j < d; j++) out[j]! += (l2 + damping) * v[j]!;
            return out;
          }
        : (v: Float64Array) => {
            const out = model!.hvp!((params as InfluenceFunctionParameters<E>).train, v);
            if (damping) for (let j = 0; j < d; j++) out[j]! += damping * v[j]!;
            return out;
          };
    const cgOpts = { ...('cg' in params ? params.cg : {}), signal };
    const solveRows = (M: Float64Array, rows: number, phase: string) => {
      for (let t = 0; t < rows; t++) {
        const b = M.slice(t * d, (t + 1) * d);
        M.set(conjugateGradient(apply, b, cgOpts).x, t * d);
        onProgress?.({ phase, done: t + 1, total: rows });
      }
    };
    solveRows(S, T, 'solve');
    if (Strain) solveRows(Strain, n, 'self-influence');
  }
  throwIfAborted(signal);
  onProgress?.({ phase: 'scores', done: 0, total: 1 });
  const scores = new Float64Array(T * n);
  matmulNT(T, n, d, S, Gtr, scores);
  let self: Float64Array | undefined;
  if (Strain) {
    self = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (solver === 'cholesky') for (let j = 0; j < d; j++) s += Strain[i * d + j]! ** 2;
      else for (let j = 0; j < d; j++) s += Gtr[i * d + j]! * Strain[i * d + j]!;
      self[i] = s;
    }
  }
  onProgress?.({ phase: 'scores', done: 1, total: 1 });
  return buildResult('influence', { solver, hessian: mode, damping, l2 }, scores, T, n, topK, self);
}
