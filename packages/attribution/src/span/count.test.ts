import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { createTiktokenTokenizer } from '../tokenizers/fixtures/tiktoken.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { count } from './count.js';
import { scan } from './fixtures/brute.js';

const tokenDocs = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), {
  minLength: 1,
  maxLength: 6,
});

describe('count', () => {
  test('equals a brute-force scan for random n-grams, across shards', async () => {
    const tokenizer = { id: 'ids:4', vocabSize: 4, encode: () => [], decode: () => '' };
    await fc.assert(
      fc.asyncProperty(
        tokenDocs,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 2, max: 60 }),
        async (docs, q, maxShardTokens) => {
          const longest = Math.max(...docs.map((d) => d.length)) + 1;
          const index = await buildSpanIndex(
            docs.map((tokens, i) => ({ id: `d${i}`, contributor: 'c', tokens })),
            { tokenizer, maxShardTokens: Math.max(maxShardTokens, longest) },
          );
          expect(await count(index, q, { tokenizer })).toBe(scan(docs, q, 0, q.length).length);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('never counts a match across two documents', async () => {
    const index = await buildSpanIndex(
      [
        { id: 'a', contributor: 'x', text: 'white wh' },
        { id: 'b', contributor: 'y', text: 'ale' },
      ],
      { tokenizer: createByteTokenizer() },
    );
    expect(await count(index, 'whale')).toBe(0);
    expect(await count(index, 'wh')).toBe(2);
  });

  test('counts GPT-2 token n-grams of Moby-Dick text like a scan does', async () => {
    const tokenizer = createTiktokenTokenizer('gpt2');
    const text =
      'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.';
    const docs = [text, text.toUpperCase(), `${text} ${text}`].map((t) => Array.from(tokenizer.encode(t)));
    const index = await buildSpanIndex(
      docs.map((tokens, i) => ({ id: `d${i}`, contributor: 'c', tokens })),
      { tokenizer },
    );
    for (const phrase of [' little', ' the watery part', 'Call me', ' I', '—']) {
      const q = Array.from(tokenizer.encode(phrase));
      expect(await count(index, phrase, { tokenizer })).toBe(scan(docs, q, 0, q.length).length);
    }
  });

  test('rejects a text query on an index of another tokenizer', async () => {
    const index = await buildSpanIndex([{ id: 'a', contributor: 'x', text: 'hi' }], {
      tokenizer: createTiktokenTokenizer('gpt2'),
    });
    await expect(count(index, 'hi')).rejects.toMatchObject({ name: 'SpanIndexUsageError' });
    await expect(count(index, 'hi', { tokenizer: createByteTokenizer() })).rejects.toMatchObject({
      code: 'SPAN_INDEX_USAGE',
    });
    await expect(count(index, [1e9])).rejects.toMatchObject({ name: 'SpanIndexUsageError' });
  });
});
