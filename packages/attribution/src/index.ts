/** @packageDocumentation @openledger/attribution */
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
export { SpanIndexFormatError, SpanIndexUsageError } from './span/errors.js';
export { createByteTokenizer } from './tokenizers/byte.js';
export type { Tokenizer } from './tokenizers/types.js';
