import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor, parseLimit, requestHash } from './service.js';

describe('list cursors and limits', () => {
  test('a cursor round-trips any sequence number', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 49 }), (seq) => {
        expect(decodeCursor(encodeCursor(seq))).toBe(seq);
      }),
    );
  });

  test('hostile cursors are refused with a 400, never thrown as something else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (s) => {
        try {
          const v = decodeCursor(s);
          expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        } catch (e) {
          expect(e).toMatchObject({ name: 'ApiError', status: 400, code: 'INVALID_REQUEST' });
        }
      }),
    );
    expect(decodeCursor(undefined)).toBe(0);
  });

  test('limits outside 1..200 are refused', () => {
    expect(parseLimit(undefined)).toBe(50);
    expect(parseLimit('200')).toBe(200);
    for (const bad of ['0', '201', '-1', '1.5', 'x']) expect(() => parseLimit(bad)).toThrow(/limit/);
  });
});

describe('requestHash', () => {
  test('is stable for equal requests and differs for different ones', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(requestHash([a])).toBe(requestHash([structuredClone(a)]));
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(requestHash([a])).not.toBe(requestHash([b]));
      }),
      { numRuns: 100 },
    );
  });
});
