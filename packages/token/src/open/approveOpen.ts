import { ValidationError } from '@openledger/core';
import type { Signer, TransactionReceipt } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { openTokenFor } from '../internal/chain.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link approveOpen}. */
export interface ApproveOpenParameters {
  spender: Hex | string;
  /** Allowance in wei (replaces the current one). */
  amount: bigint;
  /** Override where OPEN lives (ERC-20 address, or `null` for native). */
  token?: Hex | string | null;
}
/** Return type of {@link approveOpen}: the receipt, or `null` where OPEN is native (nothing to approve). */
export type ApproveOpenReturnType = TransactionReceipt | null;

/**
 * Let `spender` move OPEN for you. On Ethereum OPEN has no EIP-2612 permit, so this is an
 * on-chain `approve`; on OpenLedger chains OPEN is native and the call is a no-op returning `null`.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { approveOpen } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('https://eth.llamarpc.com'));
 * await approveOpen(signer, { spender: '0x000000000000000000000000000000000000dEaD', amount: 10n ** 18n });
 */
export async function approveOpen(
  signer: Signer,
  params: ApproveOpenParameters,
): Promise<ApproveOpenReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount < 0n) {
    throw new ValidationError('approveOpen: amount must be a non-negative bigint (wei).');
  }
  const token = await openTokenFor(signer, params.token);
  if (token === null) return null;
  return send('approveOpen', contract(token, openTokenAbi, signer), 'approve', [
    params.spender,
    params.amount,
  ]);
}
