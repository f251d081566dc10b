import { ValidationError } from '@openledger/core';
import type { Signer, TransactionReceipt } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { openTokenFor } from '../internal/chain.js';
import { contract, send, toContractError } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link transferOpen}. */
export interface TransferOpenParameters {
  to: Hex | string;
  /** Amount in wei. */
  amount: bigint;
  /** Override where OPEN lives (ERC-20 address, or `null` for native). */
  token?: Hex | string | null;
}
/** Return type of {@link transferOpen}: the mined receipt. */
export type TransferOpenReturnType = TransactionReceipt;

/**
 * Send OPEN: a plain value transfer where OPEN is the gas token, an ERC-20 `transfer` on Ethereum.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { transferOpen } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await transferOpen(signer, { to: '0x000000000000000000000000000000000000dEaD', amount: 10n ** 18n });
 */
export async function transferOpen(
  signer: Signer,
  params: TransferOpenParameters,
): Promise<TransferOpenReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount < 0n) {
    throw new ValidationError('transferOpen: amount must be a non-negative bigint (wei).');
  }
  const token = await openTokenFor(signer, params.token);
  if (token !== null)
    return send('transferOpen', contract(token, openTokenAbi, signer), 'transfer', [
      params.to,
      params.amount,
    ]);
  try {
    const tx = await signer.sendTransaction({ to: params.to, value: params.amount });
    const receipt = await tx.wait();
    if (receipt?.status !== 1) throw new Error('transfer was not mined successfully');
    return receipt;
  } catch (err) {
    throw toContractError('transferOpen', err);
  }
}
