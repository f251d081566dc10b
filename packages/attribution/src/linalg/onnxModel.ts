import { encodeOnnxModel } from '@openledger/core';

/**
 * Bytes of the one-node model `Y (m×n) = Gemm(A (m×k), B)` on float32 with symbolic m, n, k:
 * op(B) = Bᵀ for B n×k when `transB` (Gemm's `transB = 1`), else B (k×n). IR version 7,
 * opset 13: any onnxruntime since 1.6 loads it.
 */
export function gemmModel(transB: boolean): Uint8Array {
  return encodeOnnxModel({
    graphName: transB ? 'matmul_nt' : 'matmul_nn',
    inputs: [
      { name: 'A', shape: ['m', 'k'] },
      { name: 'B', shape: transB ? ['n', 'k'] : ['k', 'n'] },
    ],
    outputs: [{ name: 'Y', shape: ['m', 'n'] }],
    nodes: [
      {
        opType: 'Gemm',
        name: 'gemm',
        inputs: ['A', 'B'],
        outputs: ['Y'],
        attributes: { transB: { int: transB ? 1 : 0 } },
      },
    ],
    opset: 13,
    irVersion: 7,
    producerName: '@openledger/attribution',
  });
}
