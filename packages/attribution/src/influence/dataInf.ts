import { type GemmSteps, type MatmulEngine, runSteps, runStepsOn } from '../linalg/engine.js';
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

/** One layer's per-example gradients for {@link dataInf}. */
export interface DataInfLayer {
  name?: string;
  train: GradientMatrix;
  test: GradientMatrix;
  /** Damping λ_l. Default `lambdaScale` × the mean squared training-gradient norm of the layer. */
  lambda?: number;
}

/** Parameters of {@link dataInf}. */
export interface DataInfParameters<E = Example> extends InfluenceRunOptions {
  /** Imported per-layer gradients (e.g. one entry per LoRA module). */
  layers?: readonly DataInfLayer[];
  /** Or: a model (its `layers` define the blocks) with training and test examples. */
  model?: InfluenceModel<E>;
  train?: readonly E[];
  test?: readonly E[];
  /** Default damping as a multiple of the mean ‖gᵢ‖² per layer. Default 0.1 (the paper's choice). */
  lambdaScale?: number;
  /**
   * Run the products on this engine (e.g. `createOnnxMatmul(ort)` from
   * `@openledger/attribution/onnxruntime`) instead of the built-in WebAssembly SIMD kernel;
   * `dataInf` then returns a promise. Float32 gradients only; Float64 stay on the built-in path.
   */
  engine?: MatmulEngine;
}

/**
 * DataInf (Kwon et al., 2024): a closed-form influence approximation for LoRA-sized parameter
 * blocks. Per layer it replaces (Ĝ + λI)⁻¹, with Ĝ = (1/n)Σᵢ gᵢgᵢᵀ, by
 * (1/(nλ)) Σᵢ (I − gᵢgᵢᵀ/(λ + ‖gᵢ‖²)), which needs only dot products; scores sum over
 * layers. Costs three GEMMs of test × train × parameters. Positive scores mean helpful.
 *
 * What it approximates: influence under the damped empirical Fisher (Gauss-Newton) matrix of
 * each layer, the "exact influence" DataInf's paper compares against; on a LoRA-adapted linear
 * classifier (quality test) its rankings match the exact inverse of that matrix with Spearman
 * ≈ 0.98. It does not approximate the true-Hessian influence: the Hessian of the bilinear LoRA
 * map W₀ + BA has indefinite cross terms that no sum of gradient outer products carries (the
 * same test measures ≈ 0.16 against it); use `influenceFunction` with the model's Hessian for that.
 *
 * @example
 * import { dataInf } from '@openledger/attribution';
 * const train = { rows: 3, cols: 2, data: Float32Array.of(1, 0, 0, 1, 1, 1) };
 * const test = { rows: 1, cols: 2, data: Float32Array.of(1, 0.2) };
 * const { top } = dataInf({ layers: [{ name: 'q_proj', train, test }], topK: 2 });
 */
export function dataInf<E = Example>(
  params: DataInfParameters<E> & { engine: MatmulEngine },
): Promise<InfluenceResult>;
export function dataInf<E = Example>(params: DataInfParameters<E> & { engine?: undefined }): InfluenceResult;
export function dataInf<E = Example>(
  params: DataInfParameters<E>,
): InfluenceResult | Promise<InfluenceResult>;
export function dataInf<E = Example>(
  params: DataInfParameters<E>,
): InfluenceResult | Promise<InfluenceResult> {
  const steps = dataInfSteps(params);
  return params.engine ? runStepsOn(steps, params.engine) : runSteps(steps);
}

function* dataInfSteps<E>(params: DataInfParameters<E>): GemmSteps<InfluenceResult> {
  const topK = checkTopK(params.topK);
  const scale = params.lambdaScale ?? 0.1;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new InfluenceError('INVALID_INPUT', 'lambdaScale must be > 0.');
  const layers = params.layers ?? layersFromModel(params);
  if (layers.length === 0) throw new InfluenceError('INVALID_INPUT', 'dataInf needs at least one layer.');
  const n = layers[0]!.train.rows;
  const T = layers[0]!.test.rows;
  const scores = new Float64Array(T * n);
  const lambdas: number[] = [];
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]!;
    throwIfAborted(params.signal);
    // The training gradients' values are checked through their norms below (one pass, not two).
    checkMatrix(layer.train, `layers[${li}].train`, undefined, false);
    checkMatrix(layer.test, `layers[${li}].test`, layer.train.cols);
    if (layer.train.rows !== n || layer.test.rows !== T) {
      throw new InfluenceError(
        'SHAPE_MISMATCH',
        `layers[${li}] has a different number of examples than layers[0].`,
      );
    }
    const d = layer.train.cols;
    const G = layer.train.data;
    const V = layer.test.data;
    const norms = squaredNorms(G, n, d);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += norms[i]! / n;
    if (!Number.isFinite(mean)) {
      checkMatrix(layer.train, `layers[${li}].train`); // throws, naming the row with NaN/Infinity
      throw new InfluenceError('INVALID_INPUT', `layers[${li}].train has gradients too large to square.`);
    }
    const lambda = layer.lambda ?? scale * mean;
    if (!(lambda > 0))
      throw new InfluenceError(
        'INVALID_INPUT',
        `layers[${li}] needs a positive lambda (gradients are all zero?).`,
      );
    lambdas.push(lambda);
    // A = V·Gᵀ; C = A ⊙ 1/(n(λ+‖gᵢ‖²)); W = C·G; scores += (V − W)·Gᵀ / λ.
    const A = new Float64Array(T * n);
    yield { m: T, n, k: d, A: V, B: G, C: A, alpha: 1, beta: 0, transB: true };
    throwIfAborted(params.signal);
    params.onProgress?.({ phase: `layer ${li}`, done: 1, total: 3 });
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) A[t * n + i]! /= n * (lambda + norms[i]!);
    // U = V − C·G, in single precision when the gradients are (the SIMD kernel or the engine).
    const f32 = G instanceof Float32Array && V instanceof Float32Array;
    const U = f32 ? Float32Array.from(V) : Float64Array.from(V);
    yield {
      m: T,
      n: d,
      k: n,
      A: f32 ? Float32Array.from(A) : A,
      B: G,
      C: U,
      alpha: -1,
      beta: 1,
      transB: false,
    };
    throwIfAborted(params.signal);
    params.onProgress?.({ phase: `layer ${li}`, done: 2, total: 3 });
    yield { m: T, n, k: d, A: U, B: G, C: scores, alpha: 1 / lambda, beta: 1, transB: true };
    throwIfAborted(params.signal);
    params.onProgress?.({ phase: `layer ${li}`, done: 3, total: 3 });
  }
  return buildResult('datainf', { layers: layers.length, lambdaScale: scale }, scores, T, n, topK);
}

function layersFromModel<E>(params: DataInfParameters<E>): DataInfLayer[] {
  const { model, train, test } = params;
  if (!model || !train || !test) {
    throw new InfluenceError('INVALID_INPUT', 'dataInf needs `layers`, or `model` with `train` and `test`.');
  }
  const D = model.numParams;
  const Gtr = model.gradients(train);
  const Gte = model.gradients(test);
  const blocks = model.layers ?? [{ name: 'all', offset: 0, size: D }];
  return blocks.map((b) => ({
    name: b.name,
    train: { rows: train.length, cols: b.size, data: columns(Gtr, train.length, D, b.offset, b.size) },
    test: { rows: test.length, cols: b.size, data: columns(Gte, test.length, D, b.offset, b.size) },
  }));
}

/** ‖row‖² of each row of a rows×cols matrix (four running sums per row). */
function squaredNorms(G: Float32Array | Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const x0 = G[o + j]!;
      const x1 = G[o + j + 1]!;
      const x2 = G[o + j + 2]!;
      const x3 = G[o + j + 3]!;
      s0 += x0 * x0;
      s1 += x1 * x1;
      s2 += x2 * x2;
      s3 += x3 * x3;
    }
    for (; j < cols; j++) s0 += G[o + j]! * G[o + j]!;
    out[r] = s0 + s1 + s2 + s3;
  }
  return out;
}

function columns(M: Float64Array, rows: number, cols: number, offset: number, size: number): Float64Array {
  const out = new Float64Array(rows * size);
  for (let r = 0; r < rows; r++) out.set(M.subarray(r * cols + offset, r * cols + offset + size), r * size);
  return out;
}
