import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import type { Hex } from '../types.js';

/**
 * EIP-712 `name` of the PaymentChannel domain.
 *
 * @example
 * import { VOUCHER_DOMAIN_NAME } from '@openledger/token';
 */
export const VOUCHER_DOMAIN_NAME = 'OpenLedger PaymentChannel';
/**
 * EIP-712 `version` of the PaymentChannel domain.
 *
 * @example
 * import { VOUCHER_DOMAIN_VERSION } from '@openledger/token';
 */
export const VOUCHER_DOMAIN_VERSION = '1';

/**
 * EIP-712 types of a voucher, in the shape ethers' `signTypedData` and viem take.
 *
 * @example
 * import { VOUCHER_TYPES } from '@openledger/token';
 * VOUCHER_TYPES.Voucher[1].name; // 'cumulativeAmount'
 */
export const VOUCHER_TYPES = {
  Voucher: [
    { name: 'channelId', type: 'bytes32' },
    { name: 'cumulativeAmount', type: 'uint256' },
  ],
} as const;

/** The fields a voucher signature covers. */
export interface VoucherMessage {
  channelId: Hex;
  cumulativeAmount: bigint;
  chainId: number;
  verifyingContract: Hex;
}

/**
 * The EIP-712 domain of vouchers for one PaymentChannel deployment.
 *
 * @example
 * import { voucherDomain } from '@openledger/token';
 * voucherDomain(1612, '0x5FbDB2315678afecb367f032d93F642f64180aa3').name; // 'OpenLedger PaymentChannel'
 */
export function voucherDomain(chainId: number, verifyingContract: Hex) {
  return { name: VOUCHER_DOMAIN_NAME, version: VOUCHER_DOMAIN_VERSION, chainId, verifyingContract };
}

const U256 = 2n ** 256n;
const keccak = (b: Uint8Array) => keccak_256(b);
const typeHash = (s: string) => keccak(utf8ToBytes(s));

function word(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'));
}

// Domain separators are few (one per chain × contract) and cost three hashes: memoise them.
const separators = /* @__PURE__ */ new Map<string, Uint8Array>();

function domainSeparator(chainId: number, verifyingContract: Hex): Uint8Array {
  const key = `${chainId}:${verifyingContract.toLowerCase()}`;
  let sep = separators.get(key);
  if (!sep) {
    const buf = new Uint8Array(160);
    buf.set(
      typeHash('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
      0,
    );
    buf.set(typeHash(VOUCHER_DOMAIN_NAME), 32);
    buf.set(typeHash(VOUCHER_DOMAIN_VERSION), 64);
    buf.set(word(BigInt(chainId)), 96);
    buf.set(word(BigInt(verifyingContract)), 128);
    sep = keccak(buf);
    if (separators.size > 256) separators.clear();
    separators.set(key, sep);
  }
  return sep;
}

let voucherTypeHash: Uint8Array | undefined;

/**
 * The EIP-712 digest a voucher signature covers (what `eth_signTypedData_v4` signs and the
 * contract's `voucherDigest` returns). Throws a `RangeError` on out-of-range fields.
 *
 * @example
 * import { hashVoucher } from '@openledger/token';
 * const digest = hashVoucher({ channelId: `0x${'11'.repeat(32)}`, cumulativeAmount: 10n, chainId: 1612, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' });
 */
export function hashVoucher(message: VoucherMessage): Hex {
  return `0x${bytesToHex(hashVoucherBytes(message))}`;
}

/** @internal Same as {@link hashVoucher}, as bytes. */
export function hashVoucherBytes(message: VoucherMessage): Uint8Array {
  const { channelId, cumulativeAmount, chainId, verifyingContract } = message;
  if (!/^0x[0-9a-fA-F]{64}$/.test(channelId)) throw new RangeError('channelId must be 32 bytes of hex');
  if (!/^0x[0-9a-fA-F]{40}$/.test(verifyingContract))
    throw new RangeError('verifyingContract must be an address');
  if (typeof cumulativeAmount !== 'bigint' || cumulativeAmount < 0n || cumulativeAmount >= U256) {
    throw new RangeError('cumulativeAmount must be a uint256 bigint');
  }
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    throw new RangeError('chainId must be a positive integer');
  voucherTypeHash ??= typeHash('Voucher(bytes32 channelId,uint256 cumulativeAmount)');
  const struct = new Uint8Array(96);
  struct.set(voucherTypeHash, 0);
  struct.set(hexToBytes(channelId.slice(2)), 32);
  struct.set(word(cumulativeAmount), 64);
  const out = new Uint8Array(66);
  out[0] = 0x19;
  out[1] = 0x01;
  out.set(domainSeparator(chainId, verifyingContract), 2);
  out.set(keccak(struct), 34);
  return keccak(out);
}
