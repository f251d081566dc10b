import { keccak_256 } from '@noble/hashes/sha3';
import { encodeAbiParameters } from '../abi/encodeAbiParameters.js';
import { ValidationError } from '../errors/errors.js';
import { bytesToHex, type Hex, hexToBytes, isHex } from '../hash/hex.js';

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Node hash of OpenZeppelin's MerkleProof: keccak256 of the two children, smaller first. */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  if (compareBytes(a, b) <= 0) {
    buf.set(a, 0);
    buf.set(b, 32);
  } else {
    buf.set(b, 0);
    buf.set(a, 32);
  }
  return keccak_256(buf);
}

/** StandardMerkleTree leaf: keccak256(bytes.concat(keccak256(abi.encode(values)))). */
export function standardLeaf(leafEncoding: readonly string[], value: unknown, where: string): Uint8Array {
  if (!Array.isArray(value)) {
    throw new ValidationError(
      `${where} must be an array of ${leafEncoding.length} values (${leafEncoding.join(', ')}).`,
    );
  }
  return keccak_256(keccak_256(encodeAbiParameters(leafEncoding, value)));
}

/** A 32-byte node given as hex or bytes; anything else is misuse. */
export function node32(value: unknown, where: string): Uint8Array {
  const bytes = value instanceof Uint8Array ? value : isHex(value) ? hexToBytes(value) : undefined;
  if (bytes?.length !== 32) {
    throw new ValidationError(`${where} must be 32 bytes (0x + 64 hex digits or a Uint8Array).`);
  }
  return bytes;
}

export function leafOf(
  leafEncoding: readonly string[] | undefined,
  value: unknown,
  where: string,
): Uint8Array {
  return leafEncoding ? standardLeaf(leafEncoding, value, where) : node32(value, where);
}

export { bytesToHex, type Hex };
