/**
 * @packageDocumentation
 * `@openledger/lora`: read and write LoRA adapters exactly as Hugging Face PEFT does, compose
 * and merge them with PEFT's semantics, cache them, and fine-tune them through ModelFactory.
 * The onnxruntime-web runtime lives in the `@openledger/lora/onnx` subpath.
 */

export {
  type AdapterConfig,
  type AdapterConfigInput,
  AdapterConfigSchema,
} from './adapter/AdapterConfigSchema.js';
export { type CreateAdapterParameters, createAdapter } from './adapter/createAdapter.js';
export { adapterIntegrity } from './adapter/integrity.js';
export {
  type LineageManifest,
  type LineageManifestInput,
  LineageManifestSchema,
} from './adapter/LineageManifestSchema.js';
export {
  type AdapterSource,
  type LoadAdapterOptions,
  type LoadAdapterReturnType,
  loadAdapter,
} from './adapter/loadAdapter.js';
export {
  LINEAGE_METADATA_KEY,
  type SaveAdapterOptions,
  type SaveAdapterReturnType,
  saveAdapter,
} from './adapter/saveAdapter.js';
export type { LoraAdapter, LoraModule } from './adapter/types.js';
export {
  type AdapterCache,
  type AdapterCacheStats,
  type AdapterLease,
  type CreateAdapterCacheOptions,
  createAdapterCache,
  type EvictionEvent,
  type EvictionReason,
} from './cache/createAdapterCache.js';
export { createDirectoryStore } from './cache/createDirectoryStore.js';
export { createIndexedDbStore } from './cache/createIndexedDbStore.js';
export type { AdapterStore } from './cache/types.js';
export {
  type AdapterDescription,
  type BaseModelInfo,
  type CompatibilityIssue,
  type CompatibilityReport,
  checkCompatibility,
} from './compat/checkCompatibility.js';
export { type FamilyTargets, type ModelFamily, targetModules } from './compat/targetModules.js';
export {
  AdapterError,
  type AdapterErrorCode,
  isAdapterError,
  isSafetensorsError,
  SafetensorsError,
  type SafetensorsErrorCode,
} from './errors.js';
export {
  type ComposeAdaptersOptions,
  type ComposeAdaptersReturnType,
  type ComposeMethod,
  composeAdapters,
} from './merge/composeAdapters.js';
export { type DeltaWeightOptions, deltaWeight } from './merge/deltaWeight.js';
export {
  type BaseWeights,
  type MergeAdapterOptions,
  type MergeAdapterReturnType,
  mergeAdapter,
  unmergeAdapter,
} from './merge/mergeAdapter.js';
export type { MajoritySignMethod } from './merge/taskArithmetic.js';
export {
  type CancelFineTuneJobParameters,
  type CancelFineTuneJobReturnType,
  cancelFineTuneJob,
} from './modelfactory/cancelFineTuneJob.js';
export {
  type CreateFineTuneJobParameters,
  type CreateFineTuneJobReturnType,
  createFineTuneJob,
} from './modelfactory/createFineTuneJob.js';
export {
  type GetFineTuneJobParameters,
  type GetFineTuneJobReturnType,
  getFineTuneJob,
} from './modelfactory/getFineTuneJob.js';
export {
  type FineTuneEvent,
  FineTuneEventSchema,
  type FineTuneJob,
  FineTuneJobSchema,
  type FineTuneJobSpec,
  type FineTuneJobSpecInput,
  FineTuneJobSpecSchema,
  type FineTuneJobStatus,
  FineTuneJobStatusSchema,
} from './modelfactory/schemas.js';
export {
  type WatchFineTuneJobParameters,
  type WatchFineTuneJobReturnType,
  watchFineTuneJob,
} from './modelfactory/watchFineTuneJob.js';
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
