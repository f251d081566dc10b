import { matmulNT } from '../linalg/matmul.js';
import { InfluenceError } from './errors.js';
import { throwIfAborted } from './progress.js';
import { buildResult } from './result.js';
import type { GradientMatrix, InfluenceResult, InfluenceRunOptions } from './types.js';
import { checkMatrix, checkTopK } from './validate.js';

/**
 * A feature extractor shaped like `@huggingface/transformers`' `pipeline('feature-extraction')`:
 * called with texts and `{ pooling, normalize }`, it resolves to a tensor with `data` and `dims`.
 */
export type FeatureExtractor = (
  texts: string[],
  options: { pooling: 'mean' | 'cls'; normalize: boolean },
) => Promise<{ data: ArrayLike<number>; dims: readonly number[] }>;

/** Parameters of {@link embeddingSimilarity}. */
export interface EmbeddingSimilarityParameters extends InfluenceRunOptions {
  /** The extractor, or a model id/path to load with `@huggingface/transformers` (must be installed). */
  extractor: FeatureExtractor | string;
  /** Training texts, or their embeddings computed earlier (one row per example). */
  train: readonly string[] | GradientMatrix;
  test: readonly string[] | GradientMatrix;
  /** Default `'mean'`. */
  pooling?: 'mean' | 'cls';
  /** Texts per extractor call. Default 32. */
  batchSize?: number;
}

/**
 * Nearest training examples by cosine similarity of text embeddings. This is **similarity,
 * not influence**: it says which training texts look like the output, not which ones changed
 * the model; use it where gradients are out of reach and label it as such.
 *
 * @example
 * import { embeddingSimilarity } from '@openledger/attribution/embeddings';
 * import { pipeline } from '@huggingface/transformers';
 * const extractor = await pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2');
 * const { top } = await embeddingSimilarity({ extractor, train: ['a cat', 'a dog'], test: ['kitten'], topK: 1 });
 */
export async function embeddingSimilarity(params: EmbeddingSimilarityParameters): Promise<InfluenceResult> {
  const topK = checkTopK(params.topK);
  const pooling = params.pooling ?? 'mean';
  const batch = params.batchSize ?? 32;
  if (!Number.isSafeInteger(batch) || batch < 1)
    throw new InfluenceError('INVALID_INPUT', 'batchSize must be a positive integer.');
  let extractor: FeatureExtractor | undefined =
    typeof params.extractor === 'function' ? params.extractor : undefined;
  const getExtractor = async (): Promise<FeatureExtractor> => {
    if (extractor) return extractor;
    const id = params.extractor as string;
    const moduleName = '@huggingface/transformers';
    let mod: { pipeline: (task: string, model: string) => Promise<FeatureExtractor> };
    try {
      mod = await import(/* @vite-ignore */ moduleName);
    } catch (cause) {
      throw new InfluenceError(
        'UNSUPPORTED',
        'Loading a model by id needs @huggingface/transformers installed.',
        { cause },
      );
    }
    extractor = await mod.pipeline('feature-extraction', id);
    return extractor;
  };
  const totalTexts =
    (Array.isArray(params.train) ? params.train.length : 0) +
    (Array.isArray(params.test) ? params.test.length : 0);
  let doneTexts = 0;
  const embed = async (input: readonly string[] | GradientMatrix, name: string): Promise<Float32Array> => {
    if (!Array.isArray(input)) {
      checkMatrix(input as GradientMatrix, name);
      return Float32Array.from((input as GradientMatrix).data);
    }
    const texts = input as readonly string[];
    if (!texts.every((t) => typeof t === 'string'))
      throw new InfluenceError('INVALID_INPUT', `${name} must be strings.`);
    const fx = await getExtractor();
    const parts: Float32Array[] = [];
    let dim = -1;
    for (let i = 0; i < texts.length; i += batch) {
      throwIfAborted(params.signal);
      const chunk = texts.slice(i, i + batch);
      const out = await fx(chunk, { pooling, normalize: true });
      const d = out.dims[out.dims.length - 1]!;
      if (out.dims.length !== 2 || out.dims[0] !== chunk.length || out.data.length !== chunk.length * d) {
        throw new InfluenceError(
          'SHAPE_MISMATCH',
          `The extractor returned dims [${out.dims.join(', ')}] for ${chunk.length} texts.`,
        );
      }
      if (dim !== -1 && d !== dim)
        throw new InfluenceError('SHAPE_MISMATCH', 'The extractor changed embedding size between batches.');
      dim = d;
      parts.push(Float32Array.from(out.data));
      doneTexts += chunk.length;
      params.onProgress?.({ phase: 'embed', done: doneTexts, total: totalTexts });
    }
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    dims.set(name, dim);
    return all;
  };
  const dims = new Map<string, number>();
  const A = await embed(params.train, 'train');
  const B = await embed(params.test, 'test');
  const dTrain = Array.isArray(params.train) ? dims.get('train')! : (params.train as GradientMatrix).cols;
  const dTest = Array.isArray(params.test) ? dims.get('test')! : (params.test as GradientMatrix).cols;
  const n = Array.isArray(params.train) ? params.train.length : (params.train as GradientMatrix).rows;
  const T = Array.isArray(params.test) ? params.test.length : (params.test as GradientMatrix).rows;
  if (n > 0 && T > 0 && dTrain !== dTest)
    throw new InfluenceError('SHAPE_MISMATCH', `train embeddings have ${dTrain} dims, test ${dTest}.`);
  const d = n > 0 ? dTrain : dTest;
  normalizeRows(A, n, d);
  normalizeRows(B, T, d);
  const scores = new Float64Array(T * n);
  if (n > 0 && T > 0) matmulNT(T, n, d, B, A, scores);
  return buildResult('embedding-similarity', { pooling, metric: 'cosine' }, scores, T, n, topK);
}

function normalizeRows(M: Float32Array, rows: number, d: number): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += M[i * d + j]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) M[i * d + j]! *= inv;
  }
}
