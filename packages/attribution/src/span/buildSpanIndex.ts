import { AbortError } from '@openledger/core';
import { type Appender, appenderOf } from '../tokenizers/append.js';
import { checkedVocabSize, documentContent } from './documents.js';
import { SpanIndexUsageError } from './errors.js';
import { FORMAT_VERSION } from './format.js';
import { MemoryColumns } from './memory.js';
import { suffixArraySteps } from './sais.js';
import { prepareSaisWasm, WasmTokenBuffer, wasmShardLimit } from './saisWasm.js';
import { buildSample, setSample } from './sample.js';
import { JS_WORK_PER_SYMBOL, nextTurn, runInSlices, type SliceOptions, unpaused } from './slices.js';
import type { BuildSpanIndexOptions, SpanDocument, SpanIndex, SpanShard } from './types.js';

/**
 * Parameters of {@link buildSpanIndex}.
 *
 * @example
 * import type { BuildSpanIndexParameters } from '@openledger/attribution';
 */
export type BuildSpanIndexParameters = BuildSpanIndexOptions;
/**
 * Return type of {@link buildSpanIndex}.
 *
 * @example
 * import type { BuildSpanIndexReturnType } from '@openledger/attribution';
 */
export type BuildSpanIndexReturnType = SpanIndex;

const MAX_SHARD_TOKENS = 0x7fffffff;

/**
 * Build a suffix-array span index over documents (datanet contributions). Each document is
 * tokenized, followed by a separator token, and appended to the current shard; a shard is
 * sorted with SA-IS when full (by default at what one WebAssembly sort can take, about 686M
 * 16-bit or 519M 32-bit tokens; at most 2^31 − 1) and queries fan out over shards. The sort
 * runs in slices of about 40 ms between which the event loop turns, `signal` is heard and
 * `onProgress` hears `{ phase: 'sort', sorted }` (an estimate of the fraction done).
 *
 * @example
 * import { buildSpanIndex, createByteTokenizer, count } from '@openledger/attribution';
 * const index = await buildSpanIndex(
 *   [{ id: 'c1', contributor: '0xabc', text: 'Call me Ishmael.' }],
 *   { tokenizer: createByteTokenizer() },
 * );
 * await count(index, 'Ishmael'); // 1
 */
export async function buildSpanIndex(
  documents: Iterable<SpanDocument> | AsyncIterable<SpanDocument>,
  options: BuildSpanIndexParameters,
): Promise<BuildSpanIndexReturnType> {
  const { tokenizer, onProgress, signal } = options;
  const vocabSize = checkedVocabSize(tokenizer);
  const asked = options.maxShardTokens;
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 2 || asked > MAX_SHARD_TOKENS)) {
    throw new SpanIndexUsageError(`maxShardTokens must be an integer in [2, 2^31 − 1], got ${asked}.`);
  }
  const separator = vocabSize;
  const tokenWidth: 2 | 4 = vocabSize + 1 <= 0x10000 ? 2 : 4;
  // Tokens accumulate in a WebAssembly memory where the sorter can run (it then sorts them in
  // place, without a copy); without WebAssembly, or past what its memory can hold, in an array.
  const useWasm = await prepareSaisWasm();
  // By default a shard holds what one WebAssembly sort can take: a larger one would be sorted
  // in JavaScript, on a copy.
  const maxShard =
    asked ??
    (useWasm ? Math.min(MAX_SHARD_TOKENS, wasmShardLimit(tokenWidth, vocabSize + 1)) : MAX_SHARD_TOKENS);
  const Tokens = tokenWidth === 2 ? Uint16Array : Uint32Array;
  const unigramCounts = new Float64Array(vocabSize);
  const ids: string[] = [];
  const contributors: string[] = [];
  const shards: SpanShard[] = [];

  let wasm: WasmTokenBuffer | null = null;
  let buf: Uint16Array | Uint32Array = new Tokens(0);
  let len = 0;
  let starts = new Int32Array(1024);
  let docsInShard = 0;
  let firstDocument = 0;
  let totalTokens = 0;
  let sinceYield = 0;

  const checkAbort = () => {
    if (signal?.aborted) throw new AbortError({ operation: 'buildSpanIndex', cause: signal.reason });
  };

  const finishShard = async () => {
    if (docsInShard === 0) return;
    const shard = shards.length;
    const sortProgress = (sorted: number) =>
      onProgress?.({ phase: 'sort', documents: ids.length, tokens: totalTokens, shard, sorted });
    sortProgress(0);
    await nextTurn();
    checkAbort();
    // Either sorter runs in slices between which `signal` is heard and progress reported (1 is
    // reported once the shard is complete, below).
    const slices: SliceOptions = {
      signal,
      operation: 'buildSpanIndex',
      onProgress: (f) => f < 1 && sortProgress(f),
    };
    // Unigram counts are taken here, over the whole shard (its separators left out).
    const sorted = (await wasm?.sortAsync(len, vocabSize + 1, { ...slices, counts: unigramCounts })) ?? null;
    let tokens: Uint16Array | Uint32Array;
    let sa: Int32Array;
    if (sorted) {
      // Views of the buffer's memory: the shard owns it now.
      tokens = sorted.text as Uint16Array | Uint32Array;
      sa = sorted.sa;
    } else {
      // The JavaScript sorter, on a trimmed copy so that its peak counts the text once (a
      // failed WebAssembly sort may have grown its memory: take a fresh view of the tokens).
      tokens = ((wasm?.reserve(len) as Uint16Array | Uint32Array | null) ?? buf).slice(0, len);
      sa = new Int32Array(len);
      const clock = unpaused();
      const steps = suffixArraySteps(tokens, sa, len, vocabSize + 1, undefined, clock);
      await runInSlices(steps, clock, len, JS_WORK_PER_SYMBOL, slices);
      for (let i = 0; i < len; i++) if (tokens[i] !== separator) unigramCounts[tokens[i]!]!++;
    }
    wasm = null;
    buf = new Tokens(0);
    const columns = new MemoryColumns(tokens, sa);
    setSample(columns, buildSample(tokens, sa, len));
    shards.push({
      tokenCount: len,
      firstDocument,
      documentStarts: starts.slice(0, docsInShard),
      columns,
    });
    sortProgress(1);
    firstDocument += docsInShard;
    docsInShard = 0;
    len = 0;
  };

  /** The shard's token array with room for `capacity` tokens (the first `len` kept). */
  const ensure = (capacity: number): Uint16Array | Uint32Array => {
    if (capacity <= buf.length) return buf;
    // A shard's first document opens its WebAssembly buffer.
    if (useWasm && len === 0 && !wasm) wasm = WasmTokenBuffer.create(Tokens, Math.max(capacity, 1 << 16));
    const grownInPlace = wasm?.reserve(capacity) as Uint16Array | Uint32Array | null | undefined;
    if (grownInPlace) buf = grownInPlace;
    else {
      // No WebAssembly, or past its memory: continue this shard in an array.
      wasm = null;
      let cap = Math.max(buf.length * 2, 1 << 16);
      while (cap < capacity) cap *= 2;
      const grown = new Tokens(Math.min(cap, maxShard));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    return buf;
  };
  // Room for a document's ids and the separator after them.
  const room = (end: number) => ensure(end + 1);
  const append = appenderOf(tokenizer);

  /*
   * The work per document is in the functions below rather than in the loop of this async
   * function: the engine then optimises small functions, not all of this one again and again
   * as the build takes new branches (on background threads whose CPU time the build pays too).
   */
  /** Append the ids of a text from a built-in tokenizer (in range by construction). */
  const appendText = (text: string, append: Appender): number => {
    return append(text, room, len) - len;
  };
  /** Copy a document's ids into the shard (which has room), checking each. */
  const copyTokens = (id: string, toks: ArrayLike<number>): number => {
    const count = toks.length;
    if (toks instanceof Uint8Array || toks instanceof Uint16Array || toks instanceof Uint32Array) {
      // Unsigned integer arrays (what tokenizers return): only the upper bound needs checking.
      for (let i = 0; i < count; i++) {
        const t = toks[i]!;
        if (t >= vocabSize) throw outOfVocabulary(id, t, i, vocabSize);
      }
      buf.set(toks, len);
    } else {
      for (let i = 0; i < count; i++) {
        const t = toks[i]!;
        // Also rejects NaN and fractions: the index stores exact integer ids.
        if (!(t >= 0 && t < vocabSize) || t !== Math.floor(t)) throw outOfVocabulary(id, t, i, vocabSize);
        buf[len + i] = t;
      }
    }
    return count;
  };
  /** Close a document of `count` ids just written: its start, the separator, its names. */
  const endDocument = (doc: SpanDocument, count: number): void => {
    if (docsInShard === starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[docsInShard++] = len;
    buf[len + count] = separator;
    len += count + 1;
    totalTokens += count;
    sinceYield += count + 1;
    ids.push(doc.id);
    contributors.push(doc.contributor);
  };

  for await (const doc of documents as AsyncIterable<SpanDocument>) {
    checkAbort();
    const content = documentContent(doc, ids.length);
    let count: number;
    // A built-in tokenizer writes its ids into the shard itself (at most 3 per UTF-16 unit:
    // one per UTF-8 byte); others' ids are checked as they are copied.
    if (typeof content === 'string' && append && len + 3 * content.length < maxShard) {
      count = appendText(content, append);
    } else {
      const toks = typeof content === 'string' ? tokenizer.encode(content) : content;
      if (toks.length + 1 > maxShard) {
        throw new SpanIndexUsageError(
          `Document "${doc.id}" has ${toks.length} tokens; a shard holds at most ${maxShard - 1} plus a separator.`,
        );
      }
      if (len + toks.length + 1 > maxShard) await finishShard();
      ensure(len + toks.length + 1);
      count = copyTokens(doc.id, toks);
    }
    endDocument(doc, count);
    if (sinceYield >= 1 << 22) {
      sinceYield = 0;
      onProgress?.({ phase: 'tokenize', documents: ids.length, tokens: totalTokens });
      await nextTurn();
    }
  }
  await finishShard();
  onProgress?.({ phase: 'done', documents: ids.length, tokens: totalTokens });
  return {
    formatVersion: FORMAT_VERSION,
    tokenizerId: tokenizer.id,
    vocabSize,
    separator,
    tokenWidth,
    totalTokens,
    unigramCounts,
    documents: { ids, contributors },
    shards,
    io: { requests: 0, bytes: 0 },
  };
}

function outOfVocabulary(id: string, t: number, i: number, vocabSize: number): SpanIndexUsageError {
  return new SpanIndexUsageError(`Document "${id}" has token ${t} at ${i}, outside [0, ${vocabSize}).`);
}
