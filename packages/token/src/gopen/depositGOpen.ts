import { ValidationError } from '@openledger/core';
import type { Signer, TransactionReceipt } from 'ethers';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link depositGOpen}. */
export interface DepositGOpenParameters {
  /** The gOPEN contract. */
  gOpen: Hex | string;
  /** Native OPEN to wrap, in wei. */
  amount: bigint;
}
/** Return type of {@link depositGOpen}. */
export type DepositGOpenReturnType = TransactionReceipt;

/**
 * Wrap native OPEN into gOPEN 1:1 (payable `deposit()`). Votes count only after delegating.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { depositGOpen } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await depositGOpen(signer, { gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', amount: 10n ** 18n });
 */
export async function depositGOpen(
  signer: Signer,
  params: DepositGOpenParameters,
): Promise<DepositGOpenReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount <= 0n) {
    throw new ValidationError('depositGOpen: amount must be a positive bigint (wei).');
  }
  return send('depositGOpen', contract(params.gOpen, gOpenAbi, signer), 'deposit', [], {
    value: params.amount,
  });
}
