import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MemoryColumns } from './memory.js';
import { buildSample, narrowBySample, setSample } from './sample.js';
import { lowerBound, upperBound } from './search.js';

/** The suffix array by sorting the suffixes themselves (a proper prefix sorts first). */
function suffixArrayNaive(t: Uint16Array, n: number): Int32Array {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let k = 0; a + k < n && b + k < n; k++) if (t[a + k] !== t[b + k]) return t[a + k]! - t[b + k]!;
    return b - a;
  });
  return Int32Array.from(idx);
}

/** A shard's text: documents of small tokens, each ended by the separator `sep`. */
const shardText = fc
  .array(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 30 }), { minLength: 1, maxLength: 5 })
  .map((docs) => docs.flatMap((d) => [...d, 3]));

describe('narrowBySample', () => {
  test('property: sampled searches find the same rank and LCP as full ones, and the range holds the answer', () => {
    fc.assert(
      fc.property(
        shardText,
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (text, every, prefix, query, fromText) => {
          const tokens = Uint16Array.from(text);
          const n = tokens.length;
          const sa = suffixArrayNaive(tokens, n);
          // Queries are random, or taken from the text (so long matches and prefixes occur).
          let q = Uint32Array.from(query);
          if (fromText) {
            const at = query[0]! % n;
            q = Uint32Array.from([...tokens.subarray(at, at + query.length)].filter((t) => t !== 3));
            if (q.length === 0) q = Uint32Array.of(0);
          }
          const plain = new MemoryColumns(tokens, sa);
          const sampled = new MemoryColumns(tokens, sa);
          const sample = buildSample(tokens, sa, n, every, prefix);
          setSample(sampled, sample);
          for (let qs = 0; qs < q.length; qs++) {
            const ql = q.length - qs;
            expect(lowerBound(sampled, n, q, qs, ql)).toEqual(lowerBound(plain, n, q, qs, ql));
            expect(upperBound(sampled, n, q, qs, ql)).toBe(upperBound(plain, n, q, qs, ql));
            for (const strict of [true, false]) {
              const want = strict ? lowerBound(plain, n, q, qs, ql).rank : upperBound(plain, n, q, qs, ql);
              const r = narrowBySample(sample, n, q, qs, ql, strict);
              expect(r.lo).toBeLessThanOrEqual(want);
              expect(want).toBeLessThanOrEqual(r.hi);
              // The LCPs it hands on are exact: the search skips that many tokens unread.
              const lcp = (rank: number) => {
                let k = 0;
                while (k < ql && sa[rank]! + k < n && tokens[sa[rank]! + k] === q[qs + k]) k++;
                return k;
              };
              if (r.lo > 0) expect(r.llo).toBe(lcp(r.lo - 1));
              if (r.hi < n) expect(r.lhi).toBe(lcp(r.hi));
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a query within the prefix length leaves fewer than `every` ranks to search', () => {
    const text = Uint16Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 13 === 0 ? 3 : (i * i) % 3));
    text[text.length - 1] = 3;
    const sa = suffixArrayNaive(text, text.length);
    const sample = buildSample(text, sa, text.length, 64, 8);
    const q = Uint32Array.from(text.subarray(100, 105));
    for (const strict of [true, false]) {
      const { lo, hi } = narrowBySample(sample, text.length, q, 0, q.length, strict);
      expect(hi - lo).toBeLessThan(64);
    }
  });
});
