/**
 * @packageDocumentation `@openledger/attribution/onnxruntime`: run the influence methods'
 * products on onnxruntime (native MLAS GEMM in Node, or onnxruntime-web's backends). This entry
 * does not import onnxruntime; pass it the module you load, so nothing else pulls it in.
 */
export {
  type CreateOnnxMatmulOptions,
  createOnnxMatmul,
  type OnnxMatmulEngine,
  type OnnxRuntimeLike,
  type OnnxSessionLike,
  type OnnxTensorLike,
} from './linalg/onnxMatmul.js';
