import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { suffixArray } from './sais.js';

/** Reference: sort suffix start positions with a plain lexicographic comparison. */
function naiveSuffixArray(t: ArrayLike<number>): number[] {
  const n = t.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  return idx.sort((a, b) => {
    for (let d = 0; ; d++) {
      if (a + d >= n) return -1;
      if (b + d >= n) return 1;
      const x = t[a + d]!;
      const y = t[b + d]!;
      if (x !== y) return x - y;
    }
  });
}

function sais(
  t: number[],
  k: number,
  Text: Uint16ArrayConstructor | Uint32ArrayConstructor = Uint16Array,
): number[] {
  const sa = new Int32Array(t.length);
  suffixArray(Text.from(t), sa, t.length, k);
  return Array.from(sa);
}

function fibonacciWord(n: number): number[] {
  let a = [0];
  let b = [0, 1];
  while (b.length < n) [a, b] = [b, [...b, ...a]];
  return b.slice(0, n);
}

describe('suffixArray (SA-IS)', () => {
  test('equals a naive sort on random texts over small and large alphabets', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((k) =>
            fc.tuple(fc.constant(k), fc.array(fc.integer({ min: 0, max: k - 1 }), { maxLength: 300 })),
          ),
        ([k, t]) => {
          expect(sais(t, k)).toEqual(naiveSuffixArray(t));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('equals a naive sort on a text of one repeated symbol', () => {
    for (const n of [1, 2, 3, 7, 64, 1000]) {
      const t = new Array<number>(n).fill(3);
      expect(sais(t, 4)).toEqual(naiveSuffixArray(t));
    }
  });

  test('equals a naive sort on Fibonacci words (deep recursion)', () => {
    for (const n of [2, 5, 13, 100, 987, 2000]) {
      const t = fibonacciWord(n);
      expect(sais(t, 2)).toEqual(naiveSuffixArray(t));
    }
  });

  test('equals a naive sort on periodic texts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
        (period, reps, tail) => {
          const t = [...Array.from({ length: reps }, () => period).flat(), ...tail];
          expect(sais(t, 4)).toEqual(naiveSuffixArray(t));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('equals a naive sort at the maximum alphabets of 16- and 32-bit texts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xfff0, max: 0xffff }), { maxLength: 200 }), (t) => {
        expect(sais(t, 0x10000)).toEqual(naiveSuffixArray(t));
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 200 }), (t) => {
        expect(sais(t, 200_001, Uint32Array)).toEqual(naiveSuffixArray(t));
      }),
      { numRuns: 30 },
    );
  });

  test('is a permutation on a larger random text with many repeats', () => {
    const n = 20_000;
    const t = Array.from({ length: n }, (_, i) => (((i * 7919) % 13) % 5) + (i % 200 === 0 ? 1 : 0));
    const sa = sais(t, 6);
    expect(new Set(sa).size).toBe(n);
    // Adjacent suffixes are in order (a full naive sort would be slow here).
    let unordered = 0;
    for (let r = 1; r < n; r++) {
      const a = sa[r - 1]!;
      const b = sa[r]!;
      let d = 0;
      while (a + d < n && b + d < n && t[a + d] === t[b + d]) d++;
      if (!(a + d === n || (b + d < n && t[a + d]! < t[b + d]!))) unordered++;
    }
    expect(unordered).toBe(0);
  });
});
