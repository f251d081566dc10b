import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findInvalidUtf8, StrictUtf8Stream } from './utf8.js';

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

describe('StrictUtf8Stream', () => {
  test('property: any chunking gives the whole-buffer text, or the offset findInvalidUtf8 gives', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc
        .tuple(
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          fc.boolean(),
        )
        .map(([s, at, bad, cut]) => {
          let b = new TextEncoder().encode(s);
          if (b.length > 0) {
            b[at % b.length] = bad;
            if (cut) b = b.subarray(0, (at % b.length) + 1);
          }
          return b;
        }),
    );
    fc.assert(
      fc.property(
        bytes,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (b, sizes) => {
          const stream = new StrictUtf8Stream();
          let text = '';
          let failed: number | undefined;
          for (let o = 0, k = 0; o < b.length && failed === undefined; k++) {
            const n = sizes[k % sizes.length]!;
            const got = stream.push(b.subarray(o, o + n));
            if (typeof got === 'number') failed = got;
            else text += got;
            o += n;
          }
          if (failed === undefined) {
            const rest = stream.end();
            if (typeof rest === 'number') failed = rest;
            else text += rest;
          }
          const want = findInvalidUtf8(b);
          if (want < 0) {
            expect(failed).toBeUndefined();
            expect(text).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b));
          } else expect(failed).toBe(want);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
