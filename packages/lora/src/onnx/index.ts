/**
 * @packageDocumentation
 * `@openledger/lora/onnx`: run LoRA adapters with onnxruntime-web (browsers and Node): one
 * session over a base model whose LoRA factors are graph inputs, switched per request by
 * feeding other tensors, or adapters merged into the model's weights.
 */
export {
  type AdapterFeedsOptions,
  adapterFeeds,
  type LoraGraphModule,
  type LoraInputNaming,
  type OrtLike,
} from './adapterFeeds.js';
export { type BuildLoraMlpModelOptions, buildLoraMlpModel, type LoraMlpLayer } from './buildLoraMlpModel.js';
export { type CreateLoraSessionOptions, createLoraSession, type LoraSession } from './createLoraSession.js';
export { type MergeAdapterIntoOnnxOptions, mergeAdapterIntoOnnx } from './mergeAdapterIntoOnnx.js';
