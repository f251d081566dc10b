import gpt2 from 'js-tiktoken/ranks/gpt2';
import { describe, expect, test, vi } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { fromTiktokenRanks } from '../tokenizers/tiktoken.js';
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
    // Each shard's sort starts at 0 and ends at 1, increasing in between.
    const sorting = progress.filter((p) => p.phase === 'sort');
    expect(sorting.filter((p) => p.sorted === 0).map((p) => p.shard)).toEqual(index.shards.map((_, i) => i));
    expect(sorting.filter((p) => p.sorted === 1).map((p) => p.shard)).toEqual(index.shards.map((_, i) => i));
    for (const [i, p] of sorting.entries()) {
      if (p.sorted !== 0) expect(p.sorted!).toBeGreaterThanOrEqual(sorting[i - 1]!.sorted!);
    }
    expect(progress.at(-1)).toMatchObject({ phase: 'done', documents: 30 });
    // Unigram counts are the byte histogram of all documents.
    expect(index.unigramCounts['h'.charCodeAt(0)]).toBe(30);
    expect(index.totalTokens).toBe(index.shards.reduce((a, s) => a + s.tokenCount, 0) - 30);
  });

  test('by default cuts shards at what one WebAssembly sort can take, and sorts each in WebAssembly', async () => {
    // The limit is about 686M tokens; here the sorter's module reports a small one instead.
    vi.resetModules();
    vi.doMock('./saisWasm.js', async (importOriginal) => ({
      ...(await importOriginal<typeof import('./saisWasm.js')>()),
      wasmShardLimit: (width: number, alphabetSize: number) => {
        expect([width, alphabetSize]).toEqual([2, 257]);
        return 600;
      },
    }));
    try {
      const { buildSpanIndex: build } = await import('./buildSpanIndex.js');
      const sorter = await import('./saisWasm.js');
      const sorts = vi.spyOn(sorter.WasmTokenBuffer.prototype, 'sortAsync');
      const docs = Array.from({ length: 40 }, (_, i) => ({
        id: `d${i}`,
        contributor: 'c',
        text: `document ${i}: ${'call me Ishmael. '.repeat(3)}`,
      }));
      const index = await build(docs, { tokenizer });
      expect(index.shards.length).toBeGreaterThan(3);
      for (const s of index.shards) expect(s.tokenCount).toBeLessThanOrEqual(600);
      // Every shard went through the WebAssembly sorter, and none fell back.
      expect(sorts).toHaveBeenCalledTimes(index.shards.length);
      const results = await Promise.all(sorts.mock.results.map((r) => r.value));
      expect(results.every((r) => r !== null)).toBe(true);
      expect(await count(index, 'call me Ishmael')).toBe(120);
      // An explicit maxShardTokens still wins.
      expect((await build(docs, { tokenizer, maxShardTokens: 100_000 })).shards).toHaveLength(1);
    } finally {
      vi.doUnmock('./saisWasm.js');
      vi.resetModules();
    }
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

  test.each([
    ['in WebAssembly', false],
    ['in JavaScript (no WebAssembly)', true],
  ])('reports a sort in progress and stops with an AbortError mid-sort, %s', async (_, withoutWasm) => {
    // About 4 MB of text: its sort takes several slices of about 40 ms.
    const words = ['call', 'me', 'Ishmael', 'some', 'years', 'ago', 'never', 'mind', 'how', 'long'];
    const docs = Array.from({ length: 400 }, (_, d) => ({
      id: `d${d}`,
      contributor: 'x',
      text: Array.from({ length: 2000 }, (_, i) => words[(i * 7 + d * 13 + ((i * d) % 11)) % 10]).join(' '),
    }));
    if (withoutWasm) {
      vi.resetModules();
      vi.stubGlobal('WebAssembly', undefined);
    }
    try {
      // A fresh module graph without WebAssembly: the module is looked for again (and missed).
      const build = withoutWasm ? (await import('./buildSpanIndex.js')).buildSpanIndex : buildSpanIndex;
      const fractions: number[] = [];
      const index = await build(docs, {
        tokenizer,
        onProgress: (p) => p.phase === 'sort' && fractions.push(p.sorted!),
      });
      const cols = index.shards[0]!.columns as unknown as { tokens: Uint16Array; suffixes: Int32Array };
      expect(cols.tokens.buffer === cols.suffixes.buffer).toBe(!withoutWasm);
      expect(fractions[0]).toBe(0);
      expect(fractions.at(-1)).toBe(1);
      expect(fractions.filter((f) => f > 0 && f < 1).length).toBeGreaterThan(1);
      for (let i = 1; i < fractions.length; i++)
        expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);

      const ac = new AbortController();
      const seen: BuildProgress[] = [];
      const building = build(docs, {
        tokenizer,
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.phase === 'sort' && p.sorted! > 0) ac.abort(new Error('user cancelled'));
        },
      });
      await expect(building).rejects.toMatchObject({
        name: 'AbortError',
        code: 'ABORTED',
        message: expect.stringContaining('buildSpanIndex'),
      });
      // It stopped inside the sort: after a fraction above 0, before the shard was complete.
      const sorting = seen.filter((p) => p.phase === 'sort');
      expect(sorting.at(-1)!.sorted).toBeGreaterThan(0);
      expect(sorting.some((p) => p.sorted === 1)).toBe(false);
      expect(seen.some((p) => p.phase === 'done')).toBe(false);
    } finally {
      if (withoutWasm) {
        vi.unstubAllGlobals();
        vi.resetModules();
      }
    }
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

  test('built-in tokenizers write ids into the shard itself: the same index as through `encode`', async () => {
    const gpt2Tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
    const docs = Array.from({ length: 60 }, (_, i) => ({
      id: `d${i}`,
      contributor: `c${i % 3}`,
      // Empty texts, multi-byte and astral characters.
      text:
        i % 11 === 0
          ? ''
          : `${'Call me Ishmael! '.repeat(i % 5)}é\u0000 ${i} ${i % 7 === 0 ? '🐋 ' : ''}${'x'.repeat(i)}`,
    }));
    for (const builtIn of [tokenizer, gpt2Tokenizer]) {
      // The same tokenizer without the fast path: only its public methods.
      const plain = {
        id: builtIn.id,
        vocabSize: builtIn.vocabSize,
        encode: (t: string) => builtIn.encode(t),
        decode: builtIn.decode,
      };
      const encode = vi.spyOn(builtIn, 'encode');
      // Small shards: documents near a full shard take the `encode` path, to start the next one.
      for (const maxShardTokens of [200, 1 << 20]) {
        encode.mockClear();
        const fast = await buildSpanIndex(docs, { tokenizer: builtIn, maxShardTokens });
        const fastCalls = encode.mock.calls.length;
        const slow = await buildSpanIndex(docs, { tokenizer: plain, maxShardTokens });
        expect(serializeSpanIndex(fast)).toEqual(serializeSpanIndex(slow));
        // Unigram counts: the histogram of every document's ids (separators left out).
        const histogram = new Float64Array(builtIn.vocabSize);
        for (const d of docs) for (const t of Array.from(builtIn.encode(d.text))) histogram[t]!++;
        expect(fast.unigramCounts).toEqual(histogram);
        expect(slow.unigramCounts).toEqual(histogram);
        // With room to spare, no document went through `encode`.
        if (maxShardTokens > 200) expect(fastCalls).toBe(0);
        else expect(fast.shards.length).toBeGreaterThan(3);
      }
      encode.mockRestore();
    }
  });

  test('an empty corpus gives an index that matches nothing', async () => {
    const index = await buildSpanIndex([], { tokenizer });
    expect(index.shards).toHaveLength(0);
    expect(await count(index, 'anything')).toBe(0);
  });
});
