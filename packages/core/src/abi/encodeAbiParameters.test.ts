import fc from 'fast-check';
import { encodeAbiParameters as viemEncode } from 'viem';
import { describe, expect, test } from 'vitest';
import { isValidationError } from '../errors/guards.js';
import { bytesToHex } from '../hash/hex.js';
import { encodeAbiParameters } from './encodeAbiParameters.js';

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);
const address = hexOf(20);

/** One random (type, value) pair of every supported kind. */
const param = fc.oneof(
  address.map((v) => ['address', v] as const),
  fc.boolean().map((v) => ['bool', v] as const),
  fc
    .integer({ min: 1, max: 32 })
    .chain((k) =>
      fc.bigInt({ min: 0n, max: (1n << BigInt(8 * k)) - 1n }).map((v) => [`uint${8 * k}`, v] as const),
    ),
  fc
    .integer({ min: 1, max: 32 })
    .chain((k) =>
      fc
        .bigInt({ min: -(1n << BigInt(8 * k - 1)), max: (1n << BigInt(8 * k - 1)) - 1n })
        .map((v) => [`int${8 * k}`, v] as const),
    ),
  fc.integer({ min: 1, max: 32 }).chain((k) => hexOf(k).map((v) => [`bytes${k}`, v] as const)),
  fc.uint8Array({ maxLength: 100 }).map((v) => ['bytes', bytesToHex(v)] as const),
  fc.string({ unit: 'binary', maxLength: 40 }).map((v) => ['string', v] as const),
);

describe('encodeAbiParameters', () => {
  test('agrees with viem on random mixes of every supported type', () => {
    fc.assert(
      fc.property(fc.array(param, { minLength: 1, maxLength: 6 }), (pairs) => {
        const types = pairs.map((p) => p[0]);
        const values = pairs.map((p) => p[1]);
        const ours = bytesToHex(encodeAbiParameters(types, values));
        const theirs = viemEncode(
          types.map((type) => ({ type })),
          values,
        );
        expect(ours).toBe(theirs);
      }),
      { numRuns: 300 },
    );
  });

  test('accepts numbers and decimal strings for integers', () => {
    const a = bytesToHex(encodeAbiParameters(['uint256', 'int8'], [5, '-3']));
    expect(a).toBe(viemEncode([{ type: 'uint256' }, { type: 'int8' }], [5n, -3]));
  });

  test.each([
    [['uint8'], [256n], 'out of range'],
    [['int8'], [-129n], 'out of range'],
    [['uint256'], [-1n], 'out of range'],
    [['uint256'], [1.5], 'safe integer'],
    [['uint256'], ['1e3'], 'decimal string'],
    [['address'], ['0x1234'], '40 hex digits'],
    [['bytes32'], ['0x12'], 'exactly 32 bytes'],
    [['bool'], [1], 'true or false'],
    [['uint7'], [1n], 'Unsupported'],
    [['uint256[]'], [[1n]], 'Unsupported'],
    [['uint256', 'uint256'], [1n], 'needs 2 values'],
  ])('rejects types %s with values %s (%s)', (types, values, message) => {
    let err: unknown;
    try {
      encodeAbiParameters(types, values);
    } catch (e) {
      err = e;
    }
    expect(isValidationError(err)).toBe(true);
    expect((err as Error).message).toContain(message);
  });
});
