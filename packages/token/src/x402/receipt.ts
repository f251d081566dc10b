import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import type { Hex } from '../types.js';
import { addressOfPublicKey, parseSignature, recoverPublicKey, verifyDigest } from '../voucher/secp.js';
import { type PaymentReceipt, receiptMessage } from './protocol.js';

function personalDigest(message: string): Uint8Array {
  const body = utf8ToBytes(message);
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${body.length}`);
  const buf = new Uint8Array(prefix.length + body.length);
  buf.set(prefix, 0);
  buf.set(body, prefix.length);
  return keccak_256(buf);
}

/** Sign a receipt as an EIP-191 personal message (verifiable with ethers `verifyMessage`). */
export function signReceipt(receipt: PaymentReceipt, privateKey: Hex): PaymentReceipt {
  const sig = secp256k1.sign(personalDigest(receiptMessage(receipt)), hexToBytes(privateKey.slice(2)), {
    lowS: true,
  });
  return { ...receipt, signature: `0x${sig.toCompactHex()}${(27 + sig.recovery).toString(16)}` };
}

/**
 * Check that a payment receipt was signed by `payee`.
 *
 * @example
 * import { verifyPaymentReceipt } from '@openledger/token';
 * declare const receipt: import('@openledger/token').PaymentReceipt;
 * verifyPaymentReceipt(receipt, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
 */
export function verifyPaymentReceipt(receipt: PaymentReceipt, payee: Hex | string): boolean {
  const sig = receipt.signature ? parseSignature(receipt.signature) : undefined;
  if (!sig) return false;
  const pub = recoverPublicKey(personalDigest(receiptMessage(receipt)), sig);
  return !!pub && addressOfPublicKey(pub) === payee.toLowerCase();
}

/** @internal Receipt check that reuses the payee's public key once known (no recovery per receipt). */
export function checkReceipt(receipt: PaymentReceipt, payee: string, knownKey?: Hex): Hex | undefined {
  const sig = receipt.signature ? parseSignature(receipt.signature) : undefined;
  if (!sig) return undefined;
  const digest = personalDigest(receiptMessage(receipt));
  if (knownKey) return verifyDigest(digest, sig, knownKey) ? knownKey : undefined;
  const pub = recoverPublicKey(digest, sig);
  if (!pub || addressOfPublicKey(pub) !== payee.toLowerCase()) return undefined;
  return `0x${bytesToHex(pub)}`;
}
