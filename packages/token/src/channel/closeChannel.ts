import type { Signer, TransactionReceipt } from 'ethers';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex, Voucher } from '../types.js';
import { readChannelState } from './openChannel.js';

/** Parameters of {@link closeChannel}. */
export interface CloseChannelParameters {
  contract: Hex | string;
  channelId: Hex | string;
  /** Payee only: the final voucher to settle while closing (omit to settle nothing more). */
  voucher?: Voucher;
  /** Payee only: settle this much in total, at most the voucher's amount (default: all of it). */
  amount?: bigint;
}
/** Return type of {@link closeChannel}. */
export type CloseChannelReturnType = TransactionReceipt;

/**
 * End a channel. As the payee: settle the final voucher (if any) and refund the rest to the
 * payer at once. As the payer: reclaim the unredeemed deposit, which the contract allows only
 * after expiry plus the challenge period (earlier attempts fail with `ChallengePeriodActive`).
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { closeChannel } from '@openledger/token';
 * declare const voucher: import('@openledger/token').Voucher;
 * const payee = new Wallet(`0x${'02'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await closeChannel(payee, { contract: voucher.verifyingContract, channelId: voucher.channelId, voucher });
 */
export async function closeChannel(
  signer: Signer,
  params: CloseChannelParameters,
): Promise<CloseChannelReturnType> {
  const channels = contract(params.contract, paymentChannelAbi, signer);
  const state = await readChannelState(signer, params.contract, params.channelId);
  const me = (await signer.getAddress()).toLowerCase();
  if (me === state.payer.toLowerCase() && !params.voucher) {
    return send('closeChannel (reclaim)', channels, 'reclaim', [params.channelId]);
  }
  const v = params.voucher;
  return send('closeChannel', channels, 'close', [
    params.channelId,
    v ? v.cumulativeAmount : 0n,
    v ? (params.amount ?? v.cumulativeAmount) : 0n,
    v ? v.signature : '0x',
  ]);
}
