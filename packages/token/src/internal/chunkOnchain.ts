// Build-only entry (tsup): groups the ethers-based actions into their own chunk so that
// `import { verifyVoucher } from '@openledger/token'` never reaches ethers. Not public API.
export { closeChannel } from '../channel/closeChannel.js';
export { openChannel } from '../channel/openChannel.js';
export { readChannel } from '../channel/readChannel.js';
export { redeemVoucher } from '../channel/redeemVoucher.js';
export { topUpChannel } from '../channel/topUpChannel.js';
export { deployContracts } from '../deploy/deployContracts.js';
export { delegateVotes, signDelegation } from '../gopen/delegateVotes.js';
export { depositGOpen } from '../gopen/depositGOpen.js';
export { getPastVotes } from '../gopen/getPastVotes.js';
export { getVotes } from '../gopen/getVotes.js';
export { withdrawGOpen } from '../gopen/withdrawGOpen.js';
export { approveOpen } from '../open/approveOpen.js';
export { getOpenBalance } from '../open/getOpenBalance.js';
export { transferOpen } from '../open/transferOpen.js';
export { claimReward } from '../rewards/claimReward.js';
export { payRewardsBatch } from '../rewards/payRewardsBatch.js';
export { publishRewardEpoch } from '../rewards/publishRewardEpoch.js';
