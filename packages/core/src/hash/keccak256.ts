import { keccak_256 } from '@noble/hashes/sha3';
import { type BytesLike, bytesToHex, type Hex, toBytes } from './hex.js';

/**
 * Keccak-256 (Ethereum's hash, not NIST SHA3-256), via the audited `@noble/hashes`.
 * Strings are hashed as UTF-8; pass `hexToBytes(x)` to hash hex data.
 *
 * @example
 * import { keccak256 } from '@openledger/core';
 * keccak256(''); // '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
 */
export function keccak256(data: BytesLike): Hex;
export function keccak256(data: BytesLike, to: 'hex'): Hex;
export function keccak256(data: BytesLike, to: 'bytes'): Uint8Array;
export function keccak256(data: BytesLike, to: 'hex' | 'bytes' = 'hex'): Hex | Uint8Array {
  const digest = keccak_256(toBytes(data));
  return to === 'bytes' ? digest : bytesToHex(digest);
}
