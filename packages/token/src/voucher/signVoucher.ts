import { secp256k1 } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/hashes/utils';
import type { Hex, Voucher } from '../types.js';
import { hashVoucherBytes, VOUCHER_TYPES, type VoucherMessage, voucherDomain } from './hashVoucher.js';

/**
 * Anything that signs EIP-712 typed data the way ethers' `Signer.signTypedData` does
 * (ethers `Wallet`, a browser-wallet adapter), or a raw 32-byte private key.
 */
export type VoucherSigner =
  | Hex
  | {
      signTypedData(
        domain: ReturnType<typeof voucherDomain>,
        types: { Voucher: { name: string; type: string }[] },
        value: Record<string, unknown>,
      ): Promise<string>;
    };

/** Parameters of {@link signVoucher}. */
export type SignVoucherParameters = VoucherMessage;
/** Return type of {@link signVoucher}. */
export type SignVoucherReturnType = Voucher;

/**
 * Sign a voucher for `cumulativeAmount` (the running total, not the increment) on a channel.
 * With a private key it signs locally (RFC 6979, low-s); with a signer object it delegates to
 * its `signTypedData`. No ethers import.
 *
 * @example
 * import { signVoucher } from '@openledger/token';
 * const voucher = await signVoucher(`0x${'01'.repeat(32)}`, {
 *   channelId: `0x${'11'.repeat(32)}`, cumulativeAmount: 10n ** 15n,
 *   chainId: 1612, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
 * });
 */
export async function signVoucher(
  signer: VoucherSigner,
  params: SignVoucherParameters,
): Promise<SignVoucherReturnType> {
  const digest = hashVoucherBytes(params);
  let signature: Hex;
  if (typeof signer === 'string') {
    const sig = secp256k1.sign(digest, hexToBytes(signer.replace(/^0x/, '')), { lowS: true });
    signature = `0x${sig.toCompactHex()}${(27 + sig.recovery).toString(16)}`;
  } else {
    const types = { Voucher: VOUCHER_TYPES.Voucher.map((f) => ({ ...f })) };
    signature = (await signer.signTypedData(voucherDomain(params.chainId, params.verifyingContract), types, {
      channelId: params.channelId,
      cumulativeAmount: params.cumulativeAmount,
    })) as Hex;
  }
  return { ...params, signature };
}
