/**
 * The worker of `buildSpanIndexInWorkers` (built as `dist/span-worker.js`): it receives batches
 * of documents, tokenizes and indexes them with `buildSpanIndex` into its own shards, and hands
 * the shards back. Its token buffers live in shared WebAssembly memory where the platform has
 * it (Node; cross-origin isolated pages), so a sorted shard reaches the caller without a copy;
 * elsewhere the shard is copied once and transferred.
 *
 * Protocol (see `WorkerRequest` / `WorkerReply` in buildSpanIndexInWorkers.ts): `init`, then
 * `docs` batches (each answered by `ack` once indexed), then `end`, answered by `done` (or by
 * `error` at any point).
 */
import { appenderOf, withAppender } from '../tokenizers/append.js';
import { tokenizerFromRecipe } from '../tokenizers/recipe.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import type { WorkerReply, WorkerRequest, WorkerShard } from './buildSpanIndexInWorkers.js';
import type { MemoryColumns } from './memory.js';
import { shareWasmMemory } from './saisWasm.js';
import type { SpanDocument } from './types.js';

interface Channel {
  post(message: WorkerReply, transfer?: Transferable[]): void;
  listen(handler: (message: WorkerRequest) => void): void;
}

async function channel(): Promise<Channel> {
  const scope = globalThis as unknown as {
    WorkerGlobalScope?: unknown;
    postMessage(m: unknown, t: Transferable[]): void;
    addEventListener(type: 'message', h: (e: { data: WorkerRequest }) => void): void;
  };
  if (scope.WorkerGlobalScope !== undefined) {
    return {
      post: (m, t) => scope.postMessage(m, t ?? []),
      listen: (h) => scope.addEventListener('message', (e) => h(e.data)),
    };
  }
  const name = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  if (!parentPort) throw new Error('span-worker must run in a worker thread.');
  return {
    post: (m, t) => parentPort.postMessage(m, t as never),
    listen: (h) => parentPort.on('message', h),
  };
}

let port: Channel;
const batches: SpanDocument[][] = [];
let ended = false;
let wake: (() => void) | null = null;
let started = false;

let tokensSoFar = 0;

async function* documents(): AsyncGenerator<SpanDocument> {
  for (;;) {
    const batch = batches.shift();
    if (batch) {
      for (const doc of batch) {
        if ('tokens' in doc && doc.tokens) tokensSoFar += doc.tokens.length;
        yield doc;
      }
      port.post({ type: 'ack', documents: batch.length, tokens: tokensSoFar });
    } else if (ended) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function run(init: Extract<WorkerRequest, { type: 'init' }>): Promise<void> {
  const shared = shareWasmMemory();
  // Without a recipe, the caller tokenizes and sends tokens: this stand-in only names them.
  const rebuilt = init.recipe ? tokenizerFromRecipe(init.recipe) : null;
  const tokenizer: Tokenizer = rebuilt
    ? {
        ...rebuilt,
        encode: (text) => {
          const ids = rebuilt.encode(text);
          tokensSoFar += ids.length;
          return ids;
        },
      }
    : {
        id: init.tokenizerId,
        vocabSize: init.vocabSize,
        encode: () => {
          throw new Error('span-worker: documents must arrive tokenized without a tokenizer recipe.');
        },
        decode: () => '',
      };
  const append = rebuilt && appenderOf(rebuilt);
  if (append) {
    withAppender(tokenizer, (text, room, at) => {
      const end = append(text, room, at);
      tokensSoFar += end - at;
      return end;
    });
  }
  if (tokenizer.id !== init.tokenizerId || tokenizer.vocabSize !== init.vocabSize) {
    throw new Error(`span-worker: the recipe rebuilt "${tokenizer.id}", not "${init.tokenizerId}".`);
  }
  const index = await buildSpanIndex(documents(), {
    tokenizer,
    maxShardTokens: init.maxShardTokens,
    onProgress: (p) => {
      if (p.phase === 'sort') port.post({ type: 'sort', sorted: p.sorted ?? 0 });
    },
  });
  const transfer: Transferable[] = [index.unigramCounts.buffer];
  const shards: WorkerShard[] = index.shards.map((s) => {
    const cols = s.columns as MemoryColumns;
    let tokens = cols.tokens.subarray(0, s.tokenCount);
    let sa = cols.suffixes.subarray(0, s.tokenCount);
    if (!shared) {
      tokens = tokens.slice();
      sa = sa.slice();
      transfer.push(tokens.buffer, sa.buffer);
    }
    return {
      tokenCount: s.tokenCount,
      firstDocument: s.firstDocument,
      documentStarts: s.documentStarts,
      tokens,
      sa,
    };
  });
  port.post(
    {
      type: 'done',
      documents: index.documents.ids.length,
      totalTokens: index.totalTokens,
      unigramCounts: index.unigramCounts,
      shards,
    },
    transfer,
  );
}

// No top-level await (the package also ships a CommonJS build): Node's port keeps messages
// until a listener is attached, and a Web Worker's channel is ready at once.
void channel().then((ready) => {
  port = ready;
  port.listen(onMessage);
});

function onMessage(message: WorkerRequest): void {
  if (message.type === 'init') {
    if (started) return;
    started = true;
    run(message).catch((error: unknown) => {
      const e = error as { name?: string; shortMessage?: string; message?: string };
      port.post({
        type: 'error',
        name: String(e?.name ?? 'Error'),
        message: String(e?.shortMessage ?? e?.message ?? error),
      });
    });
  } else if (message.type === 'docs') batches.push(message.docs);
  else if (message.type === 'end') ended = true;
  const w = wake;
  wake = null;
  w?.();
}
