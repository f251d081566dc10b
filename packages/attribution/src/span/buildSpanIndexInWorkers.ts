import { AbortError } from '@openledger/core';
import type { TokenizerRecipe } from '../tokenizers/types.js';
import { checkedVocabSize, documentContent } from './documents.js';
import { SpanIndexUsageError } from './errors.js';
import { FORMAT_VERSION } from './format.js';
import { MemoryColumns } from './memory.js';
import { buildSample, setSample } from './sample.js';
import type { BuildSpanIndexOptions, SpanDocument, SpanIndex, SpanShard } from './types.js';

/**
 * Options of {@link buildSpanIndexInWorkers}: those of `buildSpanIndex`, and the workers.
 *
 * @example
 * import type { BuildSpanIndexInWorkersOptions } from '@openledger/attribution';
 * const options: Partial<BuildSpanIndexInWorkersOptions> = { workers: 4 };
 */
export interface BuildSpanIndexInWorkersOptions extends BuildSpanIndexOptions {
  /** Workers (threads), each building its own shards; default: the cores available, at most 4. */
  workers?: number | undefined;
  /**
   * The worker script, `span-worker.js` of this package's `dist/` (the default, found next to
   * this module). Set it where a bundler puts the script elsewhere.
   */
  workerUrl?: string | URL | undefined;
  /** Documents are dealt to the workers in batches of about this many characters (or tokens); default 2^20. */
  batchSize?: number | undefined;
}

/**
 * Parameters of {@link buildSpanIndexInWorkers}.
 *
 * @example
 * import type { BuildSpanIndexInWorkersParameters } from '@openledger/attribution';
 */
export type BuildSpanIndexInWorkersParameters = BuildSpanIndexInWorkersOptions;
/**
 * Return type of {@link buildSpanIndexInWorkers}.
 *
 * @example
 * import type { BuildSpanIndexInWorkersReturnType } from '@openledger/attribution';
 */
export type BuildSpanIndexInWorkersReturnType = SpanIndex;

/** A shard as a worker hands it back. */
export interface WorkerShard {
  tokenCount: number;
  firstDocument: number;
  documentStarts: Int32Array;
  tokens: Uint16Array | Uint32Array;
  sa: Int32Array;
}
/** Messages to a span worker. */
export type WorkerRequest =
  | {
      type: 'init';
      recipe: TokenizerRecipe | null;
      tokenizerId: string;
      vocabSize: number;
      maxShardTokens: number | undefined;
    }
  | { type: 'docs'; docs: SpanDocument[] }
  | { type: 'end' };
/** Messages from a span worker. */
export type WorkerReply =
  /** A batch is indexed; `tokens`: this worker's document tokens so far. */
  | { type: 'ack'; documents: number; tokens: number }
  /** Its shard's sort: the estimated fraction done (0 as it starts, 1 once the shard is complete). */
  | { type: 'sort'; sorted: number }
  | {
      type: 'done';
      documents: number;
      totalTokens: number;
      unigramCounts: Float64Array;
      shards: WorkerShard[];
    }
  | { type: 'error'; name: string; message: string };

interface Port {
  post(message: WorkerRequest): void;
  terminate(): void;
}

/** Batches a worker may hold unindexed: one being indexed, one waiting. */
const IN_FLIGHT = 2;

/**
 * Build a span index on several threads: documents are dealt in batches, in turn, to workers
 * (Web Workers in browsers, `worker_threads` in Node); each tokenizes its documents and sorts
 * them into its own shard with the same code as {@link buildSpanIndex}, and the shards come back
 * without a copy where shared memory is available. The index answers every query exactly as
 * one built by `buildSpanIndex` over the same documents; it has one shard per worker (or more,
 * past `maxShardTokens`), and its document table lists each worker's documents together.
 *
 * The tokenizer is rebuilt in each worker from its `recipe` (the built-in tokenizers have one);
 * a tokenizer without one tokenizes on the calling thread and the workers only sort.
 *
 * @example
 * import gpt2 from 'js-tiktoken/ranks/gpt2';
 * import { buildSpanIndexInWorkers, fromTiktokenRanks } from '@openledger/attribution';
 * const index = await buildSpanIndexInWorkers(
 *   [{ id: 'c1', contributor: '0xabc', text: 'Call me Ishmael.' }],
 *   { tokenizer: fromTiktokenRanks(gpt2, { name: 'gpt2' }), workers: 2 },
 * );
 * index.shards.length; // 1 (one worker received documents)
 */
export async function buildSpanIndexInWorkers(
  documents: Iterable<SpanDocument> | AsyncIterable<SpanDocument>,
  options: BuildSpanIndexInWorkersParameters,
): Promise<BuildSpanIndexInWorkersReturnType> {
  const { tokenizer, onProgress, signal } = options;
  const vocabSize = checkedVocabSize(tokenizer);
  const workers = options.workers ?? Math.min(4, await cores());
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new SpanIndexUsageError(`workers must be an integer in [1, 256], got ${workers}.`);
  }
  const batchSize = options.batchSize ?? 1 << 20;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SpanIndexUsageError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const recipe = tokenizer.recipe ?? null;

  const ids: string[][] = Array.from({ length: workers }, () => []);
  const contributors: string[][] = Array.from({ length: workers }, () => []);
  const inFlight = new Int32Array(workers);
  const tokens = new Float64Array(workers);
  const results: Extract<WorkerReply, { type: 'done' }>[] = [];
  let failure: unknown = null;
  let waiting: (() => void) | null = null;
  let indexed = 0;
  let sorting = 0;
  // The progress number of the shard each worker is sorting.
  const shardOf = new Int32Array(workers);
  const ports: Port[] = [];
  const notify = () => {
    const w = waiting;
    waiting = null;
    w?.();
  };
  const fail = (error: unknown) => {
    failure ??= error;
    notify();
  };
  const onAbort = () => fail(new AbortError({ operation: 'buildSpanIndexInWorkers', cause: signal?.reason }));
  const next = () => new Promise<void>((resolve) => (waiting = resolve));
  const check = () => {
    if (signal?.aborted) onAbort();
    if (failure) throw failure;
  };

  signal?.addEventListener('abort', onAbort);
  try {
    check();
    for (let w = 0; w < workers; w++) {
      const port = await spawn(
        options.workerUrl,
        (m) => {
          if (m.type === 'ack') {
            inFlight[w]!--;
            indexed += m.documents;
            tokens[w] = m.tokens;
            onProgress?.({ phase: 'tokenize', documents: indexed, tokens: sum(tokens) });
          } else if (m.type === 'sort') {
            if (m.sorted === 0) shardOf[w] = sorting++;
            onProgress?.({
              phase: 'sort',
              documents: indexed,
              tokens: sum(tokens),
              shard: shardOf[w]!,
              sorted: m.sorted,
            });
          } else if (m.type === 'done') results[w] = m;
          else if (m.type === 'error') {
            fail(
              m.name === 'SpanIndexUsageError' ? new SpanIndexUsageError(m.message) : new Error(m.message),
            );
          }
          notify();
        },
        (error) => fail(error instanceof Error ? error : new Error(String(error))),
      );
      ports.push(port);
      port.post({
        type: 'init',
        recipe,
        tokenizerId: tokenizer.id,
        vocabSize,
        maxShardTokens: options.maxShardTokens,
      });
    }

    let batch: SpanDocument[] = [];
    let size = 0;
    let dealt = 0;
    let count = 0;
    const send = async () => {
      const w = dealt % workers;
      while (inFlight[w]! >= IN_FLIGHT) {
        check();
        await next();
      }
      check();
      inFlight[w]!++;
      ports[w]!.post({ type: 'docs', docs: batch });
      for (const d of batch) {
        ids[w]!.push(d.id);
        contributors[w]!.push(d.contributor);
      }
      dealt++;
      batch = [];
      size = 0;
    };
    for await (const doc of documents as AsyncIterable<SpanDocument>) {
      check();
      const content = documentContent(doc, count);
      let item: SpanDocument = doc;
      if (typeof content !== 'string') size += content.length;
      else if (recipe) size += content.length;
      else {
        // Without a recipe the workers cannot tokenize: do it here.
        const tokens = tokenizer.encode(content);
        item = { id: doc.id, contributor: doc.contributor, tokens };
        size += tokens.length;
      }
      batch.push(item);
      count++;
      if (size >= batchSize) await send();
    }
    if (batch.length) await send();
    for (const port of ports) port.post({ type: 'end' });
    while (results.filter(Boolean).length < workers) {
      check();
      await next();
    }
    check();
  } catch (error) {
    throw failure ?? error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const port of ports) port.terminate();
  }

  // One index: each worker's documents in turn, its shards after the previous worker's.
  const unigramCounts = new Float64Array(vocabSize);
  const shards: SpanShard[] = [];
  let firstDocument = 0;
  let totalTokens = 0;
  for (const r of results) {
    for (let t = 0; t < vocabSize; t++) unigramCounts[t]! += r.unigramCounts[t]!;
    totalTokens += r.totalTokens;
    for (const s of r.shards) {
      const columns = new MemoryColumns(s.tokens, s.sa);
      setSample(columns, buildSample(s.tokens, s.sa, s.tokenCount));
      shards.push({
        tokenCount: s.tokenCount,
        firstDocument: firstDocument + s.firstDocument,
        documentStarts: s.documentStarts,
        columns,
      });
    }
    firstDocument += r.documents;
  }
  onProgress?.({ phase: 'done', documents: firstDocument, tokens: totalTokens });
  return {
    formatVersion: FORMAT_VERSION,
    tokenizerId: tokenizer.id,
    vocabSize,
    separator: vocabSize,
    tokenWidth: vocabSize + 1 <= 0x10000 ? 2 : 4,
    totalTokens,
    unigramCounts,
    documents: { ids: ids.flat(), contributors: contributors.flat() },
    shards,
    io: { requests: 0, bytes: 0 },
  };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

async function cores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ name)) as typeof import('node:os');
    return os.availableParallelism();
  } catch {
    return 1;
  }
}

/** Start a worker: a Web Worker where the platform has them, else a Node worker thread. */
async function spawn(
  url: string | URL | undefined,
  onMessage: (m: WorkerReply) => void,
  onError: (e: unknown) => void,
): Promise<Port> {
  if (typeof Worker === 'function') {
    // Written out in full so that bundlers (Vite, webpack) see and bundle the worker script.
    const worker = url
      ? new Worker(url, { type: 'module' })
      : new Worker(new URL('./span-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<WorkerReply>) => onMessage(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onError(new Error(`span worker failed: ${e.message}`));
    };
    return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
  }
  const name = 'node:worker_threads';
  const { Worker: NodeWorker } = (await import(
    /* @vite-ignore */ name
  )) as typeof import('node:worker_threads');
  const worker = new NodeWorker(url ?? new URL('./span-worker.js', import.meta.url));
  let terminated = false;
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', (code) => {
    if (!terminated) onError(new Error(`span worker exited with code ${code}.`));
  });
  return {
    post: (m) => worker.postMessage(m),
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}
