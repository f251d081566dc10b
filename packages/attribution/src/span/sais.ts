/**
 * Suffix array construction by induced sorting (SA-IS, Nong–Zhang–Chan 2009), on typed
 * arrays, linear time.
 *
 * Memory: besides `text` and `sa`, one level keeps its bucket arrays (a few times the alphabet
 * size) and nothing proportional to the text. The reduced problem and its solution live inside
 * `sa`; a deeper level puts its bucket arrays in the unused middle of its parent's `sa` when
 * they fit. Types (S/L) are never stored: every scan derives them from neighbouring symbols.
 *
 * Naming the LMS substrings costs no comparisons when the text is below 2^30 symbols: the
 * stage-1 induction tracks which entries head a new group of equal prefixes (a flag of `+n` on
 * the entry), the idea of Yuta Mori's sais-lite. Larger texts, and deeper levels whose buckets
 * would not fit the memory budget, compare substrings by length and symbols instead.
 */

import { drain, type SortClock, type Steps, unpaused } from './slices.js';

/** Any integer text whose symbols are all in `[0, alphabetSize)`. */
export type SaisText = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** Texts the sorter works on: one of these three, so that element loads stay monomorphic-ish. */
type Text = Uint8Array | Uint16Array | Int32Array;

/** Largest `n` for which `p + n` (a flagged position) fits an Int32Array entry. */
const FLAG_LIMIT = 0x3fffffff;

/** Knobs for tests, to reach the paths that large or adversarial inputs take. */
export interface SuffixArrayTuning {
  /** Name LMS substrings by comparing them (the path used for texts of 2^30 symbols or more). */
  compareNames?: boolean;
  /** Bucket memory (in 32-bit entries) the deeper levels may allocate; default max(2^18, n/4). */
  bucketBudget?: number;
  /** Entries per call of a pass's range function, where the sort may pause (default 2^16). */
  chunk?: number;
}

/**
 * Fill `sa[0..n)` with the suffix array of `text[0..n)`. Suffixes compare as if followed by a
 * sentinel smaller than every symbol (a proper prefix sorts first).
 */
export function suffixArray(
  text: SaisText,
  sa: Int32Array,
  n: number,
  alphabetSize: number,
  tuning?: SuffixArrayTuning,
): void {
  drain(suffixArraySteps(text, sa, n, alphabetSize, tuning, unpaused()));
}

/**
 * {@link suffixArray} as steps that yield where the sort may pause, as `clock` says (see
 * `runInSlices` in `slices.ts`); `text` is left as it was.
 */
export function* suffixArraySteps(
  text: SaisText,
  sa: Int32Array,
  n: number,
  alphabetSize: number,
  tuning: SuffixArrayTuning | undefined,
  clock: SortClock,
): Steps {
  if (n > 0x7fffffff) throw new RangeError('suffixArray: more than 2^31 - 1 symbols');
  if (sa.length < n) throw new RangeError('suffixArray: output array too short');
  if (n === 0) return;
  if (n === 1) {
    sa[0] = 0;
    return;
  }
  let T: Text;
  let k = alphabetSize;
  if (text instanceof Uint32Array) {
    if (k <= 0x80000000) T = new Int32Array(text.buffer, text.byteOffset, n);
    else {
      // Symbols above 2^31 do not fit the signed arithmetic below: rank them densely.
      const r = rankAlphabet(text, n);
      T = r.text;
      k = r.k;
    }
  } else T = text;
  if (k > 256 && k <= 1 << 24 && !(T instanceof Uint8Array) && n >= 4096) {
    // Byte-sized texts in wider arrays (a byte vocabulary plus separators): sort a byte copy,
    // which halves or quarters the memory the random accesses touch.
    const narrowed = narrowToBytes(T, n, k);
    if (narrowed) {
      T = narrowed;
      k = 256;
    }
  }
  const budget = { ints: tuning?.bucketBudget ?? Math.max(1 << 18, n >>> 2) };
  const pace: Pace = { clock, chunk: tuning?.chunk ?? CHUNK };
  yield* sais(T, sa.subarray(0, n), n, k, null, budget, tuning?.compareNames === true, pace);
}

/** An order-preserving copy of the text in bytes when it uses at most 256 distinct symbols. */
function narrowToBytes(T: Uint16Array | Int32Array, n: number, k: number): Uint8Array | null {
  const seen = new Uint8Array(k);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const c = T[i]!;
    if (seen[c] === 0) {
      seen[c] = 1;
      if (++distinct > 256) return null;
    }
  }
  const rank = new Uint8Array(k);
  for (let c = 0, r = 0; c < k; c++) if (seen[c] === 1) rank[c] = r++;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rank[T[i]!]!;
  return out;
}

function rankAlphabet(text: Uint32Array, n: number): { text: Int32Array; k: number } {
  const values = Uint32Array.from(new Set(text.subarray(0, n))).sort();
  const rank = new Map<number, number>();
  for (let i = 0; i < values.length; i++) rank.set(values[i]!, i);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rank.get(text[i]!)!;
  return { text: out, k: values.length };
}

/*
 * The passes below are generators that call a plain range function chunk by chunk (see `up`
 * and `down`): the loops stay in ordinary functions, which engines optimise fully (written as
 * generators themselves they ran about 50% slower), and a sort can pause between chunks.
 */

/** Entries per call of a range function: where a sort may pause. */
const CHUNK = 1 << 16;

/** How a sort is paced: its clock, and the entries per call of a range function. */
interface Pace {
  readonly clock: SortClock;
  readonly chunk: number;
}

/** Call `f(lo, hi)` over [lo, hi) in ascending chunks, pausing between them as `pace.clock` says. */
function* up(lo: number, hi: number, pace: Pace, f: (lo: number, hi: number) => void): Steps {
  for (let a = lo; a < hi; ) {
    const b = Math.min(hi, a + pace.chunk);
    f(a, b);
    pace.clock.work += b - a;
    a = b;
    if (performance.now() >= pace.clock.end) yield;
  }
}

/** Same, descending: the chunk [a, b) nearest `hi` first. */
function* down(lo: number, hi: number, pace: Pace, f: (lo: number, hi: number) => void): Steps {
  for (let b = hi; b > lo; ) {
    const a = Math.max(lo, b - pace.chunk);
    f(a, b);
    pace.clock.work += b - a;
    b = a;
    if (performance.now() >= pace.clock.end) yield;
  }
}

function* countSymbols(T: Text, n: number, C: Int32Array, k: number, pace: Pace): Steps {
  C.fill(0, 0, k);
  yield* up(0, n, pace, (lo, hi) => countRange(T, C, lo, hi));
}

function countRange(T: Text, C: Int32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) C[T[i]!]!++;
}

/** `B[c]` = first slot of bucket `c`. `B` may be `C` itself. */
function bucketStarts(C: Int32Array, B: Int32Array, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const v = C[c]!;
    B[c] = sum;
    sum += v;
  }
}

/** `B[c]` = one past the last slot of bucket `c`. `B` may be `C` itself. */
function bucketEnds(C: Int32Array, B: Int32Array, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += C[c]!;
    B[c] = sum;
  }
}

/**
 * A right-to-left scan of the text's types: `c1` is the symbol after position i, `sNext`
 * whether that position is S-type; `count` and `last` are for the scan's own use.
 */
interface TypeScan {
  c1: number;
  sNext: boolean;
  count: number;
  last: number;
}

/** A scan from the text's end (suffix n-1 is L-type: larger than the empty suffix). */
const typeScan = (T: Text, n: number, last = 0): TypeScan => ({
  c1: T[n - 1]!,
  sNext: false,
  count: 0,
  last,
});

/** Stage 1's seeding over positions [lo, hi), right to left: LMS positions to their bucket ends. */
function seedRange(T: Text, SA: Int32Array, B: Int32Array, st: TypeScan, lo: number, hi: number): void {
  let { c1, sNext, count, last } = st;
  for (let i = hi - 1; i >= lo; i--) {
    const c0 = T[i]!;
    const s: boolean = c0 < c1 || (c0 === c1 && sNext);
    if (sNext && !s) {
      last = i + 1;
      SA[--B[c1]!] = last;
      count++;
    }
    sNext = s;
    c1 = c0;
  }
  st.c1 = c1;
  st.sNext = sNext;
  st.count = count;
  st.last = last;
}

/**
 * LMS positions in text order into `out[..st.last]` (filled from its end), over positions
 * [lo, hi) right to left.
 */
function positionsRange(T: Text, out: Int32Array, st: TypeScan, lo: number, hi: number): void {
  let { c1, sNext, last } = st;
  for (let i = hi - 1; i >= lo; i--) {
    const c0 = T[i]!;
    const s: boolean = c0 < c1 || (c0 === c1 && sNext);
    if (sNext && !s) out[last--] = i + 1;
    sNext = s;
    c1 = c0;
  }
  st.c1 = c1;
  st.sNext = sNext;
  st.last = last;
}

/**
 * One level of SA-IS. `free`, when given, is scratch space the level may use for its buckets;
 * `budget.ints` bounds what it may allocate for them beyond that.
 */
function* sais(
  T: Text,
  SA: Int32Array,
  n: number,
  k: number,
  free: Int32Array | null,
  budget: { ints: number },
  compareNames: boolean,
  pace: Pace,
): Steps {
  // Bucket arrays: counts C, bucket pointers B and, to name by induction, D (2k).
  // `recount` means C and B share one array and counts are recomputed for each pass.
  const named = !compareNames && n <= FLAG_LIMIT;
  const want = named ? 4 * k : 2 * k;
  let C: Int32Array;
  let B: Int32Array;
  let D: Int32Array | null = null;
  let allocated = 0;
  if (free !== null && want <= free.length) {
    C = free.subarray(0, k);
    B = free.subarray(k, 2 * k);
    if (named) D = free.subarray(2 * k, 4 * k);
  } else if (want <= budget.ints) {
    const all = new Int32Array(want);
    allocated = want;
    budget.ints -= want;
    C = all.subarray(0, k);
    B = all.subarray(k, 2 * k);
    if (named) D = all.subarray(2 * k, 4 * k);
  } else if (free !== null && k <= free.length) {
    C = B = free.subarray(0, k);
  } else {
    C = B = new Int32Array(k);
  }
  const recount = C === B;

  // Stage 1: place the LMS positions at the ends of their buckets (text order, right to left).
  yield* countSymbols(T, n, C, k, pace);
  bucketEnds(C, B, k);
  SA.fill(0, 0, n);
  const seeds = typeScan(T, n);
  yield* down(0, n - 1, pace, (lo, hi) => seedRange(T, SA, B, seeds, lo, hi));
  const m = seeds.count;
  const lms = seeds.last;

  let names = m;
  if (m > 1) {
    if (D !== null) {
      names = yield* sortAndNameByInduction(T, SA, n, k, C, B, D, pace);
    } else {
      yield* sortLmsSubstrings(T, SA, n, k, C, B, recount, pace);
      names = yield* compactAndNameByComparison(T, SA, n, m, pace);
    }
  } else {
    SA.fill(0, 0, n);
    if (m === 1) SA[0] = lms;
  }

  // Stage 2: sort the reduced string (recursively when names repeat).
  if (names < m) {
    // Gather names in text order into SA[n-m..n) (SA[m + p/2] holds name + 1 of LMS p).
    let j = n - 1;
    yield* down(m, n, pace, (lo, hi) => {
      j = gatherRange(SA, j, lo, hi);
    });
    const s1 = SA.subarray(n - m, n);
    const sa1 = SA.subarray(0, m);
    yield* sais(s1, sa1, m, names, SA.subarray(m, n - m), budget, compareNames, pace);
    // s1 := LMS positions in text order; map reduced ranks back to text positions.
    const positions = typeScan(T, n, m - 1);
    yield* down(0, n - 1, pace, (lo, hi) => positionsRange(T, s1, positions, lo, hi));
    yield* up(0, m, pace, (lo, hi) => mapBackRange(sa1, s1, lo, hi));
  }

  // Stage 3: induce the full order from the sorted LMS suffixes at their bucket ends.
  if (recount) yield* countSymbols(T, n, C, k, pace);
  bucketEnds(C, B, k);
  SA.fill(0, m, n);
  yield* down(0, m, pace, (lo, hi) => placeRange(T, SA, B, lo, hi));
  yield* induce(T, SA, n, k, C, B, recount, pace, induceLRange, induceSRange);
  budget.ints += allocated;
}

/** A pass of an induction over SA[lo..hi), with bucket cursors B. */
type InducePass = (T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number) => void;

/**
 * An induction: the L pass left to right from the bucket starts (after the sentinel's
 * predecessor, suffix n-1: L-type and the smallest of its bucket), then the S pass right to
 * left from the bucket ends.
 */
function* induce(
  T: Text,
  SA: Int32Array,
  n: number,
  k: number,
  C: Int32Array,
  B: Int32Array,
  recount: boolean,
  pace: Pace,
  L: InducePass,
  S: InducePass,
): Steps {
  if (recount) yield* countSymbols(T, n, C, k, pace);
  bucketStarts(C, B, k);
  const last = n - 1;
  const cl = T[last]!;
  SA[B[cl]!++] = T[last - 1]! < cl ? ~last : last;
  yield* up(0, n, pace, (lo, hi) => L(T, SA, B, lo, hi));
  if (recount) yield* countSymbols(T, n, C, k, pace);
  bucketEnds(C, B, k);
  yield* down(0, n, pace, (lo, hi) => S(T, SA, B, lo, hi));
}

/** Move names (stored + 1, zeros between) from SA[lo..hi) to SA[..j], right to left; returns j. */
function gatherRange(SA: Int32Array, j: number, lo: number, hi: number): number {
  for (let i = hi - 1; i >= lo; i--) {
    const x = SA[i]!;
    if (x !== 0) SA[j--] = x - 1;
  }
  return j;
}

function mapBackRange(sa1: Int32Array, s1: Int32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) sa1[i] = s1[sa1[i]!]!;
}

/** Sorted LMS suffixes SA[lo..hi) to the ends of their buckets, right to left. */
function placeRange(T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number): void {
  for (let i = hi - 1; i >= lo; i--) {
    const p = SA[i]!;
    SA[i] = 0;
    SA[--B[T[p]!]!] = p;
  }
}

/*
 * Induction passes. An entry is stored bit-inverted (~p) when its predecessor must not be
 * induced by the current pass, decided from two symbols as it is placed. The L pass inverts
 * every slot it scans, so the S pass sees exactly the entries whose predecessor is S-type as
 * positive, and restores the others. Suffix 0 is stored as 0, which reads as empty: it has no
 * predecessor to induce.
 */
function induceLRange(T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) {
    const v = SA[i]!;
    SA[i] = ~v;
    if (v > 0) {
      const p = v - 1;
      const c = T[p]!;
      const h = B[c]!;
      B[c] = h + 1;
      // ~p when p-1 is S-type (T[p-1] < T[p]): the sign bit of the difference, as a mask.
      SA[h] = p > 0 ? p ^ ((T[p - 1]! - c) >> 31) : 0;
    }
  }
}

function induceSRange(T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number): void {
  for (let i = hi - 1; i >= lo; i--) {
    const v = SA[i]!;
    if (v > 0) {
      const p = v - 1;
      const c = T[p]!;
      const h = B[c]! - 1;
      B[c] = h;
      // ~p when p-1 is L-type (T[p-1] > T[p]) or p is the first suffix.
      SA[h] = p > 0 ? p ^ ((c - T[p - 1]!) >> 31) : -1;
    } else SA[i] = ~v;
  }
}

/**
 * Stage 1 with naming: sort the LMS substrings by induction and name them in the same passes.
 * Equal prefixes form groups; an entry stored as `p + n` heads its group among the entries of
 * its bucket with the same induce-or-not state. `D[2c + s]` remembers the group counter at the
 * last write to that bucket part, so a write from a new source group starts a new group.
 * Returns the number of distinct names; leaves SA[0..m) = sorted LMS positions and, when names
 * repeat, SA[m + p/2] = name + 1 for each LMS position p (zeros elsewhere in SA[m..n)).
 */
function* sortAndNameByInduction(
  T: Text,
  SA: Int32Array,
  n: number,
  k: number,
  C: Int32Array,
  B: Int32Array,
  D: Int32Array,
  pace: Pace,
): Steps<number> {
  // The first seed of each bucket heads a group (all seeds in a bucket are one symbol).
  {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      sum += C[c]!;
      const b = B[c]!;
      if (b !== sum) SA[b]! += n;
    }
  }
  D.fill(-1);
  bucketStarts(C, B, k);
  let d = 0;
  {
    // Suffix n-1 is alone in its group (it reaches the sentinel).
    const p = n - 1;
    const c = T[p]!;
    const pred = T[p - 1]! < c ? 1 : 0;
    D[2 * c + pred] = 0;
    const w = p + n;
    SA[B[c]!++] = pred ? ~w : w;
  }
  // L pass: consumed entries are cleared; suffix 0 is never placed (it induces nothing).
  yield* up(0, n, pace, (lo, hi) => {
    d = nameLRange(T, SA, n, B, D, d, lo, hi);
  });
  // Left are the L-type entries whose predecessor is S-type, group heads flagged on their
  // leftmost entry. The S pass scans right to left: move each flag to its group's rightmost.
  let last = -1;
  yield* up(0, n, pace, (lo, hi) => {
    last = moveFlagsRange(SA, n, last, lo, hi);
  });
  if (last >= 0) SA[last]! += n;
  // S pass: LMS entries are stored inverted and stay; everything else is consumed.
  bucketEnds(C, B, k);
  d++;
  yield* down(0, n, pace, (lo, hi) => {
    d = nameSRange(T, SA, n, B, D, d, lo, hi);
  });
  // Compact the sorted LMS positions into SA[0..m); count groups (names).
  const compacted = { m: 0, names: 0 };
  yield* up(0, n, pace, (lo, hi) => compactRange(SA, n, compacted, lo, hi));
  const { m, names } = compacted;
  if (names < m) {
    // Flags mark each group's rightmost entry: name right to left.
    let name = names;
    yield* down(0, m, pace, (lo, hi) => {
      name = assignNamesRange(SA, n, m, name, lo, hi);
    });
  } else yield* up(0, m, pace, (lo, hi) => unflagRange(SA, n, lo, hi));
  return names;
}

function nameLRange(
  T: Text,
  SA: Int32Array,
  n: number,
  B: Int32Array,
  D: Int32Array,
  d: number,
  lo: number,
  hi: number,
): number {
  for (let i = lo; i < hi; i++) {
    let v = SA[i]!;
    if (v > 0) {
      SA[i] = 0;
      if (v >= n) {
        d++;
        v -= n;
      }
      const p = v - 1;
      if (p > 0) {
        const c = T[p]!;
        const pred = T[p - 1]! < c ? 1 : 0;
        const slot = 2 * c + pred;
        let w = p;
        if (D[slot] !== d) {
          D[slot] = d;
          w += n;
        }
        const h = B[c]!;
        B[c] = h + 1;
        SA[h] = pred ? ~w : w;
      }
    } else if (v < 0) SA[i] = ~v;
  }
  return d;
}

/** Move group flags (+n) from each group's leftmost nonzero entry to its rightmost; returns the last nonzero entry. */
function moveFlagsRange(SA: Int32Array, n: number, last: number, lo: number, hi: number): number {
  for (let i = lo; i < hi; i++) {
    const v = SA[i]!;
    if (v !== 0) {
      if (v >= n) {
        if (last >= 0) SA[last]! += n;
        SA[i] = v - n;
      }
      last = i;
    }
  }
  return last;
}

function nameSRange(
  T: Text,
  SA: Int32Array,
  n: number,
  B: Int32Array,
  D: Int32Array,
  d: number,
  lo: number,
  hi: number,
): number {
  for (let i = hi - 1; i >= lo; i--) {
    let v = SA[i]!;
    if (v > 0) {
      SA[i] = 0;
      if (v >= n) {
        d++;
        v -= n;
      }
      const p = v - 1;
      if (p > 0) {
        const c = T[p]!;
        const isLms = T[p - 1]! > c ? 1 : 0;
        const slot = 2 * c + isLms;
        let w = p;
        if (D[slot] !== d) {
          D[slot] = d;
          w += n;
        }
        const h = B[c]! - 1;
        B[c] = h;
        SA[h] = isLms ? ~w : w;
      }
    }
  }
  return d;
}

/** The inverted (LMS) entries of SA[lo..hi) to SA[state.m..], counting flagged ones as names. */
function compactRange(
  SA: Int32Array,
  n: number,
  state: { m: number; names: number },
  lo: number,
  hi: number,
): void {
  let { m, names } = state;
  for (let i = lo; i < hi; i++) {
    const v = SA[i]!;
    if (v < 0) {
      const w = ~v;
      if (w >= n) names++;
      SA[i] = 0;
      SA[m++] = w;
    }
  }
  state.m = m;
  state.names = names;
}

function assignNamesRange(
  SA: Int32Array,
  n: number,
  m: number,
  name: number,
  lo: number,
  hi: number,
): number {
  for (let i = hi - 1; i >= lo; i--) {
    let p = SA[i]!;
    if (p >= n) {
      p -= n;
      SA[i] = p;
      name--;
    }
    SA[m + (p >>> 1)] = name + 1;
  }
  return name;
}

function unflagRange(SA: Int32Array, n: number, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) {
    const p = SA[i]!;
    if (p >= n) SA[i] = p - n;
  }
}

/**
 * Stage 1 without naming: sort the LMS substrings by induction. Leaves the sorted LMS
 * positions as the only negative (inverted) entries, everything else 0.
 */
function* sortLmsSubstrings(
  T: Text,
  SA: Int32Array,
  n: number,
  k: number,
  C: Int32Array,
  B: Int32Array,
  recount: boolean,
  pace: Pace,
): Steps {
  yield* induce(T, SA, n, k, C, B, recount, pace, sortLRange, sortSRange);
}

function sortLRange(T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) {
    const v = SA[i]!;
    if (v > 0) {
      SA[i] = 0;
      const p = v - 1;
      if (p > 0) {
        const c = T[p]!;
        const h = B[c]!;
        B[c] = h + 1;
        SA[h] = p ^ ((T[p - 1]! - c) >> 31);
      }
    } else if (v < 0) SA[i] = ~v;
  }
}

function sortSRange(T: Text, SA: Int32Array, B: Int32Array, lo: number, hi: number): void {
  for (let i = hi - 1; i >= lo; i--) {
    const v = SA[i]!;
    if (v > 0) {
      SA[i] = 0;
      const p = v - 1;
      if (p > 0) {
        const c = T[p]!;
        const h = B[c]! - 1;
        B[c] = h;
        SA[h] = p ^ ((c - T[p - 1]!) >> 31);
      }
    }
  }
}

/**
 * Compact the sorted LMS positions (inverted entries) into SA[0..m) and name them by comparing
 * neighbours: length first (kept in SA[m + p/2]), then symbols. Equal symbols over equal
 * lengths imply equal types, as both end at an LMS position. Returns the number of names.
 */
function* compactAndNameByComparison(
  T: Text,
  SA: Int32Array,
  n: number,
  m: number,
  pace: Pace,
): Steps<number> {
  // (Past the m-th LMS entry no inverted entries are left: the scan of the rest finds none.)
  const compacted = { m: 0, names: 0 };
  yield* up(0, n, pace, (lo, hi) => compactRange(SA, -1, compacted, lo, hi));
  // Lengths: from an LMS position to the next one, both included. The last LMS substring runs
  // into the sentinel and equals no other: length -1.
  const lengths = typeScan(T, n, -1);
  yield* down(0, n - 1, pace, (lo, hi) => lengthsRange(T, SA, m, lengths, lo, hi));
  const names = { names: 0, q: 0, qlen: 0 };
  yield* up(0, m, pace, (lo, hi) => nameByComparisonRange(T, SA, m, names, lo, hi));
  return names.names;
}

/** SA[m + p/2] = length of the LMS substring at p, over positions [lo, hi) right to left. */
function lengthsRange(T: Text, SA: Int32Array, m: number, st: TypeScan, lo: number, hi: number): void {
  let { c1, sNext, last: next } = st;
  for (let i = hi - 1; i >= lo; i--) {
    const c0 = T[i]!;
    const s: boolean = c0 < c1 || (c0 === c1 && sNext);
    if (sNext && !s) {
      const p = i + 1;
      SA[m + (p >>> 1)] = next < 0 ? -1 : next - p + 1;
      next = p;
    }
    sNext = s;
    c1 = c0;
  }
  st.c1 = c1;
  st.sNext = sNext;
  st.last = next;
}

function nameByComparisonRange(
  T: Text,
  SA: Int32Array,
  m: number,
  st: { names: number; q: number; qlen: number },
  lo: number,
  hi: number,
): void {
  let { names, q, qlen } = st;
  for (let i = lo; i < hi; i++) {
    const p = SA[i]!;
    const slot = m + (p >>> 1);
    const plen = SA[slot]!;
    let same = plen === qlen && plen > 0;
    if (same) {
      for (let d = 0; d < plen; d++) {
        if (T[p + d] !== T[q + d]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      names++;
      q = p;
      qlen = plen;
    }
    SA[slot] = names;
  }
  st.names = names;
  st.q = q;
  st.qlen = qlen;
}
