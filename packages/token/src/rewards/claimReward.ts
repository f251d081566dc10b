import type { Signer, TransactionReceipt } from 'ethers';
import { rewardDistributorAbi } from '../generated/RewardDistributor.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';
import type { RewardClaim } from './publishRewardEpoch.js';

/** Parameters of {@link claimReward}. */
export interface ClaimRewardParameters {
  contract: Hex | string;
  claim: RewardClaim;
}
/** Return type of {@link claimReward}. */
export type ClaimRewardReturnType = TransactionReceipt;

/**
 * Claim one entitlement of a reward epoch with its Merkle proof. Anyone may submit it; the
 * funds go to `claim.account`. Fails with `ContractError` `AlreadyClaimed`, `InvalidProof` or
 * `ClaimWindowClosed`.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { claimReward } from '@openledger/token';
 * declare const claim: import('@openledger/token').RewardClaim;
 * const signer = new Wallet(`0x${'03'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await claimReward(signer, { contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3', claim });
 */
export async function claimReward(
  signer: Signer,
  params: ClaimRewardParameters,
): Promise<ClaimRewardReturnType> {
  const { claim } = params;
  return send('claimReward', contract(params.contract, rewardDistributorAbi, signer), 'claim', [
    claim.epochId,
    claim.index,
    claim.account,
    claim.amount,
    claim.proof,
  ]);
}
