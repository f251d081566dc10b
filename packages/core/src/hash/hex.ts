import { ValidationError } from '../errors/errors.js';

/**
 * A `0x`-prefixed hex string.
 * @example
 * import type { Hex } from '@openledger/core';
 * const root: Hex = '0x01ff';
 */
export type Hex = `0x${string}`;

/**
 * Bytes-like input the hash functions accept: UTF-8 text, bytes, or an ArrayBuffer.
 * @example
 * import { keccak256, type BytesLike } from '@openledger/core';
 * const inputs: BytesLike[] = ['text', new Uint8Array([1, 2]), new ArrayBuffer(4)];
 * inputs.map((x) => keccak256(x));
 */
export type BytesLike = string | Uint8Array | ArrayBuffer;

const HEX_CHARS = '0123456789abcdef';

/**
 * Encode bytes as lowercase `0x` hex.
 *
 * @example
 * import { bytesToHex } from '@openledger/core';
 * bytesToHex(new Uint8Array([1, 255])); // '0x01ff'
 */
export function bytesToHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (const b of bytes) out += HEX_CHARS[b >> 4]! + HEX_CHARS[b & 15]!;
  return out as Hex;
}

/**
 * True when `value` is a `0x`-prefixed hex string of whole bytes (any case).
 *
 * @example
 * import { isHex } from '@openledger/core';
 * isHex('0x01ff'); // true
 */
export function isHex(value: unknown): value is Hex {
  return typeof value === 'string' && /^0x(?:[0-9a-fA-F]{2})*$/.test(value);
}

/**
 * Decode `0x` hex (any case, whole bytes) to bytes; throws `ValidationError` otherwise.
 *
 * @example
 * import { hexToBytes } from '@openledger/core';
 * hexToBytes('0x01ff'); // Uint8Array [1, 255]
 */
export function hexToBytes(hex: string): Uint8Array {
  if (!isHex(hex)) {
    throw new ValidationError(
      `Invalid hex ${JSON.stringify(String(hex).slice(0, 80))}: expected 0x and an even number of hex digits.`,
    );
  }
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/**
 * Bytes of a {@link BytesLike}: strings are UTF-8 encoded (never read as hex — pass
 * `hexToBytes(x)` for that), ArrayBuffers are viewed, Uint8Arrays pass through.
 *
 * @example
 * import { toBytes } from '@openledger/core';
 * toBytes('hé'); // Uint8Array [104, 195, 169]
 */
export function toBytes(value: BytesLike): Uint8Array {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    const v = value as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new ValidationError(`Expected a string, Uint8Array or ArrayBuffer, got ${typeof value}.`);
}

/**
 * Concatenate byte arrays.
 *
 * @example
 * import { concatBytes } from '@openledger/core';
 * concatBytes(new Uint8Array([1]), new Uint8Array([2])); // Uint8Array [1, 2]
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
