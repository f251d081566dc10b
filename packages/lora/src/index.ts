/**
 * @packageDocumentation
 * `@openledger/lora`: read and write LoRA adapters exactly as Hugging Face PEFT does, compose
 * and merge them with PEFT's semantics, cache them, and fine-tune them through ModelFactory.
 * The onnxruntime-web runtime lives in the `@openledger/lora/onnx` subpath.
 */
export {
  AdapterError,
  type AdapterErrorCode,
  isAdapterError,
  isSafetensorsError,
  SafetensorsError,
  type SafetensorsErrorCode,
} from './errors.js';
export type { Dtype, TensorData } from './safetensors/dtypes.js';
export type { SafetensorsHeader, TensorInfo } from './safetensors/header.js';
export {
  type InspectSafetensorsOptions,
  type InspectSafetensorsReturnType,
  inspectSafetensors,
} from './safetensors/inspectSafetensors.js';
export {
  type ParseSafetensorsOptions,
  type ParseSafetensorsReturnType,
  parseSafetensors,
} from './safetensors/parseSafetensors.js';
export { type SerializeSafetensorsInput, serializeSafetensors } from './safetensors/serializeSafetensors.js';
export { toFloat32 } from './safetensors/toFloat32.js';
export type { SafetensorsFile, Tensor } from './safetensors/types.js';
