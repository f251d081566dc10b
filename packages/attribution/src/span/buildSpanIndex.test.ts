import { describe, expect, test, vi } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { count } from './count.js';
import { serializeSpanIndex } from './serializeSpanIndex.js';
import type { BuildProgress, SpanDocument } from './types.js';

const tokenizer = createByteTokenizer();

describe('buildSpanIndex', () => {
  test('accepts async iterables and splits into shards no larger than maxShardTokens', async () => {
    async function* docs(): AsyncGenerator<SpanDocument> {
      for (let i = 0; i < 30; i++)
        yield { id: `d${i}`, contributor: `c${i % 4}`, text: `document number ${i} says hello` };
    }
    const progress: BuildProgress[] = [];
    const index = await buildSpanIndex(docs(), {
      tokenizer,
      maxShardTokens: 100,
      onProgress: (p) => progress.push(p),
    });
    expect(index.shards.length).toBeGreaterThan(5);
    for (const s of index.shards) expect(s.tokenCount).toBeLessThanOrEqual(100);
    expect(index.shards.reduce((a, s) => a + s.documentStarts.length, 0)).toBe(30);
    expect(index.documents.ids).toEqual(Array.from({ length: 30 }, (_, i) => `d${i}`));
    expect(await count(index, 'says hello')).toBe(30);
    expect(progress.filter((p) => p.phase === 'sort')).toHaveLength(index.shards.length);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', documents: 30 });
    // Unigram counts are the byte histogram of all documents.
    expect(index.unigramCounts['h'.charCodeAt(0)]).toBe(30);
    expect(index.totalTokens).toBe(index.shards.reduce((a, s) => a + s.tokenCount, 0) - 30);
  });

  test('stops with an AbortError when the signal fires', async () => {
    const ac = new AbortController();
    async function* docs(): AsyncGenerator<SpanDocument> {
      for (let i = 0; ; i++) {
        if (i === 50) ac.abort(new Error('user cancelled'));
        yield { id: `d${i}`, contributor: 'x', text: 'endless stream' };
      }
    }
    await expect(buildSpanIndex(docs(), { tokenizer, signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
      code: 'ABORTED',
    });
  });

  test('rejects malformed documents and out-of-vocabulary tokens with typed errors', async () => {
    const bad = [
      [{ id: 1, contributor: 'x', text: 'a' }],
      [{ id: 'a', contributor: 'x' }],
      [{ id: 'a', contributor: 'x', tokens: [1, 256] }],
      [{ id: 'a', contributor: 'x', tokens: Uint16Array.of(1, 256) }],
      [{ id: 'a', contributor: 'x', tokens: Uint32Array.of(0xffffffff) }],
      [{ id: 'a', contributor: 'x', tokens: [1.5] }],
      [{ id: 'a', contributor: 'x', tokens: [Number.NaN] }],
      [{ id: 'a', contributor: 'x', text: 'x'.repeat(200) }],
    ] as unknown as SpanDocument[][];
    for (const docs of bad) {
      await expect(buildSpanIndex(docs, { tokenizer, maxShardTokens: 100 })).rejects.toMatchObject({
        name: 'SpanIndexUsageError',
      });
    }
    await expect(buildSpanIndex([], { tokenizer, maxShardTokens: 1 })).rejects.toMatchObject({
      code: 'SPAN_INDEX_USAGE',
    });
  });

  test('sorts one-symbol shards (the JavaScript sorter takes those) next to larger ones', async () => {
    const docs = [
      { id: 'e', contributor: 'x', text: '' },
      { id: 'f', contributor: 'x', text: 'ab ab ab' },
    ];
    const index = await buildSpanIndex(docs, { tokenizer, maxShardTokens: 9 });
    expect(index.shards.map((s) => s.tokenCount)).toEqual([1, 9]);
    expect(await count(index, 'ab')).toBe(3);
    const whole = await buildSpanIndex(docs, { tokenizer });
    expect(await count(whole, 'ab')).toBe(3);
    expect(await count(whole, 'b a')).toBe(2);
  });

  test('builds the same index bytes without WebAssembly (the JavaScript sorter)', async () => {
    const docs = Array.from({ length: 40 }, (_, i) => ({
      id: `d${i}`,
      contributor: `c${i % 3}`,
      text: `${'the whale and the sea '.repeat(i % 7)}document ${i} ${'x'.repeat(i)}`,
    }));
    const wasmIndex = await buildSpanIndex(docs, { tokenizer, maxShardTokens: 2000 });
    const shared = wasmIndex.shards[0]!.columns as unknown as { tokens: Uint16Array; suffixes: Int32Array };
    expect(shared.tokens.buffer).toBe(shared.suffixes.buffer);
    const withWasm = serializeSpanIndex(wasmIndex);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      // A fresh module graph, so that the WebAssembly module is looked for again (and missed).
      const fresh = await import('./buildSpanIndex.js');
      const freshSerialize = (await import('./serializeSpanIndex.js')).serializeSpanIndex;
      const index = await fresh.buildSpanIndex(docs, { tokenizer, maxShardTokens: 2000 });
      // Without WebAssembly the shard arrays are separate JavaScript arrays.
      const cols = index.shards[0]!.columns as unknown as { tokens: Uint16Array; suffixes: Int32Array };
      expect(cols.tokens.buffer).not.toBe(cols.suffixes.buffer);
      expect(freshSerialize(index)).toEqual(withWasm);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  test('an empty corpus gives an index that matches nothing', async () => {
    const index = await buildSpanIndex([], { tokenizer });
    expect(index.shards).toHaveLength(0);
    expect(await count(index, 'anything')).toBe(0);
  });
});
