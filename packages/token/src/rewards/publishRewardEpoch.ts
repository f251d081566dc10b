import { createMerkleTree, getMerkleProof, ValidationError } from '@openledger/core';
import { getAddress, type Signer, ZeroAddress } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { rewardDistributorAbi } from '../generated/RewardDistributor.generated.js';
import { toSeconds } from '../internal/chain.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/**
 * ABI types of a reward leaf: (index, account, amount), for OpenZeppelin-style trees.
 *
 * @example
 * import { REWARD_LEAF_ENCODING } from '@openledger/token';
 */
export const REWARD_LEAF_ENCODING = ['uint256', 'address', 'uint256'] as const;

/** One contributor's payout in wei (e.g. from attribution's `splitReward`). */
export interface Payout {
  address: Hex | string;
  amount: bigint;
}

/** What a contributor needs to claim: pass it to {@link claimReward}. */
export interface RewardClaim {
  epochId: bigint;
  index: number;
  account: Hex;
  amount: bigint;
  proof: Hex[];
}

/** Parameters of {@link publishRewardEpoch}. */
export interface PublishRewardEpochParameters {
  /** The RewardDistributor contract. */
  contract: Hex | string;
  /** Payouts; the same address twice is merged into one entitlement. Zero amounts are dropped. */
  payouts: readonly Payout[];
  /** Until when contributors may claim; afterwards the funder can take back the rest. */
  deadline: number | bigint | Date;
  /** ERC-20 to pay in (approved automatically); omit for native OPEN. */
  token?: Hex | string;
}
/** Return type of {@link publishRewardEpoch}. */
export interface PublishRewardEpochReturnType {
  epochId: bigint;
  root: Hex;
  total: bigint;
  /** Claims keyed by checksummed address. */
  claims: Map<Hex, RewardClaim>;
  hash: Hex;
}

/**
 * Fund a reward epoch with the sum of `payouts` and publish the Merkle root of the
 * entitlements (OpenZeppelin StandardMerkleTree of (index, address, amount)); returns the
 * per-address proofs to hand to contributors.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { publishRewardEpoch } from '@openledger/token';
 * const funder = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * const epoch = await publishRewardEpoch(funder, {
 *   contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
 *   payouts: [{ address: '0x000000000000000000000000000000000000dEaD', amount: 10n ** 15n }],
 *   deadline: new Date(Date.now() + 30 * 86_400_000),
 * });
 */
export async function publishRewardEpoch(
  signer: Signer,
  params: PublishRewardEpochParameters,
): Promise<PublishRewardEpochReturnType> {
  const merged = new Map<Hex, bigint>();
  for (const [i, p] of params.payouts.entries()) {
    let address: Hex;
    try {
      address = getAddress(p.address) as Hex;
    } catch (cause) {
      throw new ValidationError(`publishRewardEpoch: payouts[${i}].address is not an address.`, { cause });
    }
    if (typeof p.amount !== 'bigint' || p.amount < 0n) {
      throw new ValidationError(
        `publishRewardEpoch: payouts[${i}].amount must be a non-negative bigint (wei).`,
      );
    }
    merged.set(address, (merged.get(address) ?? 0n) + p.amount);
  }
  const leaves = [...merged]
    .filter(([, amount]) => amount > 0n)
    .map(([account, amount], index) => ({ index, account, amount }));
  if (leaves.length === 0) throw new ValidationError('publishRewardEpoch: no positive payouts.');
  const total = leaves.reduce((s, l) => s + l.amount, 0n);
  // Leaves (index, account, amount) in OpenZeppelin StandardMerkleTree encoding, as the contract checks them.
  const tree = createMerkleTree(
    leaves.map((l) => [BigInt(l.index), l.account, l.amount] as const),
    { leafEncoding: REWARD_LEAF_ENCODING },
  );
  const root = tree.root as Hex;
  const token = params.token ?? ZeroAddress;
  const distributor = contract(params.contract, rewardDistributorAbi, signer);
  if (token !== ZeroAddress) {
    await send('publishRewardEpoch (approve)', contract(token, openTokenAbi, signer), 'approve', [
      params.contract,
      total,
    ]);
  }
  const receipt = await send(
    'publishRewardEpoch',
    distributor,
    'fundEpoch',
    [root, token, total, toSeconds(params.deadline)],
    token === ZeroAddress ? { value: total } : {},
  );
  const log = receipt.logs
    .map((l) => {
      try {
        return distributor.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((l) => l?.name === 'EpochFunded');
  if (!log)
    throw new ValidationError('publishRewardEpoch: the EpochFunded event is missing from the receipt.');
  const epochId = log.args[0] as bigint;
  const claims = new Map<Hex, RewardClaim>();
  leaves.forEach((l, i) => {
    claims.set(l.account, {
      epochId,
      index: l.index,
      account: l.account,
      amount: l.amount,
      proof: getMerkleProof(tree, i) as Hex[],
    });
  });
  return { epochId, root, total, claims, hash: receipt.hash as Hex };
}
