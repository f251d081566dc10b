import type { QueryTokens } from './search.js';
import type { ShardColumns } from './types.js';

/**
 * Every `every`-th suffix of a shard in suffix-array order, as its first `prefix` tokens (cut at
 * the shard's end and padded with whatever; a comparison with a query always stops at the
 * shard's final separator first). Searches narrow their range on it in memory before they
 * touch the suffix array or the text: for an index read by HTTP Range requests this saves the
 * upper levels of every binary search, about 15 of 24 on a 20M-token shard, each a request
 * when cold.
 */
export interface SuffixSample {
  readonly every: number;
  readonly prefix: number;
  /** `ceil(n / every)` prefixes of `prefix` tokens each. */
  readonly tokens: Uint16Array | Uint32Array;
}

/** Sampling step and prefix length of the samples written by `serializeSpanIndex`. */
export const SAMPLE_EVERY = 512;
export const SAMPLE_PREFIX = 12;

const samples = new WeakMap<ShardColumns, SuffixSample>();

/** Attach a sample (loaded from a file, or built) to a shard's columns. */
export function setSample(cols: ShardColumns, sample: SuffixSample): void {
  samples.set(cols, sample);
}

/** The sample of a shard's columns, if it has one. */
export function sampleOf(cols: ShardColumns): SuffixSample | undefined {
  return samples.get(cols);
}

/** Sample `n` tokens held in memory. */
export function buildSample(
  tokens: Uint16Array | Uint32Array,
  suffixes: Int32Array,
  n: number,
  every = SAMPLE_EVERY,
  prefix = SAMPLE_PREFIX,
): SuffixSample {
  const count = Math.ceil(n / every);
  const out =
    tokens instanceof Uint16Array ? new Uint16Array(count * prefix) : new Uint32Array(count * prefix);
  for (let j = 0; j < count; j++) {
    const p = suffixes[j * every]!;
    const end = Math.min(n, p + prefix);
    out.set(tokens.subarray(p, end), j * prefix);
  }
  return { every, prefix, tokens: out };
}

/**
 * The rank range `[lo, hi)` a binary search over `n` suffixes must still search for the
 * boundary of q[qs, qs+ql): for `strict` (lower bound) the first suffix ≥ q, else (upper
 * bound) the first suffix > q, where a suffix with q as a prefix equals q. `llo` and `lhi` are
 * the exact common prefix lengths of q with the suffixes at ranks `lo − 1` and `hi` (0 at the
 * ends), as the search keeps them. Samples whose prefix equals q's first `prefix` tokens (q
 * being longer) cannot be placed and stay inside the range.
 */
export function narrowBySample(
  s: SuffixSample,
  n: number,
  q: QueryTokens,
  qs: number,
  ql: number,
  strict: boolean,
): { lo: number; hi: number; llo: number; lhi: number } {
  const { every, prefix, tokens } = s;
  const count = Math.ceil(n / every);
  const upto = Math.min(ql, prefix);
  // Sample j against q: -1 below, 1 above, 0 with q as its prefix, 2 undecided; lcp in `shared`.
  let shared = 0;
  const compare = (j: number): number => {
    const base = j * prefix;
    for (let k = 0; k < upto; k++) {
      const a = tokens[base + k]!;
      const b = q[qs + k]!;
      if (a !== b) {
        shared = k;
        return a < b ? -1 : 1;
      }
    }
    shared = upto;
    return ql <= prefix ? 0 : 2;
  };
  const below = strict ? (c: number) => c === -1 : (c: number) => c === -1 || c === 0;
  const above = strict ? (c: number) => c === 0 || c === 1 : (c: number) => c === 1;
  // Samples run: below…, undecided…, above… (suffix order). a = first not below.
  let a0 = 0;
  let a1 = count;
  while (a0 < a1) {
    const mid = (a0 + a1) >>> 1;
    if (below(compare(mid))) a0 = mid + 1;
    else a1 = mid;
  }
  // b = first above, at or after a.
  let b0 = a0;
  let b1 = count;
  while (b0 < b1) {
    const mid = (b0 + b1) >>> 1;
    if (above(compare(mid))) b1 = mid;
    else b0 = mid + 1;
  }
  let lo = 0;
  let llo = 0;
  if (a0 > 0) {
    compare(a0 - 1);
    lo = (a0 - 1) * every + 1;
    llo = shared;
  }
  let hi = n;
  let lhi = 0;
  if (b0 < count) {
    compare(b0);
    hi = b0 * every;
    lhi = shared;
  }
  return { lo, hi, llo, lhi };
}
