import type { Signer, TransactionReceipt } from 'ethers';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { contract, send } from '../internal/ethers.js';
import type { Voucher } from '../types.js';

/** Parameters of {@link redeemVoucher}. */
export interface RedeemVoucherParameters {
  /** The latest voucher; one redeem settles every request it covers. */
  voucher: Voucher;
}
/** Return type of {@link redeemVoucher}. */
export type RedeemVoucherReturnType = TransactionReceipt;

/**
 * Payee collects what the voucher adds over what was already redeemed; the channel stays open.
 * Reverts decode to a `ContractError` (`VoucherNotNewer`, `AmountExceedsDeposit`,
 * `InvalidVoucherSigner`, `ECDSAInvalidSignatureS`, `RedeemWindowClosed`, …).
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { redeemVoucher } from '@openledger/token';
 * declare const voucher: import('@openledger/token').Voucher;
 * const payee = new Wallet(`0x${'02'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await redeemVoucher(payee, { voucher });
 */
export async function redeemVoucher(
  signer: Signer,
  params: RedeemVoucherParameters,
): Promise<RedeemVoucherReturnType> {
  const { voucher } = params;
  return send('redeemVoucher', contract(voucher.verifyingContract, paymentChannelAbi, signer), 'redeem', [
    voucher.channelId,
    voucher.cumulativeAmount,
    voucher.signature,
  ]);
}
