import type { Signer, TransactionReceipt } from 'ethers';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Voucher } from '../types.js';

/** Parameters of {@link redeemVoucher}. */
export interface RedeemVoucherParameters {
  /** The latest voucher; one redeem settles every request it covers. */
  voucher: Voucher;
  /**
   * Settle this much in total (the channel's new redeemed amount), at most the voucher's
   * `cumulativeAmount`; default: all of it. A server that charges per use passes what it earned
   * (`ChannelAccount.owed` of the 402 middleware), leaving the payer's unused headroom unpaid;
   * the same voucher can settle more later.
   */
  amount?: bigint;
}
/** Return type of {@link redeemVoucher}. */
export type RedeemVoucherReturnType = TransactionReceipt;

/**
 * Payee collects what the voucher adds over what was already redeemed; the channel stays open.
 * Reverts decode to a `ContractError` (`VoucherNotNewer`, `AmountExceedsDeposit`,
 * `AmountExceedsVoucher`, `InvalidVoucherSigner`, `ECDSAInvalidSignatureS`,
 * `RedeemWindowClosed`, …).
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { redeemVoucher } from '@openledger/token';
 * declare const voucher: import('@openledger/token').Voucher;
 * const payee = new Wallet(`0x${'02'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await redeemVoucher(payee, { voucher });
 * // Per-token pricing: settle only what was earned (the 402 middleware's account.owed).
 * declare const owed: bigint;
 * await redeemVoucher(payee, { voucher, amount: owed });
 */
export async function redeemVoucher(
  signer: Signer,
  params: RedeemVoucherParameters,
): Promise<RedeemVoucherReturnType> {
  const { voucher } = params;
  return send('redeemVoucher', contract(voucher.verifyingContract, paymentChannelAbi, signer), 'redeem', [
    voucher.channelId,
    voucher.cumulativeAmount,
    params.amount ?? voucher.cumulativeAmount,
    voucher.signature,
  ]);
}
