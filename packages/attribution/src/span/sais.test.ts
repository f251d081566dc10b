import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SuffixArrayTuning, suffixArray } from './sais.js';

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

type TextConstructor =
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor;

/** The paths large or adversarial inputs take, forced on small ones. */
const TUNINGS: [string, SuffixArrayTuning | undefined][] = [
  ['default', undefined],
  ['names by comparison', { compareNames: true }],
  ['no bucket budget (shared count/bucket array)', { bucketBudget: 0 }],
  ['both', { compareNames: true, bucketBudget: 0 }],
];

function sais(
  t: number[],
  k: number,
  Text: TextConstructor = Uint16Array,
  tuning?: SuffixArrayTuning,
): number[] {
  const sa = new Int32Array(t.length);
  suffixArray(Text.from(t), sa, t.length, k, tuning);
  return Array.from(sa);
}

/** Every tuning and every text type that can hold the alphabet give the naive order. */
function expectSorted(t: number[], k: number): void {
  const want = naiveSuffixArray(t);
  const types: TextConstructor[] = [Uint16Array, Uint32Array, Int32Array];
  if (k <= 256) types.push(Uint8Array);
  for (const Text of types) {
    for (const [name, tuning] of TUNINGS) {
      expect(sais(t, k, Text, tuning), `${Text.name}, ${name}`).toEqual(want);
    }
  }
}

/** Permutation with every adjacent pair in order: the check for texts too long to sort naively. */
function expectOrdered(t: ArrayLike<number>, sa: Int32Array): void {
  const n = t.length;
  expect(new Set(sa).size).toBe(n);
  let unordered = 0;
  for (let r = 1; r < n; r++) {
    const a = sa[r - 1]!;
    const b = sa[r]!;
    let d = 0;
    while (a + d < n && b + d < n && t[a + d] === t[b + d]) d++;
    if (!(a + d === n || (b + d < n && t[a + d]! < t[b + d]!))) unordered++;
  }
  expect(unordered).toBe(0);
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
        ([k, t]) => expectSorted(t, k),
      ),
      { numRuns: 300 },
    );
  });

  test('equals a naive sort on a text of one repeated symbol', () => {
    for (const n of [1, 2, 3, 7, 64, 1000]) {
      expectSorted(new Array<number>(n).fill(3), 4);
    }
  });

  test('equals a naive sort on Fibonacci words (deep recursion)', () => {
    for (const n of [2, 5, 13, 100, 987, 2000]) {
      expectSorted(fibonacciWord(n), 2);
    }
  });

  test('equals a naive sort on periodic texts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
        (period, reps, tail) => {
          expectSorted([...Array.from({ length: reps }, () => period).flat(), ...tail], 4);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('equals a naive sort at the maximum alphabets of 16- and 32-bit texts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xfff0, max: 0xffff }), { maxLength: 200 }), (t) => {
        expectSorted(t, 0x10000);
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 200 }), (t) => {
        for (const Text of [Uint32Array, Int32Array]) {
          for (const [, tuning] of TUNINGS) {
            expect(sais(t, 200_001, Text, tuning)).toEqual(naiveSuffixArray(t));
          }
        }
      }),
      { numRuns: 30 },
    );
    // Symbols at the top of the 32-bit range (a vocabulary near 2^32) are ranked densely first.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xfffffff0, max: 0xfffffffe }), { maxLength: 200 }), (t) => {
        expect(sais(t, 0xffffffff, Uint32Array)).toEqual(naiveSuffixArray(t));
      }),
      { numRuns: 30 },
    );
  });

  test('is a permutation on a larger random text with many repeats', () => {
    const n = 20_000;
    const t = Array.from({ length: n }, (_, i) => (((i * 7919) % 13) % 5) + (i % 200 === 0 ? 1 : 0));
    for (const [, tuning] of TUNINGS) {
      const sa = new Int32Array(n);
      suffixArray(Uint16Array.from(t), sa, n, 6, tuning);
      expectOrdered(t, sa);
    }
  });

  test('sorts wide texts that use at most 256 symbols through a byte copy, order kept', () => {
    // Bytes plus a separator above them (the byte tokenizer's index), and a sparse wide alphabet.
    const n = 30_000;
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    const bytes = Array.from({ length: n }, (_, i) => (i % 97 === 96 ? 256 : 97 + (rnd() % 4)));
    const sparse = Array.from({ length: n }, () => (rnd() % 200) * 300);
    for (const [t, k] of [
      [bytes, 257],
      [sparse, 60_000],
    ] as const) {
      for (const Text of [Uint16Array, Uint32Array, Int32Array]) {
        const sa = new Int32Array(n);
        suffixArray(Text.from(t), sa, n, k);
        expectOrdered(t, sa);
      }
    }
  });
});
