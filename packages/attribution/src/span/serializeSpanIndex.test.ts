import { open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { createTiktokenTokenizer } from '../tokenizers/fixtures/tiktoken.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { count } from './count.js';
import { findSpans } from './findSpans.js';
import { mobyDickChapter } from './fixtures/corpus.js';
import { crc32 } from './format.js';
import { loadSpanIndex } from './loadSpanIndex.js';
import { serializeSpanIndex } from './serializeSpanIndex.js';

const docs = [
  { id: 'c1', contributor: '0xa1', text: 'It was the best of times, it was the worst of times.' },
  { id: 'c2', contributor: '0xb2', text: 'It was the age of wisdom, it was the age of foolishness…' },
  { id: 'c3', contributor: '0xa1', text: 'Ünïcödé and emoji 🐋 are indexed as UTF-8.' },
];

describe('serializeSpanIndex / loadSpanIndex', () => {
  test('round-trips bit-identically, across shards and token widths', async () => {
    for (const tokenizer of [createByteTokenizer(), createTiktokenTokenizer('cl100k_base')]) {
      for (const maxShardTokens of [undefined, 70]) {
        const index = await buildSpanIndex(docs, { tokenizer, maxShardTokens });
        const bytes = serializeSpanIndex(index);
        const loaded = await loadSpanIndex(bytes.buffer as ArrayBuffer, { verify: true });
        expect(loaded.shards.length).toBe(index.shards.length);
        expect(Buffer.from(serializeSpanIndex(loaded)).equals(Buffer.from(bytes))).toBe(true);
        expect(Buffer.from(serializeSpanIndex(index)).equals(Buffer.from(bytes))).toBe(true);
      }
    }
  });

  test('round-trips random token documents bit-identically', async () => {
    const tokenizer = { id: 'ids:70000', vocabSize: 70_000, encode: () => [], decode: () => '' };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 69_999 }), { maxLength: 30 }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (toks) => {
          const index = await buildSpanIndex(
            toks.map((tokens, i) => ({ id: `d${i}`, contributor: `c${i}`, tokens })),
            { tokenizer, maxShardTokens: 40 },
          );
          const bytes = serializeSpanIndex(index);
          expect(Buffer.from(serializeSpanIndex(await loadSpanIndex(bytes))).equals(Buffer.from(bytes))).toBe(
            true,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  test('answers the same from memory, from a file handle and from range reads', async () => {
    const tokenizer = createByteTokenizer();
    const index = await buildSpanIndex(docs, { tokenizer, maxShardTokens: 80 });
    const bytes = serializeSpanIndex(index);
    const path = join(tmpdir(), `olspan-${process.pid}-${Date.now()}.bin`);
    await writeFile(path, bytes);
    const fh = await open(path, 'r');
    try {
      const viaFile = await loadSpanIndex({ file: fh, pageSize: 64 });
      const viaRange = await loadSpanIndex({
        size: bytes.length,
        read: async (o, l) => bytes.slice(o, o + l),
        pageSize: 128,
      });
      const output = 'They said it was the age of wisdom, and emoji 🐋 are fun.';
      const want = await findSpans(index, output, { density: 1 });
      expect(want.length).toBeGreaterThan(1);
      for (const other of [viaFile, viaRange]) {
        expect(await findSpans(other, output, { density: 1 })).toEqual(want);
        expect(await count(other, 'it was')).toBe(await count(index, 'it was'));
        expect(other.io.requests).toBeGreaterThan(3);
      }
    } finally {
      await fh.close();
      await rm(path);
    }
  });

  test('files without the suffix sample (written before it) answer the same; with it, range reads need fewer requests', async () => {
    const chapters = Array.from({ length: 12 }, (_, i) => ({
      id: `ch${i + 1}`,
      contributor: `0x${(i % 3).toString(16).padStart(40, '0')}`,
      text: mobyDickChapter(i + 1),
    }));
    const bytes = serializeSpanIndex(await buildSpanIndex(chapters, { tokenizer: createByteTokenizer() }));
    // The same file as the previous writer made it: no sample entry in the header (padded with
    // spaces to its old length, so every section stays where it was; checksum redone).
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const headerLength = view.getUint32(16, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(32, 32 + headerLength)));
    expect(header.shards[0].sample.every).toBe(512);
    for (const shard of header.shards) delete shard.sample;
    const old = bytes.slice();
    old.set(new TextEncoder().encode(JSON.stringify(header).padEnd(headerLength, ' ')), 32);
    new DataView(old.buffer).setUint32(20, crc32(old.subarray(32, 32 + headerLength)), true);

    const ranged = (b: Uint8Array) =>
      loadSpanIndex({ size: b.length, read: async (o, l) => b.slice(o, o + l), pageSize: 1024 });
    // Passages deep into long chapters (30 and 20 kB, with non-ASCII dashes and quotes before
    // them), so character offsets run through many checkpoints.
    const output = `${mobyDickChapter(3).slice(25000, 25300)} and then something else entirely ${mobyDickChapter(9).slice(15000, 15220)}`;
    const want = await findSpans(await loadSpanIndex(bytes), output, { density: 0.5 });
    expect(want.length).toBeGreaterThan(1);
    // Every cited offset checks out by plain substring comparison with the chapter's text.
    const textOf = new Map(chapters.map((c) => [c.id, c.text]));
    let deep = 0;
    for (const span of want)
      for (const o of span.occurrences) {
        expect(textOf.get(o.documentId)!.slice(o.charOffset, o.charOffset + span.text.length)).toBe(
          span.text,
        );
        if (o.charOffset > 10_000) deep++;
      }
    expect(deep).toBeGreaterThan(0);
    const requests: number[] = [];
    for (const load of [() => loadSpanIndex(old), () => ranged(old), () => ranged(bytes)]) {
      const index = await load();
      const before = index.io.requests;
      expect(await findSpans(index, output, { density: 0.5 })).toEqual(want);
      expect(await count(index, 'the whale')).toBe(await count(await loadSpanIndex(bytes), 'the whale'));
      requests.push(index.io.requests - before);
    }
    // Concurrent queries on one cold index share its per-document checkpoints safely.
    const fresh = await ranged(bytes);
    const both = await Promise.all([
      findSpans(fresh, output, { density: 0.5 }),
      findSpans(fresh, output, { density: 0.5 }),
    ]);
    expect(both).toEqual([want, want]);
    // Cold queries: the sampled file skips the upper levels of every search.
    console.log(
      `cold findSpans + count: ${requests[1]} range requests without the sample, ${requests[2]} with it`,
    );
    expect(requests[2]!).toBeLessThan(requests[1]!);
  });

  test('refuses to serialize an index that is paged', async () => {
    const bytes = serializeSpanIndex(await buildSpanIndex(docs, { tokenizer: createByteTokenizer() }));
    const paged = await loadSpanIndex({ size: bytes.length, read: async (o, l) => bytes.slice(o, o + l) });
    expect(() => serializeSpanIndex(paged)).toThrow(expect.objectContaining({ name: 'SpanIndexUsageError' }));
  });
});
