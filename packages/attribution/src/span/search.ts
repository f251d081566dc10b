import { createByteTokenizer } from '../tokenizers/byte.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { SpanIndexFormatError, SpanIndexUsageError } from './errors.js';
import { narrowBySample, sampleOf } from './sample.js';
import type { ShardColumns, SpanIndex, SpanShard } from './types.js';

/** Query tokens as a typed array (the search reads them in its inner loop). */
export type QueryTokens = Uint32Array;

function saAt(cols: ShardColumns, i: number, n: number): number {
  const p = cols.sa(i);
  if (!(p >= 0 && p < n))
    throw new SpanIndexFormatError(`Suffix array entry ${i} is ${p}, outside the shard.`);
  return p;
}

/** Where a binary search starts: the whole shard, or the part its sample leaves. */
function start(cols: ShardColumns, n: number, q: QueryTokens, qs: number, ql: number, strict: boolean) {
  const s = sampleOf(cols);
  return s ? narrowBySample(s, n, q, qs, ql, strict) : { lo: 0, hi: n, llo: 0, lhi: 0 };
}

/**
 * First suffix-array rank whose suffix is >= q[qs, qs+ql) (a suffix that has the query as a
 * prefix counts as equal), plus the LCP of the query with the suffixes on either side of that
 * insertion point. Binary search that skips the prefix both bounds already share with q.
 */
export function lowerBound(
  cols: ShardColumns,
  n: number,
  q: QueryTokens,
  qs: number,
  ql: number,
): { rank: number; lcp: number } {
  let { lo, hi, llo, lhi } = start(cols, n, q, qs, ql, true);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = saAt(cols, mid, n);
    let k = Math.min(llo, lhi);
    let c = 0;
    for (; k < ql; k++) {
      const pk = p + k;
      if (pk >= n) {
        c = -1;
        break;
      }
      const a = cols.tok(pk);
      const b = q[qs + k]!;
      if (a !== b) {
        c = a < b ? -1 : 1;
        break;
      }
    }
    if (c < 0) {
      lo = mid + 1;
      llo = k;
    } else {
      hi = mid;
      lhi = k;
    }
  }
  return { rank: lo, lcp: Math.max(llo, lhi) };
}

/** First rank whose suffix is > q (suffixes with q as a prefix sort before it). */
export function upperBound(cols: ShardColumns, n: number, q: QueryTokens, qs: number, ql: number): number {
  let { lo, hi, llo, lhi } = start(cols, n, q, qs, ql, false);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = saAt(cols, mid, n);
    let k = Math.min(llo, lhi);
    let c = 0;
    for (; k < ql; k++) {
      const pk = p + k;
      if (pk >= n) {
        c = -1;
        break;
      }
      const a = cols.tok(pk);
      const b = q[qs + k]!;
      if (a !== b) {
        c = a < b ? -1 : 1;
        break;
      }
    }
    if (c <= 0) {
      lo = mid + 1;
      llo = k;
    } else {
      hi = mid;
      lhi = k;
    }
  }
  return lo;
}

/** Suffix-array rank range `[lo, hi)` of the occurrences of q[qs, qs+ql) in one shard. */
export function rankRange(shard: SpanShard, q: QueryTokens, qs: number, ql: number): [number, number] {
  const n = shard.tokenCount;
  const { rank, lcp } = lowerBound(shard.columns, n, q, qs, ql);
  if (lcp < ql) return [rank, rank];
  return [rank, upperBound(shard.columns, n, q, qs, ql)];
}

/** The tokenizer to use with `index`: the given one (checked) or the built-in byte tokenizer. */
export function resolveTokenizer(index: SpanIndex, tokenizer: Tokenizer | undefined): Tokenizer {
  const t = tokenizer ?? (index.tokenizerId === 'bytes:utf-8' ? createByteTokenizer() : undefined);
  if (!t) {
    throw new SpanIndexUsageError(
      `This index was built with tokenizer "${index.tokenizerId}"; pass it as { tokenizer }.`,
    );
  }
  if (t.id !== index.tokenizerId) {
    throw new SpanIndexUsageError(
      `Tokenizer "${t.id}" does not match the index's tokenizer "${index.tokenizerId}".`,
    );
  }
  return t;
}

/** Encode text (or check given tokens) into a typed array of in-vocabulary ids. */
export function toQueryTokens(
  index: SpanIndex,
  input: string | ArrayLike<number>,
  tokenizer?: Tokenizer,
): QueryTokens {
  const raw = typeof input === 'string' ? resolveTokenizer(index, tokenizer).encode(input) : input;
  const q = new Uint32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (!(t >= 0 && t < index.vocabSize) || t !== Math.floor(t)) {
      throw new SpanIndexUsageError(
        `Token ${t} at ${i} is outside the index vocabulary [0, ${index.vocabSize}).`,
      );
    }
    q[i] = t;
  }
  return q;
}
