import { AbortError } from '@openledger/core';
import type { Tokenizer } from '../tokenizers/types.js';
import { analyzeOutput } from './analyze.js';
import { SpanIndexFormatError, SpanIndexUsageError } from './errors.js';
import { withPages } from './paged.js';
import { lowerBound, type QueryTokens, rankRange, resolveTokenizer, toQueryTokens } from './search.js';
import type { ShardColumns, Span, SpanIndex, SpanOccurrence } from './types.js';

/**
 * Options of {@link findSpans}.
 *
 * @example
 * import type { FindSpansOptions } from '@openledger/attribution';
 */
export interface FindSpansOptions {
  /** The index's tokenizer; optional for indexes built with `createByteTokenizer()`. */
  tokenizer?: Tokenizer;
  /** Shortest span kept, in tokens. Default 2. */
  minSpanLength?: number;
  /** Spans occurring more often than this in the index are dropped as common. Default 10. */
  maxFrequency?: number;
  /** Keep the ⌈density · L⌉ rarest spans of an L-token output. Default 0.05. */
  density?: number;
  /** Occurrences listed per span (K); sampled evenly in suffix order when there are more. Default 10. */
  maxDocumentsPerSpan?: number;
  /** Tokens of context on each side of an occurrence. Default 32. */
  contextTokens?: number;
  signal?: AbortSignal;
}

/**
 * Parameters of {@link findSpans}: the output as text or token ids.
 *
 * @example
 * import type { FindSpansParameters } from '@openledger/attribution';
 */
export type FindSpansParameters = string | ArrayLike<number>;
/**
 * Return type of {@link findSpans}.
 *
 * @example
 * import type { FindSpansReturnType } from '@openledger/attribution';
 */
export type FindSpansReturnType = Span[];

interface Candidate {
  i: number;
  j: number;
  count: number;
  ranges: [number, number][];
  score: number;
}

/**
 * Find maximal verbatim spans of a model output that occur in the index, the OLMoTrace way:
 * one suffix-array search per word start gives the longest match (LCP with the neighbours at
 * the insertion point); it is cut after the first sentence/line delimiter and backed off to a
 * word boundary; spans shorter than `minSpanLength` or occurring more than `maxFrequency`
 * times are dropped, then spans contained in another are dropped, and the ⌈density · L⌉
 * spans with the lowest unigram log-probability are kept. Returned in output order, each
 * with up to K occurrences (document, token and character offsets, context).
 *
 * @example
 * import { buildSpanIndex, createByteTokenizer, findSpans } from '@openledger/attribution';
 * const tokenizer = createByteTokenizer();
 * const index = await buildSpanIndex([{ id: 'c1', contributor: '0xabc', text: 'the white whale swam' }], { tokenizer });
 * const spans = await findSpans(index, 'I saw the white whale today', { tokenizer, density: 1 });
 * spans[0]?.text; // 'the white whale'
 */
export async function findSpans(
  index: SpanIndex,
  output: FindSpansParameters,
  options: FindSpansOptions = {},
): Promise<FindSpansReturnType> {
  const minLen = options.minSpanLength ?? 2;
  const maxFreq = options.maxFrequency ?? 10;
  const density = options.density ?? 0.05;
  const K = options.maxDocumentsPerSpan ?? 10;
  const ctx = options.contextTokens ?? 32;
  for (const [name, v, min] of [
    ['minSpanLength', minLen, 1],
    ['maxFrequency', maxFreq, 1],
    ['maxDocumentsPerSpan', K, 0],
    ['contextTokens', ctx, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new SpanIndexUsageError(`${name} must be an integer >= ${min}, got ${v}.`);
  }
  if (!(density > 0 && density <= 1))
    throw new SpanIndexUsageError(`density must be in (0, 1], got ${density}.`);
  const { signal } = options;
  const checkAbort = () => {
    if (signal?.aborted) throw new AbortError({ operation: 'findSpans', cause: signal.reason });
  };
  const tokenizer = resolveTokenizer(index, options.tokenizer);
  const q = toQueryTokens(index, output, tokenizer);
  const L = q.length;
  if (L === 0 || index.shards.length === 0) return [];
  const shape = analyzeOutput(tokenizer, q);

  // 1. Longest match per word start, cut at a delimiter and backed off to a word boundary.
  const starts: number[] = [];
  for (let i = 0; i < L; i++) if (shape.start[i]) starts.push(i);
  const longest = await Promise.all(starts.map((i) => withPages(() => longestMatch(index, q, i, L - i))));
  checkAbort();
  const pairs: [number, number][] = [];
  starts.forEach((i, s) => {
    let e = i + longest[s]!;
    for (let p = i; p < e; p++) {
      if (shape.delim[p]) {
        e = p + 1;
        break;
      }
    }
    while (e > i && !shape.end[e]) e--;
    if (e - i >= minLen) pairs.push([i, e]);
  });

  // 2. Frequency filter, then drop spans contained in an earlier-starting one.
  const counted = await Promise.all(
    pairs.map(([i, j]) =>
      withPages(() => {
        const ranges = index.shards.map((shard) => rankRange(shard, q, i, j - i));
        return { i, j, ranges, count: ranges.reduce((a, [lo, hi]) => a + hi - lo, 0), score: 0 };
      }),
    ),
  );
  checkAbort();
  const maximal: Candidate[] = [];
  let reach = -1;
  for (const c of counted) {
    if (c.count < 1 || c.count > maxFreq) continue;
    if (reach >= c.j) continue;
    reach = c.j;
    maximal.push(c);
  }

  // 3. Keep the rarest ⌈density · L⌉ by unigram log-probability.
  const total = index.totalTokens;
  for (const c of maximal) {
    let s = 0;
    for (let p = c.i; p < c.j; p++) s += Math.log(index.unigramCounts[q[p]!]! / total);
    c.score = s;
  }
  const keep = Math.ceil(density * L);
  const kept = [...maximal].sort((a, b) => a.score - b.score || a.i - b.i).slice(0, keep);
  kept.sort((a, b) => a.i - b.i);

  // 4. Evidence for each kept span, looked up for all spans at once (over HTTP ranges, their
  // page loads overlap instead of queueing span after span).
  const evidence = await Promise.all(kept.map((c) => occurrences(index, tokenizer, c, K, ctx)));
  checkAbort();
  return kept.map((c, s): Span => {
    const charStart = tokenizer.decode(q.subarray(0, c.i)).length;
    const text = tokenizer.decode(q.subarray(c.i, c.j));
    return {
      tokenStart: c.i,
      tokenEnd: c.j,
      charStart,
      charEnd: charStart + text.length,
      text,
      count: c.count,
      unigramLogProb: c.score,
      occurrences: evidence[s]!,
    };
  });
}

function longestMatch(index: SpanIndex, q: QueryTokens, i: number, len: number): number {
  let best = 0;
  for (const shard of index.shards) {
    const { lcp } = lowerBound(shard.columns, shard.tokenCount, q, i, len);
    if (lcp > best) best = lcp;
  }
  return best;
}

async function occurrences(
  index: SpanIndex,
  tokenizer: Tokenizer,
  c: Candidate,
  K: number,
  ctx: number,
): Promise<SpanOccurrence[]> {
  // Evenly spaced ranks over the occurrences in suffix order: deterministic, spread out.
  const picks: number[] = [];
  if (c.count <= K) for (let r = 0; r < c.count; r++) picks.push(r);
  else for (let k = 0; k < K; k++) picks.push(Math.floor((k * c.count) / K));
  const located = await Promise.all(
    picks.map((r) =>
      withPages(() => {
        let rank = r;
        for (let s = 0; s < c.ranges.length; s++) {
          const [lo, hi] = c.ranges[s]!;
          if (rank < hi - lo) {
            const pos = index.shards[s]!.columns.sa(lo + rank);
            if (!(pos >= 0 && pos < index.shards[s]!.tokenCount)) {
              throw new SpanIndexFormatError(`Suffix array entry ${lo + rank} is ${pos}, outside the shard.`);
            }
            return { shard: s, pos };
          }
          rank -= hi - lo;
        }
        throw new Error('unreachable: rank beyond the occurrence count');
      }),
    ),
  );
  const len = c.j - c.i;
  const out: SpanOccurrence[] = [];
  for (const { shard: s, pos } of located) {
    const shard = index.shards[s]!;
    const starts = shard.documentStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    const docStart = starts[lo]!;
    const docEnd = lo + 1 < starts.length ? starts[lo + 1]! - 1 : shard.tokenCount - 1;
    // A match never crosses a separator; one that does means the tokens section is corrupt
    // (flipped bytes there are only caught by `loadSpanIndex(…, { verify: true })`).
    if (pos + len > docEnd) {
      throw new SpanIndexFormatError(
        `Shard ${s} has a match crossing a document boundary: the index is corrupt.`,
      );
    }
    const from = Math.max(docStart, pos - ctx);
    const to = Math.min(docEnd, pos + len + ctx);
    await shard.columns.prefetchTokens?.(from, to);
    const read = (a: number, b: number) =>
      withPages(() => {
        const t = new Uint32Array(b - a);
        for (let p = a; p < b; p++) t[p - a] = shard.columns.tok(p);
        return t;
      });
    const documentIndex = shard.firstDocument + lo;
    out.push({
      documentId: index.documents.ids[documentIndex]!,
      contributor: index.documents.contributors[documentIndex]!,
      documentIndex,
      tokenOffset: pos - docStart,
      charOffset: await charOffset(tokenizer, shard.columns, docStart, docEnd, pos, read),
      context: {
        before: tokenizer.decode(await read(from, pos)),
        after: tokenizer.decode(await read(pos + len, to)),
      },
    });
  }
  out.sort((a, b) => a.documentIndex - b.documentIndex || a.tokenOffset - b.tokenOffset);
  return out;
}

/**
 * UTF-16 length of the decoded document prefix `[docStart, to)`. Byte-tokenizer indexes count
 * it straight from the UTF-8 bytes (no decode, no copy), from the nearest per-document
 * checkpoint; anything not well-formed falls back to decoding, which is what the definition is.
 */
async function charOffset(
  tokenizer: Tokenizer,
  cols: ShardColumns,
  docStart: number,
  docEnd: number,
  to: number,
  read: (a: number, b: number) => Promise<Uint32Array>,
): Promise<number> {
  if (tokenizer.id === 'bytes:utf-8') {
    const n = await utf16Offset(cols, docStart, docEnd, to);
    if (n >= 0) return n;
  }
  // Paged shards fetch the prefix's pages at once (a page miss restarts the read).
  await cols.prefetchTokens?.(docStart, to);
  return tokenizer.decode(await read(docStart, to)).length;
}

const CHECKPOINT_EVERY = 1024;

/**
 * (position, UTF-16 offset) pairs about every 1024 bytes of a document, each at a character
 * boundary, from its start as far as queries have needed; `valid` turns false at the first
 * byte that is not well-formed UTF-8. Kept for the life of the shard's columns, so a document
 * is counted through once however many occurrences and queries land in it; `busy` serialises
 * extensions by concurrent queries.
 */
interface DocumentMarks {
  marks: number[];
  valid: boolean;
  busy: Promise<void> | null;
}
const checkpointCache = new WeakMap<ShardColumns, Map<number, DocumentMarks>>();

/** UTF-16 offset of byte `to` of the UTF-8 document at `docStart`, or -1 when not well-formed. */
async function utf16Offset(
  cols: ShardColumns,
  docStart: number,
  docEnd: number,
  to: number,
): Promise<number> {
  let perShard = checkpointCache.get(cols);
  if (!perShard) {
    perShard = new Map();
    checkpointCache.set(cols, perShard);
  }
  let doc = perShard.get(docStart);
  if (!doc) {
    doc = { marks: [docStart, 0], valid: true, busy: null };
    perShard.set(docStart, doc);
  }
  const d = doc;
  const lastAt = () => d.marks[d.marks.length - 2]!;
  // Extend the checkpoints to within CHECKPOINT_EVERY bytes of `to`, one window at a time (a
  // page miss re-runs one window, not the whole prefix); paged columns fetch it all at once.
  if (d.valid && lastAt() + CHECKPOINT_EVERY <= to) await cols.prefetchTokens?.(lastAt(), to);
  while (d.valid && lastAt() + CHECKPOINT_EVERY <= to && lastAt() < docEnd) {
    if (d.busy) {
      await d.busy;
      continue;
    }
    d.busy = (async () => {
      const p = lastAt();
      const [q, n] = await withPages((): [number, number] => {
        let q = Math.min(p + CHECKPOINT_EVERY, docEnd);
        while (q < docEnd && (cols.tok(q) & 0xc0) === 0x80) q++;
        return [q, utf16LengthOfUtf8(cols, p, q)];
      });
      if (n < 0) d.valid = false;
      else d.marks.push(q, d.marks[d.marks.length - 1]! + n);
    })().finally(() => {
      d.busy = null;
    });
    await d.busy;
  }
  // Count on from the last checkpoint at or before `to` (past a malformed byte, the prefix up
  // to `to` may still be well-formed).
  let lo = 0;
  let hi = d.marks.length / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (d.marks[2 * mid]! <= to) lo = mid;
    else hi = mid - 1;
  }
  const from = d.marks[2 * lo]!;
  const n = await withPages(() => utf16LengthOfUtf8(cols, from, to));
  return n < 0 ? -1 : d.marks[2 * lo + 1]! + n;
}

function utf16LengthOfUtf8(cols: ShardColumns, from: number, to: number): number {
  let units = 0;
  for (let p = from; p < to; ) {
    const b = cols.tok(p);
    const extra =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (extra < 0 || p + extra >= to + (extra ? 0 : 1)) return -1;
    for (let k = 1; k <= extra; k++) if ((cols.tok(p + k) & 0xc0) !== 0x80) return -1;
    // Overlong and surrogate encodings decode to U+FFFD runs: leave those to the decoder.
    if (extra === 2) {
      const c = cols.tok(p + 1);
      if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c >= 0xa0)) return -1;
    } else if (extra === 3) {
      const c = cols.tok(p + 1);
      if ((b === 0xf0 && c < 0x90) || (b === 0xf4 && c >= 0x90)) return -1;
    }
    units += extra === 3 ? 2 : 1;
    p += extra + 1;
  }
  return units;
}
