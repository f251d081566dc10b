import type { MatmulEngine } from './engine.js';
import type { FloatArray } from './matmul.js';
import { gemmModel } from './onnxModel.js';
import { scaleOutput } from './scale.js';

/** The tensor part of onnxruntime this engine uses. */
export interface OnnxTensorLike {
  readonly data: unknown;
  dispose?(): void;
}

/** The session part of onnxruntime this engine uses. */
export interface OnnxSessionLike {
  run(feeds: Record<string, OnnxTensorLike>): Promise<Record<string, OnnxTensorLike>>;
  release(): Promise<void>;
}

/**
 * What {@link createOnnxMatmul} needs from an onnxruntime module: `import * as ort` from
 * `onnxruntime-node`, `onnxruntime-web` or `onnxruntime-react-native` all fit.
 *
 * @example
 * import type { OnnxRuntimeLike } from '@openledger/attribution/onnxruntime';
 */
export interface OnnxRuntimeLike {
  InferenceSession: { create(model: Uint8Array, options?: object): Promise<OnnxSessionLike> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OnnxTensorLike;
}

/** Options of {@link createOnnxMatmul}. */
export interface CreateOnnxMatmulOptions {
  /**
   * Passed to `InferenceSession.create`, e.g. `{ intraOpNumThreads: 1 }` or
   * `{ executionProviders: ['webgpu'] }`. Default: `{ graphOptimizationLevel: 'all' }` and
   * onnxruntime's own defaults otherwise (all cores in onnxruntime-node).
   */
  sessionOptions?: object;
}

/** The engine {@link createOnnxMatmul} returns: asynchronous products, and `release()`. */
export interface OnnxMatmulEngine extends MatmulEngine {
  matmulNT(
    m: number,
    n: number,
    k: number,
    A: Float32Array,
    B: Float32Array,
    C: FloatArray,
    alpha?: number,
    beta?: number,
  ): Promise<void>;
  matmulNN(
    m: number,
    n: number,
    k: number,
    A: Float32Array,
    B: Float32Array,
    C: FloatArray,
    alpha?: number,
    beta?: number,
  ): Promise<void>;
  /** Release the onnxruntime sessions (created on first use; a later product creates them again). */
  release(): Promise<void>;
}

/**
 * A {@link MatmulEngine} on onnxruntime's `Gemm` (MLAS on CPU: AVX2/AVX-512/NEON kernels),
 * for `tracIn` and `dataInf` where native speed pays. onnxruntime is injected, not imported:
 * pass the module you already load, so this package adds no dependency and bundles that do not
 * use this entry never see onnxruntime. One session per layout (A·Bᵀ, A·B) with symbolic
 * shapes serves every size; the operands are handed over without copying (onnxruntime-node).
 *
 * @param ort `import * as ort from 'onnxruntime-node'` (or `onnxruntime-web`).
 * @example
 * import * as ort from 'onnxruntime-node';
 * import { tracIn } from '@openledger/attribution';
 * import { createOnnxMatmul } from '@openledger/attribution/onnxruntime';
 *
 * const engine = createOnnxMatmul(ort, { sessionOptions: { intraOpNumThreads: 1 } });
 * const train = { rows: 2, cols: 3, data: Float32Array.of(1, 0, 0, 0, 1, 0) };
 * const test = { rows: 1, cols: 3, data: Float32Array.of(1, 0.5, 0) };
 * const { top } = await tracIn({ checkpoints: [{ learningRate: 0.01, train, test }], engine });
 * await engine.release();
 */
export function createOnnxMatmul(
  ort: OnnxRuntimeLike,
  options: CreateOnnxMatmulOptions = {},
): OnnxMatmulEngine {
  const sessions = new Map<boolean, Promise<OnnxSessionLike>>();
  const session = (transB: boolean) => {
    let s = sessions.get(transB);
    if (!s) {
      s = ort.InferenceSession.create(gemmModel(transB), {
        graphOptimizationLevel: 'all',
        ...options.sessionOptions,
      });
      // A failed create is not cached: the next product tries again.
      s.catch(() => sessions.delete(transB));
      sessions.set(transB, s);
    }
    return s;
  };
  const product =
    (transB: boolean) =>
    async (
      m: number,
      n: number,
      k: number,
      A: Float32Array,
      B: Float32Array,
      C: FloatArray,
      alpha = 1,
      beta = 0,
    ): Promise<void> => {
      const mn = m * n;
      if (mn === 0) return;
      if (k === 0) {
        scaleOutput(C, mn, beta);
        return;
      }
      const s = await session(transB);
      const a = new ort.Tensor('float32', A.length === m * k ? A : A.subarray(0, m * k), [m, k]);
      const b = new ort.Tensor(
        'float32',
        B.length === n * k ? B : B.subarray(0, n * k),
        transB ? [n, k] : [k, n],
      );
      const out = await s.run({ A: a, B: b });
      const y = out.Y!;
      const Y = y.data as Float32Array;
      if (beta === 0) for (let i = 0; i < mn; i++) C[i] = alpha * Y[i]!;
      else for (let i = 0; i < mn; i++) C[i] = alpha * Y[i]! + beta * C[i]!;
      y.dispose?.();
      a.dispose?.();
      b.dispose?.();
    };
  return {
    name: 'onnxruntime',
    matmulNT: product(true),
    matmulNN: product(false),
    async release() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map(async (s) => (await s).release()));
    },
  };
}
