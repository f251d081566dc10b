import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { type BytesLike, bytesToHex, type Hex, toBytes } from './hex.js';

/**
 * An incremental SHA-256: feed chunks with `update`, read the hash once with `digest`.
 * @example
 * import { createSha256, type Sha256Hasher } from '@openledger/core';
 * const h: Sha256Hasher = createSha256().update('a').update('b');
 * h.digest();
 */
export interface Sha256Hasher {
  update(chunk: BytesLike): Sha256Hasher;
  digest(): Hex;
  digest(to: 'bytes'): Uint8Array;
}

/**
 * An incremental SHA-256 (WebCrypto has none) for data that arrives in chunks, such as an
 * upload read from disk; memory use stays constant whatever the size.
 *
 * @example
 * import { createSha256 } from '@openledger/core';
 * const h = createSha256();
 * h.update('ab').update('c');
 * h.digest(); // same as await sha256('abc')
 */
export function createSha256(): Sha256Hasher {
  const h = nobleSha256.create();
  const hasher: Sha256Hasher = {
    update(chunk) {
      h.update(toBytes(chunk));
      return hasher;
    },
    digest(to?: 'bytes') {
      const d = h.digest();
      return (to === 'bytes' ? d : bytesToHex(d)) as Hex & Uint8Array;
    },
  };
  return hasher;
}
