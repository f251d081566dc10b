import { ValidationError } from '../errors/errors.js';
import { hexToBytes, isHex, toBytes } from '../hash/hex.js';

/**
 * ABI types this encoder handles: the static elementary types (`address`, `bool`,
 * `uint<N>`, `int<N>`, `bytes<N>`) and the dynamic `bytes` and `string` — what Merkle leaves
 * and signed payloads use. Arrays and tuples are not supported (use viem for those).
 * @example
 * import type { AbiParameterType } from '@openledger/core';
 * const leaf: AbiParameterType[] = ['address', 'uint256'];
 */
export type AbiParameterType = string;

const WORD = 32;

/**
 * `abi.encode(values…)` for the elementary types Merkle leaves use, without pulling in a
 * full ABI library. Integers take `bigint`, safe-integer `number` or decimal string; `bytesN`
 * and `bytes` take `0x` hex or a Uint8Array; `address` takes 20-byte hex.
 *
 * @example
 * import { encodeAbiParameters } from '@openledger/core';
 * encodeAbiParameters(['address', 'uint256'], ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 10n ** 18n]);
 */
export function encodeAbiParameters(
  types: readonly AbiParameterType[],
  values: readonly unknown[],
): Uint8Array {
  if (types.length !== values.length) {
    throw new ValidationError(`ABI encoding needs ${types.length} values, got ${values.length}.`);
  }
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let tailOffset = types.length * WORD;
  types.forEach((type, i) => {
    const value = values[i];
    if (type === 'bytes' || type === 'string') {
      const data = type === 'string' ? stringBytes(value, i) : dynamicBytes(value, i);
      heads.push(uintWord(BigInt(tailOffset)));
      const padded = new Uint8Array(WORD + Math.ceil(data.length / WORD) * WORD);
      padded.set(uintWord(BigInt(data.length)), 0);
      padded.set(data, WORD);
      tails.push(padded);
      tailOffset += padded.length;
    } else {
      heads.push(encodeStatic(type, value, i));
    }
  });
  const out = new Uint8Array(tailOffset);
  let o = 0;
  for (const part of [...heads, ...tails]) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function encodeStatic(type: string, value: unknown, i: number): Uint8Array {
  if (type === 'address') {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value))
      bad(i, type, value, 'expected 0x and 40 hex digits');
    const w = new Uint8Array(WORD);
    w.set(hexToBytes(value), 12);
    return w;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') bad(i, type, value, 'expected true or false');
    return uintWord(value ? 1n : 0n);
  }
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    const bits = int[2] === '' ? 256 : Number(int[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) unsupported(type, i);
    const n = toBigInt(value, i, type);
    const signed = int[1] === '';
    const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (n < min || n > max) bad(i, type, value, `out of range for ${type}`);
    // Two's complement over the whole word, as the EVM sign-extends.
    return uintWord(n < 0n ? (1n << 256n) + n : n);
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const size = Number(fixed[1]);
    if (size < 1 || size > 32) unsupported(type, i);
    const data = dynamicBytes(value, i);
    if (data.length !== size) bad(i, type, value, `expected exactly ${size} bytes, got ${data.length}`);
    const w = new Uint8Array(WORD);
    w.set(data, 0);
    return w;
  }
  return unsupported(type, i);
}

function uintWord(n: bigint): Uint8Array {
  const w = new Uint8Array(WORD);
  for (let j = WORD - 1; j >= 0 && n > 0n; j--) {
    w[j] = Number(n & 0xffn);
    n >>= 8n;
  }
  return w;
}

function toBigInt(value: unknown, i: number, type: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) bad(i, type, value, 'a number must be a safe integer; pass a bigint');
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d{1,80}$/.test(value)) return BigInt(value);
  return bad(i, type, value, 'expected a bigint, safe integer or decimal string');
}

function dynamicBytes(value: unknown, i: number): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string' && isHex(value)) return hexToBytes(value);
  return bad(i, 'bytes', value, 'expected 0x hex (whole bytes) or a Uint8Array');
}

function stringBytes(value: unknown, i: number): Uint8Array {
  if (typeof value !== 'string') bad(i, 'string', value, 'expected a string');
  return toBytes(value);
}

function bad(i: number, type: string, value: unknown, why: string): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.slice(0, 80))
      : typeof value === 'bigint'
        ? `${value}n`
        : String(value);
  throw new ValidationError(`Cannot ABI-encode ${shown} as ${type} (value ${i}): ${why}.`, {
    issues: [{ path: [i], message: why, code: 'invalid_abi_value' }],
  });
}

function unsupported(type: string, i: number): never {
  throw new ValidationError(`Unsupported ABI type "${type}" (value ${i}).`, {
    issues: [{ path: [i], message: `unsupported type ${type}`, code: 'unsupported_abi_type' }],
  });
}
