import { ValidationError } from '@openledger/core';
import { getAddress, type Signer, type TransactionReceipt, ZeroAddress } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { rewardDistributorAbi } from '../generated/RewardDistributor.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';
import type { Payout } from './publishRewardEpoch.js';

/** Parameters of {@link payRewardsBatch}. */
export interface PayRewardsBatchParameters {
  contract: Hex | string;
  payouts: readonly Payout[];
  /** ERC-20 to pay in (approved automatically); omit for native OPEN. */
  token?: Hex | string;
}
/** Return type of {@link payRewardsBatch}. */
export type PayRewardsBatchReturnType = TransactionReceipt;

const MAX_AMOUNT = (1n << 96n) - 1n;

/**
 * Pay many contributors in one transaction (the RewardDistributor batch path): cheaper per
 * contributor than claims when the payer knows every address. Native payments a recipient
 * refuses are credited to it on-chain (`owed`) rather than failing the batch.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { payRewardsBatch } from '@openledger/token';
 * const payer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await payRewardsBatch(payer, {
 *   contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
 *   payouts: [{ address: '0x000000000000000000000000000000000000dEaD', amount: 10n ** 15n }],
 * });
 */
export async function payRewardsBatch(
  signer: Signer,
  params: PayRewardsBatchParameters,
): Promise<PayRewardsBatchReturnType> {
  let total = 0n;
  const entries = params.payouts.map((p, i) => {
    if (typeof p.amount !== 'bigint' || p.amount <= 0n || p.amount > MAX_AMOUNT) {
      throw new ValidationError(`payRewardsBatch: payouts[${i}].amount must be a bigint in (0, 2^96).`);
    }
    total += p.amount;
    return `0x${((BigInt(getAddress(p.address)) << 96n) | p.amount).toString(16).padStart(64, '0')}`;
  });
  if (entries.length === 0) throw new ValidationError('payRewardsBatch: no payouts.');
  const token = params.token ?? ZeroAddress;
  if (token !== ZeroAddress) {
    await send('payRewardsBatch (approve)', contract(token, openTokenAbi, signer), 'approve', [
      params.contract,
      total,
    ]);
  }
  return send(
    'payRewardsBatch',
    contract(params.contract, rewardDistributorAbi, signer),
    'batchPay',
    [token, entries],
    token === ZeroAddress ? { value: total } : {},
  );
}
