import { ValidationError } from '@openledger/core';
import { type Signer, type TransactionReceipt, ZeroAddress } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { toSeconds } from '../internal/chain.js';
import { contract, send } from '../internal/ethers.js';
import type { ChannelState } from '../types.js';

/** Parameters of {@link topUpChannel}. */
export interface TopUpChannelParameters {
  channel: Pick<ChannelState, 'channelId' | 'verifyingContract' | 'token' | 'expiry'>;
  /** Extra deposit in wei. */
  amount: bigint;
  /** New expiry (never earlier than the current one); default unchanged. */
  expiry?: number | bigint | Date;
}
/** Return type of {@link topUpChannel}. */
export type TopUpChannelReturnType = TransactionReceipt;

/**
 * Add to a channel's deposit (payer only), optionally pushing its expiry out.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { topUpChannel } from '@openledger/token';
 * declare const channel: import('@openledger/token').ChannelState;
 * const payer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await topUpChannel(payer, { channel, amount: 10n ** 17n });
 */
export async function topUpChannel(
  signer: Signer,
  params: TopUpChannelParameters,
): Promise<TopUpChannelReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount <= 0n) {
    throw new ValidationError('topUpChannel: amount must be a positive bigint (wei).');
  }
  const { channel } = params;
  const expiry = params.expiry === undefined ? BigInt(channel.expiry) : toSeconds(params.expiry);
  const native = channel.token === ZeroAddress;
  if (!native) {
    const erc20 = contract(channel.token, openTokenAbi, signer);
    await send('topUpChannel (approve)', erc20, 'approve', [channel.verifyingContract, params.amount]);
  }
  return send(
    'topUpChannel',
    contract(channel.verifyingContract, paymentChannelAbi, signer),
    'topUp',
    [channel.channelId, params.amount, expiry],
    native ? { value: params.amount } : {},
  );
}
