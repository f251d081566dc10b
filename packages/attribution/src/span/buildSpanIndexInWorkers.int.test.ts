// buildSpanIndexInWorkers in real worker threads. The worker script is the package's own
// `span-worker.ts`, bundled here with esbuild as the package build bundles it (worker threads
// cannot load TypeScript sources).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as fc from 'fast-check';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { fromTiktokenRanks } from '../tokenizers/tiktoken.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { attributeOutput } from './attributeOutput.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { buildSpanIndexInWorkers } from './buildSpanIndexInWorkers.js';
import { count } from './count.js';
import { scan } from './fixtures/brute.js';
import { mobyDickChapter } from './fixtures/corpus.js';
import { loadSpanIndex } from './loadSpanIndex.js';
import type { MemoryColumns } from './memory.js';
import { serializeSpanIndex } from './serializeSpanIndex.js';
import type { BuildProgress, SpanDocument, SpanIndex } from './types.js';

let dir = '';
let workerUrl = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'span-worker-'));
  workerUrl = join(dir, 'span-worker.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'span-worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // The workspace packages' sources (their dist/ may not be built yet).
    conditions: ['@openledger/source'],
    outfile: workerUrl,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = createByteTokenizer();

/** Each shard's suffix array against a plain comparison sort of its suffixes. */
function expectSortedShards(index: SpanIndex): void {
  for (const shard of index.shards) {
    const { tokens, suffixes } = shard.columns as MemoryColumns;
    const n = shard.tokenCount;
    const naive = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      while (a < n && b < n && tokens[a] === tokens[b]) {
        a++;
        b++;
      }
      if (a === n || b === n) return a === n ? -1 : 1;
      return tokens[a]! - tokens[b]!;
    });
    expect(Array.from(suffixes.subarray(0, n))).toEqual(naive);
  }
}

describe('buildSpanIndexInWorkers', () => {
  test('indexes what buildSpanIndex indexes: counts equal a brute-force scan, shards are sorted', async () => {
    const doc = fc.record({
      text: fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'é'), maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'é'), minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (raw, workers, batchSize, queries) => {
          const docs = raw.map((d, i) => ({ id: `d${i}`, contributor: `c${i % 3}`, text: d.text }));
          const index = await buildSpanIndexInWorkers(docs, {
            tokenizer: bytes,
            workers,
            batchSize,
            workerUrl,
          });
          const serial = await buildSpanIndex(docs, { tokenizer: bytes });
          expect(index.totalTokens).toBe(serial.totalTokens);
          expect(index.unigramCounts).toEqual(serial.unigramCounts);
          expect([...index.documents.ids].sort()).toEqual([...serial.documents.ids].sort());
          // Each document's contributor travels with it.
          index.documents.ids.forEach((id, i) => {
            expect(index.documents.contributors[i]).toBe(`c${Number(id.slice(1)) % 3}`);
          });
          expectSortedShards(index);
          const encoded = docs.map((d) => Array.from(bytes.encode(d.text)));
          for (const q of queries) {
            const t = bytes.encode(q);
            expect(await count(index, q)).toBe(scan(encoded, t, 0, t.length).length);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  test('GPT-2 tokens, rebuilt in each worker from the recipe, answer as a serial build does', async () => {
    const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
    const docs: SpanDocument[] = [1, 2, 3, 4, 5, 6].map((n) => ({
      id: `ch${n}`,
      contributor: `0x${n}`,
      text: mobyDickChapter(n),
    }));
    const progress: BuildProgress[] = [];
    const index = await buildSpanIndexInWorkers(docs, {
      tokenizer,
      workers: 2,
      batchSize: 1,
      workerUrl,
      onProgress: (p) => progress.push(p),
    });
    const serial = await buildSpanIndex(docs, { tokenizer });
    expect(index.shards).toHaveLength(2);
    expect(index.tokenizerId).toBe('tiktoken:gpt2');
    expect(index.totalTokens).toBe(serial.totalTokens);
    expect(index.unigramCounts).toEqual(serial.unigramCounts);
    // One document per batch, dealt in turn: worker 0 has chapters 1, 3, 5.
    expect(index.documents.ids).toEqual(['ch1', 'ch3', 'ch5', 'ch2', 'ch4', 'ch6']);
    for (const phrase of ['the whale', 'Ishmael', 'Nantucket', 'Call me', 'a b c d e f']) {
      expect(await count(index, phrase, { tokenizer })).toBe(await count(serial, phrase, { tokenizer }));
    }
    // The same spans and evidence, whatever shard holds a document.
    // Text from a chapter of each worker.
    const output = `${mobyDickChapter(3).slice(2000, 2800)} ${mobyDickChapter(4).slice(1000, 1800)}`;
    const a = await attributeOutput(index, { output }, { tokenizer });
    const b = await attributeOutput(serial, { output }, { tokenizer });
    const cited = new Set(a.spans.flatMap((s) => s.occurrences.map((o) => o.documentId)));
    expect(cited).toContain('ch3');
    expect(cited).toContain('ch4');
    const evidence = (r: typeof a) =>
      r.spans.map((s) => [
        s.text,
        s.count,
        s.occurrences.map((o) => `${o.documentId}@${o.charOffset}`).sort(),
      ]);
    expect(evidence(a)).toEqual(evidence(b));
    expect(a.contributions).toEqual(b.contributions);
    // One shard per worker: each sort reported from its start (0) to its end (1).
    const sorting = progress.filter((p) => p.phase === 'sort');
    expect(sorting.filter((p) => p.sorted === 0).map((p) => p.shard)).toEqual([0, 1]);
    expect(
      sorting
        .filter((p) => p.sorted === 1)
        .map((p) => p.shard)
        .sort(),
    ).toEqual([0, 1]);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', documents: 6, tokens: serial.totalTokens });
  });

  test('a tokenizer without a recipe tokenizes on the calling thread; pre-tokenized documents pass through', async () => {
    const { recipe: _, ...plain } = createByteTokenizer();
    const custom: Tokenizer = plain;
    const docs: SpanDocument[] = [
      { id: 'a', contributor: 'x', text: 'the cat sat on the mat' },
      { id: 'b', contributor: 'y', tokens: Array.from(bytes.encode('the cat ran')) },
      { id: 'c', contributor: 'z', tokens: Uint8Array.from(bytes.encode('a cat')) },
    ];
    const index = await buildSpanIndexInWorkers(docs, {
      tokenizer: custom,
      workers: 2,
      batchSize: 1,
      workerUrl,
    });
    expect(await count(index, 'the cat', { tokenizer: custom })).toBe(2);
    expect(await count(index, 'cat', { tokenizer: custom })).toBe(3);
    expectSortedShards(index);
  });

  test('past maxShardTokens a worker starts another shard; the index round-trips through its file', async () => {
    const docs = Array.from({ length: 40 }, (_, i) => ({
      id: `d${i}`,
      contributor: 'x',
      text: `entry ${i}: ${'whale '.repeat(i % 7)}end`,
    }));
    const index = await buildSpanIndexInWorkers(docs, {
      tokenizer: bytes,
      workers: 2,
      batchSize: 50,
      maxShardTokens: 200,
      workerUrl,
    });
    expect(index.shards.length).toBeGreaterThan(4);
    for (const s of index.shards) expect(s.tokenCount).toBeLessThanOrEqual(200);
    expectSortedShards(index);
    const loaded = await loadSpanIndex(serializeSpanIndex(index));
    for (const q of ['whale whale', 'end', 'entry 3']) {
      expect(await count(loaded, q)).toBe(await count(index, q));
    }
    // At most once per document: a substring test of each document is the reference.
    const six = 'whale whale whale whale whale whale';
    expect(await count(index, six)).toBe(docs.filter((d) => d.text.includes(six)).length);
  });

  test('errors: typed for bad documents and options, and a worker that cannot start rejects', async () => {
    const reject = (docs: unknown[], extra: object = {}) =>
      expect(
        buildSpanIndexInWorkers(docs as SpanDocument[], {
          tokenizer: bytes,
          workers: 2,
          workerUrl,
          ...extra,
        }),
      ).rejects.toMatchObject({ name: 'SpanIndexUsageError' });
    await reject([{ id: 1, contributor: 'x', text: 'a' }]);
    await reject([{ id: 'a', contributor: 'x' }]);
    // Found by a worker, reported with the document's id.
    await reject([{ id: 'oov', contributor: 'x', tokens: [1, 256] }]);
    await expect(
      buildSpanIndexInWorkers([{ id: 'oov', contributor: 'x', tokens: [1, 256] }], {
        tokenizer: bytes,
        workers: 1,
        workerUrl,
      }),
    ).rejects.toThrow(/"oov"/);
    await reject([], { workers: 0 });
    await reject([], { workers: 1.5 });
    await reject([], { batchSize: 0 });
    await expect(
      buildSpanIndexInWorkers([{ id: 'a', contributor: 'x', text: 'a' }], {
        tokenizer: bytes,
        workers: 1,
        workerUrl: join(dir, 'missing.mjs'),
      }),
    ).rejects.toThrow();
  });

  test('stops with an AbortError when the signal fires, from an endless stream', async () => {
    const ac = new AbortController();
    async function* docs(): AsyncGenerator<SpanDocument> {
      for (let i = 0; ; i++) {
        if (i === 500) ac.abort(new Error('user cancelled'));
        yield { id: `d${i}`, contributor: 'x', text: 'endless stream '.repeat(20) };
      }
    }
    await expect(
      buildSpanIndexInWorkers(docs(), {
        tokenizer: bytes,
        workers: 2,
        batchSize: 1000,
        workerUrl,
        signal: ac.signal,
      }),
    ).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
  });
});
