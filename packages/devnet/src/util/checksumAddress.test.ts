import fc from 'fast-check';
import { getAddress } from 'viem';
import { expect, test } from 'vitest';
import { toChecksumAddress } from './checksumAddress.js';

test('EIP-55 checksums agree with viem on random addresses', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.boolean(), (bytes, upper) => {
      const hex = Buffer.from(bytes).toString('hex');
      const input = `0x${upper ? hex.toUpperCase() : hex}`;
      expect(toChecksumAddress(input)).toBe(getAddress(`0x${hex}`));
    }),
    { numRuns: 300 },
  );
  expect(() => toChecksumAddress('0x1234')).toThrow(TypeError);
});
