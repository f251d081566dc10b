import { type FloatArray, matmulNN, matmulNT } from './matmul.js';

/**
 * A matrix-multiply backend for `tracIn` and `dataInf`: their products of test ×
 * train gradients run on it instead of the built-in WebAssembly SIMD kernel. Create one with
 * `createOnnxMatmul` from `@openledger/attribution/onnxruntime`, or wrap any BLAS. Both
 * operands are row-major Float32; `C` may be Float32 or Float64. Methods may return a
 * promise, so a method given an engine returns a promise too.
 *
 * @example
 * import { tracIn, type MatmulEngine } from '@openledger/attribution';
 * const naive: MatmulEngine = {
 *   name: 'naive',
 *   matmulNT(m, n, k, A, B, C, alpha = 1, beta = 0) {
 *     for (let i = 0; i < m; i++)
 *       for (let j = 0; j < n; j++) {
 *         let s = 0;
 *         for (let p = 0; p < k; p++) s += A[i * k + p]! * B[j * k + p]!;
 *         C[i * n + j] = alpha * s + beta * C[i * n + j]!;
 *       }
 *   },
 * };
 * const train = { rows: 2, cols: 2, data: Float32Array.of(1, 0, 0, 1) };
 * const test = { rows: 1, cols: 2, data: Float32Array.of(1, 0.5) };
 * const { scores } = await tracIn({ checkpoints: [{ learningRate: 1, train, test }], engine: naive });
 */
export interface MatmulEngine {
  /** A short label for logs and records, e.g. `'onnxruntime'`. */
  readonly name: string;
  /** C (m×n) = alpha · A (m×k) · Bᵀ + beta · C, where B is n×k. */
  matmulNT(
    m: number,
    n: number,
    k: number,
    A: Float32Array,
    B: Float32Array,
    C: FloatArray,
    alpha?: number,
    beta?: number,
  ): void | Promise<void>;
  /** C (m×n) = alpha · A (m×k) · B + beta · C, where B is k×n. Without it, B is transposed for matmulNT. */
  matmulNN?(
    m: number,
    n: number,
    k: number,
    A: Float32Array,
    B: Float32Array,
    C: FloatArray,
    alpha?: number,
    beta?: number,
  ): void | Promise<void>;
}

/** One product a method needs: C (m×n) = alpha·A·op(B) + beta·C, op(B) = Bᵀ (B n×k) when `transB`, else B (k×n). */
export interface GemmRequest {
  m: number;
  n: number;
  k: number;
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  alpha: number;
  beta: number;
  transB: boolean;
}

/** A method's computation as a sequence of products, ending in its result. */
export type GemmSteps<R> = Generator<GemmRequest, R, void>;

/** Cache-blocked transpose of a rows×cols Float32 matrix. */
export function transpose32(M: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const S = 64;
  for (let r0 = 0; r0 < rows; r0 += S) {
    const r1 = Math.min(rows, r0 + S);
    for (let c0 = 0; c0 < cols; c0 += S) {
      const c1 = Math.min(cols, c0 + S);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = M[r * cols + c]!;
    }
  }
  return out;
}

/** Run one product on the built-in kernels. */
export function gemm({ m, n, k, A, B, C, alpha, beta, transB }: GemmRequest): void {
  if (transB) matmulNT(m, n, k, A, B, C, alpha, beta);
  else matmulNN(m, n, k, A, B, C, alpha, beta);
}

/** Run one product on `engine` where both operands are Float32, else on the built-in kernels. */
export async function gemmOn(engine: MatmulEngine, req: GemmRequest): Promise<void> {
  const { m, n, k, A, B, C, alpha, beta, transB } = req;
  if (!(A instanceof Float32Array && B instanceof Float32Array)) gemm(req);
  else if (transB) await engine.matmulNT(m, n, k, A, B, C, alpha, beta);
  else if (engine.matmulNN) await engine.matmulNN(m, n, k, A, B, C, alpha, beta);
  else await engine.matmulNT(m, n, k, A, transpose32(B, k, n), C, alpha, beta);
}

/** Drive `steps` to its result on the built-in kernels, synchronously. */
export function runSteps<R>(steps: GemmSteps<R>): R {
  for (let s = steps.next(); ; s = steps.next()) {
    if (s.done) return s.value;
    gemm(s.value);
  }
}

/** Drive `steps` to its result on `engine`, awaiting each product. */
export async function runStepsOn<R>(steps: GemmSteps<R>, engine: MatmulEngine): Promise<R> {
  for (let s = steps.next(); ; s = steps.next()) {
    if (s.done) return s.value;
    await gemmOn(engine, s.value);
  }
}
