import { ValidationError } from '@openledger/core';
import type { Signer, TransactionReceipt } from 'ethers';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link withdrawGOpen}. */
export interface WithdrawGOpenParameters {
  gOpen: Hex | string;
  /** gOPEN to burn (and native OPEN to receive), in wei. */
  amount: bigint;
}
/** Return type of {@link withdrawGOpen}. */
export type WithdrawGOpenReturnType = TransactionReceipt;

/**
 * Unwrap gOPEN back to native OPEN 1:1 (`withdraw(uint256)`).
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { withdrawGOpen } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await withdrawGOpen(signer, { gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', amount: 10n ** 18n });
 */
export async function withdrawGOpen(
  signer: Signer,
  params: WithdrawGOpenParameters,
): Promise<WithdrawGOpenReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount <= 0n) {
    throw new ValidationError('withdrawGOpen: amount must be a positive bigint (wei).');
  }
  return send('withdrawGOpen', contract(params.gOpen, gOpenAbi, signer), 'withdraw', [params.amount]);
}
