import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { createTiktokenTokenizer } from '../tokenizers/fixtures/tiktoken.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { findSpans } from './findSpans.js';
import { bruteSpans } from './fixtures/brute.js';

const WORDS = ['a', 'b', 'ab', 'ba', 'aab', 'the', 'whale'];
const SEPS = [' ', ' ', ' ', '. ', ', ', '\n'];
const text = (maxWords: number) =>
  fc
    .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPS)), {
      minLength: 1,
      maxLength: maxWords,
    })
    .map((ws) =>
      ws
        .map(([w, s]) => w + s)
        .join('')
        .trimEnd(),
    );

async function compare(
  tokenizer: Tokenizer,
  docTexts: string[],
  output: string,
  opts: { minSpanLength: number; maxFrequency: number; density: number },
  maxShardTokens?: number,
) {
  const docs = docTexts.map((t) => Array.from(tokenizer.encode(t)));
  const index = await buildSpanIndex(
    docs.map((tokens, i) => ({ id: `d${i}`, contributor: `c${i % 2}`, tokens })),
    { tokenizer, ...(maxShardTokens ? { maxShardTokens } : {}) },
  );
  const q = Array.from(tokenizer.encode(output));
  const got = await findSpans(index, q, { tokenizer, ...opts, maxDocumentsPerSpan: opts.maxFrequency });
  const want = bruteSpans(tokenizer, docs, q, opts);
  expect(got.map((s) => [s.tokenStart, s.tokenEnd, s.count])).toEqual(
    want.map((s) => [s.tokenStart, s.tokenEnd, s.count]),
  );
  got.forEach((s, k) => {
    expect(s.unigramLogProb).toBeCloseTo(want[k]!.unigramLogProb, 9);
    expect(s.occurrences.map((o) => [o.documentIndex, o.tokenOffset])).toEqual(
      want[k]!.occurrences.map((o) => [o.doc, o.offset]),
    );
  });
  return got;
}

describe('findSpans', () => {
  test('equals an O(L²) brute-force enumeration on random small cases (byte tokens)', async () => {
    const tokenizer = createByteTokenizer();
    let found = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(text(12), { minLength: 1, maxLength: 5 }),
        text(14),
        fc.record({
          minSpanLength: fc.integer({ min: 1, max: 4 }),
          maxFrequency: fc.integer({ min: 1, max: 12 }),
          density: fc.constantFrom(0.05, 0.2, 1),
        }),
        fc.boolean(),
        async (docs, output, opts, sharded) => {
          const longest = Math.max(...docs.map((d) => tokenizer.encode(d).length)) + 1;
          const got = await compare(
            tokenizer,
            docs,
            output,
            opts,
            sharded ? Math.max(longest, 40) : undefined,
          );
          found += got.length;
        },
      ),
      { numRuns: 120 },
    );
    // The generator must exercise matches, not just empty results.
    expect(found).toBeGreaterThan(100);
  });

  test('equals the brute force with a real GPT-2 tokenizer', async () => {
    const tokenizer = createTiktokenTokenizer('gpt2');
    await fc.assert(
      fc.asyncProperty(fc.array(text(20), { minLength: 1, maxLength: 4 }), text(20), async (docs, output) => {
        await compare(tokenizer, docs, output, { minSpanLength: 1, maxFrequency: 10, density: 1 });
      }),
      { numRuns: 60 },
    );
  });

  test('finds a verbatim sentence of an indexed document inside a longer output', async () => {
    const tokenizer = createTiktokenTokenizer('cl100k_base');
    const index = await buildSpanIndex(
      [
        {
          id: 'ch1',
          contributor: 'alice',
          text: 'There now is your insular city of the Manhattoes, belted round by wharves.',
        },
        { id: 'ch2', contributor: 'bob', text: 'Right and left, the streets take you waterward.' },
      ],
      { tokenizer },
    );
    expect(index.tokenWidth).toBe(4); // cl100k needs 32-bit token ids
    const spans = await findSpans(
      index,
      'We arrived. Your insular city of the Manhattoes, belted round by ships!',
      {
        tokenizer,
        density: 0.2,
      },
    );
    expect(spans.map((s) => s.text)).toEqual([' insular city of the Manhattoes, belted round by']);
    expect(spans[0]!.occurrences).toMatchObject([{ documentId: 'ch1', contributor: 'alice' }]);
  });

  test('drops spans more frequent than maxFrequency and keeps ⌈density·L⌉ rarest', async () => {
    const tokenizer = createByteTokenizer();
    const common = Array.from({ length: 12 }, (_, i) => ({
      id: `n${i}`,
      contributor: 'x',
      text: `common phrase ${i}`,
    }));
    const index = await buildSpanIndex([...common, { id: 'rare', contributor: 'y', text: 'zebra quagga' }], {
      tokenizer,
    });
    const out = 'common phrase zebra quagga';
    const all = await findSpans(index, out, { density: 1, maxFrequency: 100 });
    expect(all.map((s) => s.text)).toContain('common phrase');
    const rare = await findSpans(index, out, { density: 1 });
    expect(rare.map((s) => s.text)).toEqual(['zebra quagga']);
    const one = await findSpans(index, out, { density: 1 / out.length, maxFrequency: 100 });
    expect(one).toHaveLength(1);
  });

  test('samples K occurrences deterministically and spread over the matches', async () => {
    const tokenizer = createByteTokenizer();
    const docs = Array.from({ length: 40 }, (_, i) => ({
      id: `d${i}`,
      contributor: 'x',
      text: `id ${i} shared tail`,
    }));
    const index = await buildSpanIndex(docs, { tokenizer });
    const run = () =>
      findSpans(index, 'shared tail', { density: 1, maxFrequency: 100, maxDocumentsPerSpan: 5 });
    const [a, b] = [await run(), await run()];
    expect(a[0]!.count).toBe(40);
    expect(a[0]!.occurrences).toHaveLength(5);
    expect(a).toEqual(b);
    expect(new Set(a[0]!.occurrences.map((o) => o.documentId)).size).toBe(5);
  });

  test('rejects bad options with a typed error', async () => {
    const index = await buildSpanIndex([{ id: 'a', contributor: 'x', text: 'abc' }], {
      tokenizer: createByteTokenizer(),
    });
    await expect(findSpans(index, 'abc', { density: 0 })).rejects.toMatchObject({ code: 'SPAN_INDEX_USAGE' });
    await expect(findSpans(index, 'abc', { maxFrequency: 0.5 })).rejects.toMatchObject({
      code: 'SPAN_INDEX_USAGE',
    });
    const ac = new AbortController();
    ac.abort();
    await expect(findSpans(index, 'abc', { signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('findSpans evidence offsets', () => {
  test('character offsets of byte-token matches hold for any Unicode text', async () => {
    const tokenizer = createByteTokenizer();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        async (texts, pick) => {
          const index = await buildSpanIndex(
            texts.map((text, i) => ({ id: `d${i}`, contributor: 'x', text })),
            { tokenizer },
          );
          const source = texts[pick % texts.length]!;
          const spans = await findSpans(index, `«${source}»`, {
            tokenizer,
            minSpanLength: 1,
            maxFrequency: 50,
            density: 1,
          });
          for (const s of spans) {
            for (const o of s.occurrences) {
              const doc = texts[o.documentIndex]!;
              expect(doc.slice(o.charOffset, o.charOffset + s.text.length)).toBe(s.text);
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
