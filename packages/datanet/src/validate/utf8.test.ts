import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findInvalidUtf8 } from './utf8.js';

const fatal = new TextDecoder('utf-8', { fatal: true });
const valid = (b: Uint8Array) => {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('findInvalidUtf8', () => {
  test('property: agrees with the WHATWG fatal decoder, and the offset is the longest valid prefix', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.string({ unit: 'binary' }).map((s) => {
            const b = new TextEncoder().encode(s);
            return b;
          }),
        ),
        (b) => {
          const at = findInvalidUtf8(b);
          expect(at === -1).toBe(valid(b));
          if (at >= 0) {
            expect(valid(b.subarray(0, at))).toBe(true);
            expect(valid(b.subarray(0, Math.min(at + 4, b.length)))).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('rejects overlongs, surrogates and code points past U+10FFFF', () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
    ])
      expect(findInvalidUtf8(new Uint8Array([0x41, ...bad]))).toBe(1);
  });
});
