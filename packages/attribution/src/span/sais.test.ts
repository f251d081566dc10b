import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SaisText, type SuffixArrayTuning, suffixArray } from './sais.js';
import { prepareSaisWasm, suffixArrayWasm, WasmTokenBuffer } from './saisWasm.js';

const wasmReady = await prepareSaisWasm();

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
  // Passes cut into many calls: the state carried from one call to the next.
  ['small chunks', { chunk: 7 }],
  ['small chunks, names by comparison, no bucket budget', { chunk: 5, compareNames: true, bucketBudget: 0 }],
];

type Sorter = (text: SaisText, n: number, k: number) => Int32Array;

/** The JavaScript sorter and the WebAssembly one, each under every tuning. */
const SORTERS: [string, Sorter][] = TUNINGS.flatMap(([name, tuning]): [string, Sorter][] => [
  [
    `JavaScript, ${name}`,
    (text, n, k) => {
      const sa = new Int32Array(n);
      suffixArray(text, sa, n, k, tuning);
      return sa;
    },
  ],
  [
    `WebAssembly, ${name}`,
    (text, n, k) => {
      const out = suffixArrayWasm(text, n, k, tuning);
      if (n < 2) return out?.sa ?? Int32Array.from({ length: n }, () => 0);
      if (!out) throw new Error('WebAssembly sorter unavailable');
      expect(Array.from(out.text.subarray(0, n))).toEqual(Array.from(text.subarray(0, n)));
      return out.sa;
    },
  ],
]);

function sais(
  t: number[],
  k: number,
  Text: TextConstructor = Uint16Array,
  sorter = SORTERS[0]![1],
): number[] {
  return Array.from(sorter(Text.from(t), t.length, k));
}

/** Every sorter and every text type that can hold the alphabet give the naive order. */
function expectSorted(t: number[], k: number): void {
  const want = naiveSuffixArray(t);
  const types: TextConstructor[] = [Uint16Array, Uint32Array, Int32Array];
  if (k <= 256) types.push(Uint8Array);
  for (const Text of types) {
    for (const [name, sorter] of SORTERS) {
      expect(sais(t, k, Text, sorter), `${Text.name}, ${name}`).toEqual(want);
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

/** A reproducible pseudo-random stream: the successive states of a 32-bit linear congruential generator. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
}

function fibonacciWord(n: number): number[] {
  let a = [0];
  let b = [0, 1];
  while (b.length < n) [a, b] = [b, [...b, ...a]];
  return b.slice(0, n);
}

describe('suffixArray (SA-IS) and suffixArrayWasm', () => {
  test('the WebAssembly module compiles here', () => {
    expect(wasmReady).toBe(true);
  });

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
          for (const [, sorter] of SORTERS) {
            expect(sais(t, 200_001, Text, sorter)).toEqual(naiveSuffixArray(t));
          }
        }
      }),
      { numRuns: 30 },
    );
    // Symbols at the top of the 32-bit range (a vocabulary near 2^32) are ranked densely first;
    // the WebAssembly sorter leaves such texts to the JavaScript one.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0xfffffff0, max: 0xfffffffe }), { maxLength: 200 }), (t) => {
        expect(sais(t, 0xffffffff, Uint32Array)).toEqual(naiveSuffixArray(t));
        expect(suffixArrayWasm(Uint32Array.from(t), t.length, 0xffffffff)).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  test('orders texts that span several read-ahead blocks and calls, at every width', () => {
    // The WebAssembly loops run in calls over [lo, hi) and read ahead in blocks of 1024 entries
    // inside each: block ends, partial blocks, calls that start mid-array and the recursion's
    // 32-bit levels must all leave the order intact. Lengths are around multiples of 1024.
    fc.assert(
      fc.property(
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(undefined, 1, 700, 1024, 1500),
        (delta, blocks, k, seed, chunk) => {
          const n = 1024 * blocks + delta;
          const next = lcg(seed);
          const t = Array.from({ length: n }, (_, i) => {
            const s = next();
            // Mostly periodic with random breaks: deep recursion, many equal LMS substrings.
            return s >>> 28 === 0 ? (s >>> 8) % k : i % Math.max(2, k - 1);
          });
          for (const Text of [Uint8Array, Uint16Array, Uint32Array]) {
            for (const compareNames of [false, true]) {
              const out = suffixArrayWasm(Text.from(t), n, k, { chunk, compareNames });
              expect(out).not.toBeNull();
              expectOrdered(t, out!.sa);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('is a permutation on a larger random text with many repeats', () => {
    const n = 20_000;
    const t = Array.from({ length: n }, (_, i) => (((i * 7919) % 13) % 5) + (i % 200 === 0 ? 1 : 0));
    for (const [, sorter] of SORTERS) expectOrdered(t, sorter(Uint16Array.from(t), n, 6));
  });

  test('the WebAssembly sorter hands back the text and suffix array as views of one memory', () => {
    // Bytes plus a separator (sorted through a byte copy), and more than 256 distinct symbols.
    const t = Uint16Array.from({ length: 5000 }, (_, i) => (i % 50 === 49 ? 256 : 97 + ((i * 7) % 26)));
    const wide = Uint16Array.from(t, (c, i) => (c === 256 ? 999 : (i * 7919) % 900));
    for (const [text, k] of [
      [t, 257],
      [wide, 1000],
    ] as const) {
      const out = suffixArrayWasm(text, text.length, k)!;
      expect(out.text).toBeInstanceOf(Uint16Array);
      expect(out.text.buffer).toBe(out.sa.buffer);
      expect(Array.from(out.text)).toEqual(Array.from(text));
      expectOrdered(text, out.sa);
    }
  });

  test('a WebAssembly token buffer grows in place and sorts its tokens where they are', () => {
    const buffer = WasmTokenBuffer.create(Uint16Array, 4)!;
    const n = 200_000;
    let tokens = buffer.reserve(16)!;
    const next = lcg(1);
    for (let i = 0; i < n; i++) {
      if (i >= tokens.length) tokens = buffer.reserve(i + 1)!;
      const seed = next();
      tokens[i] = i % 1000 === 999 ? 300 : 97 + ((seed >>> 16) % 23);
    }
    const out = buffer.sort(n, 301)!;
    expect(out.text.buffer).toBe(buffer.memory.buffer);
    expectOrdered(out.text, out.sa);
  });

  test("sortAsync sorts in slices: the event loop turns between them, progress rises to 1, the result is sort()'s", async () => {
    const n = 120_000;
    const next = lcg(11);
    // Bytes plus a separator (narrowed to bytes for the sort), and a wide alphabet.
    const bytes = Uint16Array.from({ length: n }, (_, i) =>
      i % 400 === 399 ? 256 : 97 + ((next() >>> 16) % 5),
    );
    const wide = Uint16Array.from({ length: n }, () => (next() >>> 16) % 3000);
    for (const [text, k] of [
      [bytes, 257],
      [wide, 3000],
    ] as const) {
      const load = () => {
        const buffer = WasmTokenBuffer.create(Uint16Array, n)!;
        buffer.reserve(n)!.set(text);
        return buffer;
      };
      const syncCounts = new Float64Array(k);
      const sync = load().sort(n, k, undefined, syncCounts)!;
      const fractions: number[] = [];
      let turned = false;
      let turnedDuring = false;
      const tick = setInterval(() => {
        turned = true;
      }, 1);
      const counts = new Float64Array(k);
      try {
        const out = await load().sortAsync(n, k, {
          counts,
          // Every chunk of 1024 entries a slice of its own.
          tuning: { chunk: 1024 },
          sliceMs: 0,
          onProgress: (f) => {
            fractions.push(f);
            if (f < 1) turnedDuring ||= turned;
          },
        });
        expect(Array.from(out!.sa)).toEqual(Array.from(sync.sa));
        expect(Array.from(out!.text)).toEqual(Array.from(text));
      } finally {
        clearInterval(tick);
      }
      expect(Array.from(counts)).toEqual(Array.from(syncCounts));
      // A timer fired while the sort was still going: the loop turned in between slices.
      expect(turnedDuring).toBe(true);
      expect(fractions.length).toBeGreaterThan(50);
      expect(fractions.at(-1)).toBe(1);
      for (let i = 1; i < fractions.length; i++)
        expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
      expect(fractions.at(-2)!).toBeGreaterThan(0.5);
    }
  });

  test('sortAsync, pausing after every chunk, equals the naive sort under every tuning', async () => {
    const texts: [string, number[], number][] = [
      ['Fibonacci word', fibonacciWord(3000), 2],
      ['periodic', Array.from({ length: 3000 }, (_, i) => [2, 0, 1, 0][i % 4]!), 3],
      ['random, wide', Array.from({ length: 3000 }, (_, i) => (i * 7919 + ((i * i) % 13)) % 1500), 1500],
    ];
    for (const [name, t, k] of texts) {
      const expected = naiveSuffixArray(t);
      for (const [tuningName, tuning] of TUNINGS) {
        const buffer = WasmTokenBuffer.create(Uint16Array, t.length)!;
        buffer.reserve(t.length)!.set(t);
        let pauses = 0;
        const out = await buffer.sortAsync(t.length, k, {
          tuning: { ...tuning, chunk: 64 },
          sliceMs: 0,
          onProgress: () => pauses++,
        });
        expect(pauses, `${name}, ${tuningName}`).toBeGreaterThan(20);
        expect(Array.from(out!.sa), `${name}, ${tuningName}`).toEqual(expected);
      }
    }
  });

  test('sortAsync stops with an AbortError when its signal fires, and leaves the tokens as they were', async () => {
    const n = 100_000;
    const next = lcg(5);
    // Narrowed to bytes for the sort: stopping must restore the 16-bit tokens.
    const text = Uint16Array.from({ length: n }, (_, i) =>
      i % 300 === 299 ? 256 : 97 + ((next() >>> 16) % 3),
    );
    const buffer = WasmTokenBuffer.create(Uint16Array, n)!;
    buffer.reserve(n)!.set(text);
    const ac = new AbortController();
    let last = 0;
    const stopped = buffer.sortAsync(n, 257, {
      signal: ac.signal,
      tuning: { chunk: 1024 },
      sliceMs: 0,
      onProgress: (f) => {
        last = f;
        // Well into the sort (past counting and narrowing, about a seventh of its work).
        if (f > 0.3) ac.abort(new Error('enough'));
      },
    });
    await expect(stopped).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect(last).toBeGreaterThan(0.3);
    expect(last).toBeLessThan(0.9);
    expect(Array.from(buffer.reserve(n)!.subarray(0, n))).toEqual(Array.from(text));
    // An aborted signal stops it before any work.
    await expect(buffer.sortAsync(n, 257, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    // And the buffer still sorts.
    expectOrdered(text, buffer.sort(n, 257)!.sa);
  });

  test('sorts wide texts that use at most 256 symbols through a byte copy, order kept', () => {
    // Bytes plus a separator above them (the byte tokenizer's index), and a sparse wide alphabet.
    const n = 30_000;
    const next = lcg(7);
    const rnd = () => next() >>> 8;
    const bytes = Array.from({ length: n }, (_, i) => (i % 97 === 96 ? 256 : 97 + (rnd() % 4)));
    const sparse = Array.from({ length: n }, () => (rnd() % 200) * 300);
    for (const [t, k] of [
      [bytes, 257],
      [sparse, 60_000],
    ] as const) {
      for (const Text of [Uint16Array, Uint32Array, Int32Array]) {
        for (const [, sorter] of SORTERS.slice(0, 2)) expectOrdered(t, sorter(Text.from(t), n, k));
      }
    }
  });
});
