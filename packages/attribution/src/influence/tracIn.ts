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

/** One training checkpoint for {@link tracIn}: its learning rate and either gradients or parameters. */
export type TracInCheckpoint =
  | { learningRate: number; train: GradientMatrix; test: GradientMatrix }
  | { learningRate: number; params: Float64Array };

/** Parameters of {@link tracIn}. */
export interface TracInParameters<E = Example> extends InfluenceRunOptions {
  checkpoints: readonly TracInCheckpoint[];
  /** With parameter checkpoints: the model whose gradients are evaluated at each checkpoint. */
  model?: InfluenceModel<E>;
  train?: readonly E[];
  test?: readonly E[];
  /** Also return Σ_c η_c ‖∇ℓ(zᵢ; θ_c)‖² per training example (mislabel detection). */
  selfInfluence?: boolean;
  /** Rows of the training gradients per GEMM call (bounds the working set). Default 2048. */
  blockRows?: number;
  /**
   * Run the products on this engine (e.g. `createOnnxMatmul(ort)` from
   * `@openledger/attribution/onnxruntime`) instead of the built-in WebAssembly SIMD kernel;
   * `tracIn` then returns a promise. Float32 gradients only; Float64 stay on the built-in path.
   */
  engine?: MatmulEngine;
}

/**
 * TracIn (Pruthi et al., 2020): the score of training example i on test example t is
 * Σ_c η_c ∇ℓ(t; θ_c)·∇ℓ(i; θ_c) over saved checkpoints c with learning rates η_c — the
 * first-order loss reduction on t that i's SGD steps caused. Takes imported per-example
 * gradients (e.g. projected LoRA gradients from PyTorch) or a model plus parameter checkpoints.
 *
 * @example
 * import { tracIn } from '@openledger/attribution';
 * const train = { rows: 2, cols: 3, data: Float32Array.of(1, 0, 0, 0, 1, 0) };
 * const test = { rows: 1, cols: 3, data: Float32Array.of(1, 0.5, 0) };
 * const { scores } = tracIn({ checkpoints: [{ learningRate: 0.01, train, test }] });
 */
export function tracIn<E = Example>(
  params: TracInParameters<E> & { engine: MatmulEngine },
): Promise<InfluenceResult>;
export function tracIn<E = Example>(params: TracInParameters<E> & { engine?: undefined }): InfluenceResult;
export function tracIn<E = Example>(params: TracInParameters<E>): InfluenceResult | Promise<InfluenceResult>;
export function tracIn<E = Example>(params: TracInParameters<E>): InfluenceResult | Promise<InfluenceResult> {
  const steps = tracInSteps(params);
  return params.engine ? runStepsOn(steps, params.engine) : runSteps(steps);
}

function* tracInSteps<E>(params: TracInParameters<E>): GemmSteps<InfluenceResult> {
  const topK = checkTopK(params.topK);
  const { checkpoints, signal, onProgress } = params;
  if (!Array.isArray(checkpoints) || checkpoints.length === 0) {
    throw new InfluenceError('INVALID_INPUT', 'tracIn needs at least one checkpoint.');
  }
  let n = -1;
  let T = -1;
  const resolve = (c: TracInCheckpoint, idx: number): { train: GradientMatrix; test: GradientMatrix } => {
    if (!(typeof c.learningRate === 'number' && Number.isFinite(c.learningRate) && c.learningRate >= 0)) {
      throw new InfluenceError(
        'INVALID_INPUT',
        `checkpoints[${idx}].learningRate must be a finite non-negative number.`,
      );
    }
    if ('params' in c) {
      const { model, train, test } = params;
      if (!model || !train || !test) {
        throw new InfluenceError('INVALID_INPUT', 'Parameter checkpoints need `model`, `train` and `test`.');
      }
      const d = model.numParams;
      return {
        train: { rows: train.length, cols: d, data: model.gradients(train, c.params) },
        test: { rows: test.length, cols: d, data: model.gradients(test, c.params) },
      };
    }
    // Values are checked through the products: NaN or ±Infinity in a gradient makes its dot
    // products non-finite, so a scan of each block's scores replaces a pass over the gradients.
    checkMatrix(c.train, `checkpoints[${idx}].train`, undefined, false);
    checkMatrix(c.test, `checkpoints[${idx}].test`, c.train.cols, false);
    return c;
  };
  /** Name the matrix and row holding NaN/Infinity; failing that, the products overflowed. */
  const nonFinite = (ci: number, train: GradientMatrix, test: GradientMatrix): never => {
    checkMatrix(test, `checkpoints[${ci}].test`);
    checkMatrix(train, `checkpoints[${ci}].train`);
    throw new InfluenceError(
      'INVALID_INPUT',
      `checkpoints[${ci}]: gradient dot products overflow${train.data instanceof Float32Array ? ' Float32' : ''}; scale the gradients down.`,
    );
  };
  let scores: Float64Array | undefined;
  let self: Float64Array | undefined;
  const block = params.blockRows ?? 2048;
  for (let ci = 0; ci < checkpoints.length; ci++) {
    throwIfAborted(signal);
    const { train, test } = resolve(checkpoints[ci]!, ci);
    if (n === -1) {
      n = train.rows;
      T = test.rows;
      scores = new Float64Array(T * n);
      if (params.selfInfluence) self = new Float64Array(n);
    } else if (train.rows !== n || test.rows !== T) {
      throw new InfluenceError(
        'SHAPE_MISMATCH',
        `checkpoints[${ci}] has ${train.rows}×${test.rows} examples, expected ${n}×${T}.`,
      );
    }
    const eta = checkpoints[ci]!.learningRate;
    const d = train.cols;
    const part = new Float64Array(T * Math.min(block, n));
    for (let r0 = 0; r0 < n; r0 += block) {
      throwIfAborted(signal);
      const rows = Math.min(block, n - r0);
      const Gb = train.data.subarray(r0 * d, (r0 + rows) * d);
      yield { m: T, n: rows, k: d, A: test.data, B: Gb, C: part, alpha: eta, beta: 0, transB: true };
      throwIfAborted(signal);
      let finite = 0;
      for (let t = 0; t < T; t++) {
        const o = t * n + r0;
        for (let i = 0; i < rows; i++) {
          const v = part[t * rows + i]!;
          finite += v * 0; // stays 0 unless v is NaN or ±Infinity
          scores![o + i]! += v;
        }
      }
      if (self) {
        for (let i = 0; i < rows; i++) {
          let s = 0;
          const o = i * d;
          for (let j = 0; j < d; j++) s += Gb[o + j]! * Gb[o + j]!;
          finite += s * 0;
          self[r0 + i]! += eta * s;
        }
      }
      if (finite !== 0) nonFinite(ci, train, test);
      onProgress?.({ phase: 'scores', done: ci * n + r0 + rows, total: checkpoints.length * n });
    }
  }
  return buildResult('tracin', { checkpoints: checkpoints.length }, scores!, T, n, topK, self);
}
