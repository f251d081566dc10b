/** @packageDocumentation @openledger/datanet */
// --- specs, validation, quotas, leaderboard (pure; datanet-A) ---

export {
  type CreateDatanetParameters,
  type CreateDatanetReturnType,
  createDatanet,
} from './actions/createDatanet.js';
export {
  type GetContributionParameters,
  type GetContributionReturnType,
  getContribution,
} from './actions/getContribution.js';
export { type GetDatanetParameters, type GetDatanetReturnType, getDatanet } from './actions/getDatanet.js';
export {
  type GetLeaderboardParameters,
  type GetLeaderboardReturnType,
  getLeaderboard,
} from './actions/getLeaderboard.js';
export {
  type GetMembershipProofParameters,
  type GetMembershipProofReturnType,
  getMembershipProof,
} from './actions/getMembershipProof.js';
export { type GetVersionParameters, type GetVersionReturnType, getVersion } from './actions/getVersion.js';
export { iterateContributions } from './actions/iterateContributions.js';
export {
  type ListContributionsParameters,
  type ListContributionsReturnType,
  listContributions,
} from './actions/listContributions.js';
export {
  type ListDatanetsParameters,
  type ListDatanetsReturnType,
  listDatanets,
} from './actions/listDatanets.js';
export {
  type PublishVersionParameters,
  type PublishVersionReturnType,
  publishVersion,
} from './actions/publishVersion.js';
export {
  type ReviewContributionParameters,
  type ReviewContributionReturnType,
  reviewContribution,
} from './actions/reviewContribution.js';
export {
  type SubmitContributionParameters,
  type SubmitContributionProgress,
  type SubmitContributionReturnType,
  submitContribution,
} from './actions/submitContribution.js';
// --- end datanet-A ---
// --- API schemas and client actions (networked; datanet-B) ---
export {
  AddressSchema,
  ApiErrorBodySchema,
  Bytes32Schema,
  DatanetApiErrorCode,
  type Page,
  pageSchema,
  TimestampSchema,
} from './api/common.js';
export {
  type Contribution,
  ContributionSchema,
  type ContributionStatus,
  ContributionStatusSchema,
  type Review,
  type ReviewBody,
  ReviewBodySchema,
  ReviewSchema,
  ValidationReportIssueSchema,
  type ValidationReportWire,
  ValidationReportWireSchema,
} from './api/contribution.js';
export { CreateDatanetBodySchema, type Datanet, DatanetCountsSchema, DatanetSchema } from './api/datanet.js';
export {
  type DatanetLeaderboard,
  DatanetLeaderboardSchema,
  LeaderboardEntrySchema,
} from './api/leaderboard.js';
export {
  type CreateUploadBody,
  CreateUploadBodySchema,
  UPLOAD_OFFSET_HEADER,
  type Upload,
  UploadSchema,
} from './api/upload.js';
export { type MembershipProof, MembershipProofSchema, type Version, VersionSchema } from './api/version.js';
export {
  type ContributionOutcome,
  type ContributorRanking,
  type LeaderboardEntry,
  type LeaderboardPolicy,
  rankContributors,
} from './leaderboard/rankContributors.js';
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
// --- end datanet-B ---
