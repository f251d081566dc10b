import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { attributeOutput } from './attributeOutput.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { count } from './count.js';
import { loadSpanIndex } from './loadSpanIndex.js';
import { serializeSpanIndex } from './serializeSpanIndex.js';
import type { SpanIndex } from './types.js';

const tokenizer = createByteTokenizer();
const good = serializeSpanIndex(
  await buildSpanIndex(
    [
      { id: 'a', contributor: 'x', text: 'the quick brown fox jumps over the lazy dog' },
      { id: 'b', contributor: 'y', text: 'pack my box with five dozen liquor jugs' },
      { id: 'c', contributor: 'x', text: 'the five boxing wizards jump quickly' },
    ],
    { tokenizer, maxShardTokens: 60 },
  ),
);
const OUTPUT = 'the quick brown fox packs five dozen liquor jugs quickly';

/** Load and query; any failure must be a typed SpanIndexFormatError. */
async function loadAndQuery(load: () => Promise<SpanIndex>): Promise<'ok' | 'rejected'> {
  try {
    const index = await load();
    await count(index, 'the');
    await attributeOutput(index, { output: OUTPUT }, { density: 1 });
    return 'ok';
  } catch (e) {
    expect(e).toMatchObject({ name: 'SpanIndexFormatError', code: 'SPAN_INDEX_FORMAT' });
    return 'rejected';
  }
}

const ranged = (b: Uint8Array) => () =>
  loadSpanIndex({
    size: b.length,
    read: async (o, l) => b.slice(o, Math.min(b.length, o + l)),
    pageSize: 64,
  });

describe('loadSpanIndex on hostile input', () => {
  test('rejects random bytes, with or without the magic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (junk, magic) => {
        const b = magic ? Uint8Array.from([...good.subarray(0, 32), ...junk]) : junk;
        expect(await loadAndQuery(() => loadSpanIndex(b))).toBe('rejected');
        expect(await loadAndQuery(ranged(b))).toBe('rejected');
      }),
      { numRuns: 150 },
    );
  });

  test('rejects every truncation', async () => {
    for (let len = 0; len < good.length; len += 7) {
      const b = good.slice(0, len);
      expect(await loadAndQuery(() => loadSpanIndex(b))).toBe('rejected');
      expect(await loadAndQuery(ranged(b))).toBe('rejected');
    }
  });

  test('a flipped token that joins two documents is reported as corrupt, not read past the document', async () => {
    // Bits fuzzing once found: each flips a separator in the tokens section, which only
    // `verify` checksums; queries must then fail with a typed error rather than a RangeError.
    for (const bit of [10099, 10912, 10449]) {
      const b = good.slice();
      b[bit >> 3]! ^= 1 << (bit & 7);
      await loadAndQuery(() => loadSpanIndex(b));
      await loadAndQuery(ranged(b));
      expect(await loadAndQuery(() => loadSpanIndex(b, { verify: true }))).toBe('rejected');
    }
  });

  test('bit flips are rejected or harmless; with verify they are rejected unless in padding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.length * 8 - 1 }), async (bit) => {
        const b = good.slice();
        b[bit >> 3]! ^= 1 << (bit & 7);
        await loadAndQuery(() => loadSpanIndex(b));
        await loadAndQuery(ranged(b));
        const verified = await loadAndQuery(() => loadSpanIndex(b, { verify: true }));
        if (verified === 'ok') {
          // Only alignment padding is outside every checksum; the index must then be unchanged.
          const again = serializeSpanIndex(await loadSpanIndex(b, { verify: true }));
          expect(Buffer.from(again).equals(Buffer.from(good))).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a corrupted suffix array is reported, not read out of bounds', async () => {
    const b = good.slice();
    const header = JSON.parse(
      new TextDecoder().decode(b.subarray(32, 32 + new DataView(b.buffer).getUint32(16, true))),
    );
    const sa = header.shards[0].suffixArray;
    new DataView(b.buffer).setInt32(sa.offset + 8, 0x7fff0000, true);
    // The suffix at rank 2 (the entry corrupted), from the intact file: a search ending at
    // rank 2 must read that entry, wherever the suffix sample lets it start.
    const cols = (await loadSpanIndex(good)).shards[0]!.columns;
    const q = [0, 1, 2].map((k) => cols.tok(cols.sa(2) + k));
    await expect(
      (async () => {
        const index = await loadSpanIndex(b);
        for (const w of ['the', 'quick', 'jump', 'e', 'o', ' ']) await count(index, w);
        await count(index, q);
      })(),
    ).rejects.toMatchObject({ name: 'SpanIndexFormatError' });
  });

  test('rejects an unknown version and a wrong file length', async () => {
    const v = good.slice();
    new DataView(v.buffer).setUint32(8, 99, true);
    await expect(loadSpanIndex(v)).rejects.toThrow(/version 99/);
    const padded = new Uint8Array(good.length + 8);
    padded.set(good);
    await expect(loadSpanIndex(padded)).rejects.toThrow(/truncated or padded/);
  });
});
