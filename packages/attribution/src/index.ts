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
