/** @packageDocumentation @openledger/attribution */

export {
  type AggregateInfluenceParameters,
  type AggregateInfluenceReturnType,
  aggregateInfluence,
  type TrainingExampleOwner,
} from './influence/aggregateInfluence.js';
export { type DataInfLayer, type DataInfParameters, dataInf } from './influence/dataInf.js';
export { InfluenceError, type InfluenceErrorCode } from './influence/errors.js';
export type { FitOptions, GlmModel, GlmOptions } from './influence/glm.js';
export {
  type GradientInfluenceParameters,
  type InfluenceFunctionParameters,
  influenceFunction,
} from './influence/influenceFunction.js';
export { linearRegression } from './influence/linearRegression.js';
export { type LogisticRegressionOptions, logisticRegression } from './influence/logisticRegression.js';
export {
  type LoraFitOptions,
  type LoraLinearModel,
  type LoraLinearOptions,
  loraLinear,
} from './influence/loraLinear.js';
export type { InfluenceProgress } from './influence/progress.js';
export {
  type GradientSafetensors,
  gradientCheckpoints,
  readGradientSafetensors,
} from './influence/readGradientSafetensors.js';
export { type RepresenterPointsParameters, representerPoints } from './influence/representerPoints.js';
export { type TracInCheckpoint, type TracInParameters, tracIn } from './influence/tracIn.js';
export type {
  Example,
  GradientMatrix,
  InfluenceModel,
  InfluenceResult,
  InfluenceRunOptions,
  ParamLayer,
  ScoredExample,
} from './influence/types.js';
export type { MatmulEngine } from './linalg/engine.js';
export { type AttributionBatch, commitAttributionRecords } from './records/commitAttributionRecords.js';
export {
  type AttributionSource,
  type CreateAttributionRecordParameters,
  createAttributionRecord,
} from './records/createAttributionRecord.js';
export { ATTRIBUTION_RECORD_TYPES, type AttributionDomain, attributionDigest } from './records/eip712.js';
export { AttributionRecordError, type AttributionRecordErrorCode } from './records/errors.js';
export { isAttributionRecordError } from './records/guards.js';
export { hashAttributionRecord } from './records/hashAttributionRecord.js';
export {
  type AdapterLineage,
  AdapterLineageSchema,
  type AttributionRecord,
  AttributionRecordSchema,
  LineageEntrySchema,
  type RecordContribution,
  RecordContributionSchema,
} from './records/schema.js';
export {
  type SignedAttributionRecord,
  signAttributionRecord,
  type TypedDataSigner,
} from './records/signAttributionRecord.js';
export {
  recoverAttributionRecordSigner,
  type VerifyAttributionRecordParameters,
  verifyAttributionRecord,
} from './records/verifyAttributionRecord.js';
export { RewardSplitError, type RewardSplitErrorCode } from './reward/errors.js';
export {
  type Address,
  type RewardPayout,
  type RewardPolicy,
  type RewardShare,
  type SplitRewardOptions,
  type SplitRewardReturnType,
  splitReward,
} from './reward/splitReward.js';
export {
  type AttributeOutputOptions,
  type AttributeOutputParameters,
  type AttributeOutputReturnType,
  attributeOutput,
} from './span/attributeOutput.js';
export {
  type BuildSpanIndexParameters,
  type BuildSpanIndexReturnType,
  buildSpanIndex,
} from './span/buildSpanIndex.js';
export {
  type BuildSpanIndexInWorkersOptions,
  type BuildSpanIndexInWorkersParameters,
  type BuildSpanIndexInWorkersReturnType,
  buildSpanIndexInWorkers,
} from './span/buildSpanIndexInWorkers.js';
export { type CountOptions, count } from './span/count.js';
export { SpanIndexFormatError, SpanIndexUsageError } from './span/errors.js';
export {
  type FindSpansOptions,
  type FindSpansParameters,
  type FindSpansReturnType,
  findSpans,
} from './span/findSpans.js';
export {
  type FileHandleLike,
  type LoadSpanIndexOptions,
  type LoadSpanIndexParameters,
  type LoadSpanIndexReturnType,
  loadSpanIndex,
  type PagingOptions,
  type SpanIndexSource,
} from './span/loadSpanIndex.js';
export { serializeSpanIndex } from './span/serializeSpanIndex.js';
export type {
  AttributedDocument,
  AttributionResult,
  BuildProgress,
  BuildSpanIndexOptions,
  Contribution,
  Span,
  SpanDocument,
  SpanIndex,
  SpanIndexDocuments,
  SpanIndexIoStats,
  SpanOccurrence,
  SpanShard,
} from './span/types.js';
export { createByteTokenizer } from './tokenizers/byte.js';
export type {
  FromTiktokenRanksParameters,
  FromTiktokenRanksReturnType,
  TiktokenRanks,
} from './tokenizers/tiktoken.js';
export { fromTiktokenRanks } from './tokenizers/tiktoken.js';
export type { Tokenizer, TokenizerRecipe } from './tokenizers/types.js';
