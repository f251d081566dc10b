import type { InfluenceProgress } from './progress.js';

/** A dense row-major matrix of per-example vectors (gradients, features, embeddings): `rows × cols`. */
export interface GradientMatrix {
  rows: number;
  cols: number;
  data: Float32Array | Float64Array;
}

/** A labelled feature vector: `y` is the target (regression), 0/1 (binary) or a class index. */
export interface Example {
  x: ArrayLike<number>;
  y: number;
}

/** A contiguous block of parameters treated as one layer (DataInf works layer by layer). */
export interface ParamLayer {
  name: string;
  offset: number;
  size: number;
}

/**
 * What the influence methods need from a model: per-example loss gradients, and optionally
 * the Hessian (or Hessian-vector products) of the training objective Σᵢ ℓ(zᵢ; θ) + ½·l2·‖θ‖².
 */
export interface InfluenceModel<E = Example> {
  /** Number of trainable parameters. */
  readonly numParams: number;
  /** Current (usually fitted) parameters. */
  params: Float64Array;
  /** L2 coefficient of the training objective. */
  readonly l2: number;
  /** Parameter blocks, for layer-wise methods. Default: one block. */
  readonly layers?: readonly ParamLayer[];
  /** Per-example losses at `at` (default `params`). */
  losses(examples: readonly E[], at?: Float64Array): Float64Array;
  /** Per-example loss gradients (examples × numParams, row-major) at `at` (default `params`). */
  gradients(examples: readonly E[], at?: Float64Array): Float64Array;
  /** Dense Hessian (numParams²) of the training objective over `examples`, at `params`. */
  hessian?(examples: readonly E[]): Float64Array;
  /** Hessian-vector product of the training objective over `examples`, at `params`. */
  hvp?(examples: readonly E[], v: Float64Array): Float64Array;
}

/** One scored training example. */
export interface ScoredExample {
  /** Index into the training set. */
  index: number;
  score: number;
}

/**
 * Scores of every training example for every test example. Positive scores mean the
 * training example helped (removing it would raise the test loss); negative, it hurt.
 */
export interface InfluenceResult {
  method: 'influence' | 'tracin' | 'datainf' | 'representer' | 'embedding-similarity';
  /** Method parameters, recorded in attribution records. */
  params: Record<string, number | string | boolean | null>;
  numTest: number;
  numTrain: number;
  /** numTest × numTrain, row-major: `scores[t * numTrain + i]`. */
  scores: Float64Array;
  /** Per test example, the `topK` highest-scoring training examples, best first. */
  top: ScoredExample[][];
  /** Self-influence of each training example, when asked for. */
  selfInfluence?: Float64Array;
}

/** Options every influence method accepts. */
export interface InfluenceRunOptions {
  /** How many top training examples to list per test example. Default 10. */
  topK?: number;
  onProgress?: (p: InfluenceProgress) => void;
  signal?: AbortSignal;
}
