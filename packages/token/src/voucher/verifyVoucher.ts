import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { VoucherError } from '../errors.js';
import type { ChannelState, Hex, Voucher } from '../types.js';
import { hashVoucherBytes } from './hashVoucher.js';
import {
  addressOfPublicKey,
  isHighS,
  parseSignature,
  recoverPublicKey,
  type Secp256k1Backend,
  verifyDigest,
} from './secp.js';

/** Options of {@link verifyVoucher}. */
export interface VerifyVoucherOptions {
  /** Current time in unix seconds (default: the wall clock). */
  now?: number;
  /**
   * Seconds before the channel's expiry after which vouchers are refused, leaving the payee
   * time to redeem. Default 0 (the contract still lets the payee redeem during the challenge
   * period after expiry).
   */
  expiryMarginSeconds?: number;
  /** Smallest increment over `state.accepted` this voucher must carry (e.g. the price). Default 1 wei. */
  minIncrement?: bigint;
  /**
   * secp256k1 implementation: `'auto'` (default) uses libsecp256k1 (the `secp256k1` package's
   * prebuilt addon, an optional dependency) in Node when it loads, else `@noble/curves`;
   * `'js'` forces `@noble/curves`. See {@link voucherCryptoBackend}.
   */
  secp256k1?: Secp256k1Backend;
}

/** Return type of {@link verifyVoucher}: errors as data, since the voucher is untrusted input. */
export type VerifyVoucherReturnType =
  | {
      ok: true;
      cumulativeAmount: bigint;
      /** New money this voucher adds over `state.accepted`. */
      increment: bigint;
      /** The payer's public key; store it in the channel state so later checks skip recovery. */
      payerPublicKey: Hex;
    }
  | { ok: false; error: VoucherError };

// Cached payer keys already checked against their payer address ("key|payer" → true), so the
// check costs one hash per channel instead of one per voucher.
const checkedKeys = /* @__PURE__ */ new Set<string>();

function keyBelongsTo(publicKey: Hex, payer: Hex): boolean {
  const id = `${publicKey}|${payer.toLowerCase()}`;
  if (checkedKeys.has(id)) return true;
  if (
    !/^0x04[0-9a-fA-F]{128}$/.test(publicKey) ||
    addressOfPublicKey(hexToBytes(publicKey.slice(2))) !== payer.toLowerCase()
  ) {
    return false;
  }
  if (checkedKeys.size >= 4096) checkedKeys.clear();
  checkedKeys.add(id);
  return true;
}

const fail = (reason: VoucherError['reason'], message: string): VerifyVoucherReturnType => ({
  ok: false,
  error: new VoucherError(reason, message),
});

/**
 * Check a voucher against the channel state the payee keeps — signer, channel, EIP-712 domain
 * (chain id and contract), monotonic cumulative amount, expiry and remaining deposit — with no
 * RPC. Pure: it does not change `state`; on success, set `state.accepted` to
 * `cumulativeAmount` (and cache `payerPublicKey`) before serving.
 *
 * @example
 * import { verifyVoucher } from '@openledger/token';
 * declare const state: import('@openledger/token').ChannelState;
 * declare const voucher: import('@openledger/token').Voucher;
 * const result = verifyVoucher(state, voucher);
 * if (result.ok) state.accepted = result.cumulativeAmount;
 * else console.log(result.error.reason);
 */
export function verifyVoucher(
  state: ChannelState,
  voucher: Voucher,
  options: VerifyVoucherOptions = {},
): VerifyVoucherReturnType {
  if (
    typeof voucher !== 'object' ||
    voucher === null ||
    typeof voucher.cumulativeAmount !== 'bigint' ||
    typeof voucher.channelId !== 'string' ||
    typeof voucher.verifyingContract !== 'string'
  ) {
    return fail(
      'malformed',
      'Voucher is not an object with channelId, cumulativeAmount and verifyingContract.',
    );
  }
  if (
    voucher.chainId !== state.chainId ||
    voucher.verifyingContract.toLowerCase() !== state.verifyingContract.toLowerCase()
  ) {
    return fail(
      'wrong-domain',
      `Voucher is for chain ${voucher.chainId} contract ${voucher.verifyingContract}, not chain ${state.chainId} contract ${state.verifyingContract}.`,
    );
  }
  if (voucher.channelId.toLowerCase() !== state.channelId.toLowerCase()) {
    return fail('wrong-channel', `Voucher is for channel ${voucher.channelId}, not ${state.channelId}.`);
  }
  const minIncrement = options.minIncrement ?? 1n;
  const increment = voucher.cumulativeAmount - state.accepted;
  if (increment <= 0n) {
    return fail(
      'not-newer',
      `Voucher amount ${voucher.cumulativeAmount} is not above the ${state.accepted} already accepted (replayed or stale voucher).`,
    );
  }
  if (increment < minIncrement) {
    return fail(
      'insufficient-payment',
      `Voucher adds ${increment} wei; at least ${minIncrement} is required.`,
    );
  }
  if (voucher.cumulativeAmount > state.deposit) {
    return fail(
      'exceeds-deposit',
      `Voucher amount ${voucher.cumulativeAmount} exceeds the channel deposit ${state.deposit}.`,
    );
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now >= state.expiry - (options.expiryMarginSeconds ?? 0)) {
    return fail('expired', `Channel expires at ${state.expiry}; vouchers are no longer accepted at ${now}.`);
  }
  const sig = parseSignature(voucher.signature);
  if (!sig) return fail('malformed', 'Voucher signature is not a valid 65-byte r‖s‖v secp256k1 signature.');
  if (isHighS(sig.s)) {
    return fail(
      'malleable-signature',
      'Voucher signature has a high s value (malleable); the contract would reject it.',
    );
  }
  let digest: Uint8Array;
  try {
    digest = hashVoucherBytes(voucher);
  } catch (cause) {
    return { ok: false, error: new VoucherError('malformed', 'Voucher fields are out of range.', { cause }) };
  }
  let publicKey = state.payerPublicKey;
  if (publicKey) {
    // A cached key that is not the payer's would let anyone's vouchers through: check it (one
    // hash per key and payer, memoised).
    if (!keyBelongsTo(publicKey, state.payer)) {
      return fail('wrong-signer', `The cached payerPublicKey does not belong to the payer ${state.payer}.`);
    }
    if (!verifyDigest(digest, sig, publicKey, options.secp256k1)) {
      return fail('wrong-signer', `Voucher was not signed by the channel's payer ${state.payer}.`);
    }
  } else {
    const recovered = recoverPublicKey(digest, sig, options.secp256k1);
    if (!recovered || addressOfPublicKey(recovered) !== state.payer.toLowerCase()) {
      return fail(
        'wrong-signer',
        `Voucher was signed by ${recovered ? addressOfPublicKey(recovered) : 'nobody recoverable'}, not the channel's payer ${state.payer}.`,
      );
    }
    publicKey = `0x${bytesToHex(recovered)}`;
  }
  return { ok: true, cumulativeAmount: voucher.cumulativeAmount, increment, payerPublicKey: publicKey };
}
