import { type BytesLike, bytesToHex, type Hex, toBytes } from './hex.js';

/**
 * SHA-256 with WebCrypto (`crypto.subtle`, native in browsers and Node ≥ 20), so large
 * inputs hash at native speed off the JS thread. Strings are hashed as UTF-8.
 *
 * @example
 * import { sha256 } from '@openledger/core';
 * await sha256('abc'); // '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export async function sha256(data: BytesLike): Promise<Hex>;
export async function sha256(data: BytesLike, to: 'hex'): Promise<Hex>;
export async function sha256(data: BytesLike, to: 'bytes'): Promise<Uint8Array>;
export async function sha256(data: BytesLike, to: 'hex' | 'bytes' = 'hex'): Promise<Hex | Uint8Array> {
  const digest = new Uint8Array(
    await globalThis.crypto.subtle.digest('SHA-256', toBytes(data) as Uint8Array<ArrayBuffer>),
  );
  return to === 'bytes' ? digest : bytesToHex(digest);
}
