/** @packageDocumentation @openledger/datanet */
// --- specs, validation, quotas, leaderboard (pure; datanet-A) ---
export { checkQuota, utcDay } from './quota/checkQuota.js';
export {
  type DatanetLimits,
  DatanetLimitsSchema,
  type DatanetRules,
  DatanetRulesSchema,
  type DatanetSpec,
  type DatanetSpecInput,
  DatanetSpecSchema,
  defineDatanet,
  type JsonSchema,
  ReviewPolicySchema,
  type RowRules,
  RowRulesSchema,
  type StandardRowSchema,
} from './spec/defineDatanet.js';
export {
  DATANET_FORMATS,
  type DatanetFormat,
  type DatanetKind,
  DEFAULT_FORMATS,
  FORMAT_EXTENSIONS,
  FORMAT_KIND,
} from './spec/formats.js';
export type {
  ContributionDecoder,
  ContributionInput,
  ContributionIssue,
  ContributionIssueCode,
  ContributionMeta,
  DecodeContext,
  DecodeResult,
  QuotaCheck,
  QuotaUsage,
  ValidationProgress,
  ValidationReport,
} from './validate/types.js';
export {
  MERKLE_CHUNK_SIZE,
  type ValidateContributionParameters,
  type ValidateContributionReturnType,
  validateContribution,
} from './validate/validateContribution.js';
// --- end datanet-A ---
