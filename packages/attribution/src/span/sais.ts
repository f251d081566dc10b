/**
 * Suffix array construction by induced sorting (SA-IS, Nong–Zhang–Chan 2009), on typed
 * arrays, linear time. The reduced problem lives inside the output array, so the working
 * memory beyond `text` and `sa` is a type bitset and one or two bucket arrays per level.
 */

/** Any integer text whose symbols are all in `[0, alphabetSize)`. */
export type SaisText = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/**
 * Fill `sa[0..n)` with the suffix array of `text[0..n)`. Suffixes compare as if followed by a
 * sentinel smaller than every symbol (a proper prefix sorts first).
 */
export function suffixArray(text: SaisText, sa: Int32Array, n: number, alphabetSize: number): void {
  if (n > 0x7fffffff) throw new RangeError('suffixArray: more than 2^31 - 1 symbols');
  if (sa.length < n) throw new RangeError('suffixArray: output array too short');
  sais(text, sa, n, alphabetSize);
}

function bucketsFrom(counts: Int32Array, bkt: Int32Array, k: number, end: boolean): void {
  let sum = 0;
  if (end) {
    for (let c = 0; c < k; c++) {
      sum += counts[c]!;
      bkt[c] = sum;
    }
  } else {
    // Read before writing: `bkt` may be the `counts` array itself.
    for (let c = 0; c < k; c++) {
      const v = counts[c]!;
      bkt[c] = sum;
      sum += v;
    }
  }
}

function countSymbols(text: SaisText, n: number, counts: Int32Array, k: number): void {
  counts.fill(0, 0, k);
  for (let i = 0; i < n; i++) counts[text[i]!]!++;
}

function sais(T: SaisText, SA: Int32Array, n: number, k: number): void {
  if (n === 0) return;
  if (n === 1) {
    SA[0] = 0;
    return;
  }
  // Bit i set = suffix i is S-type. The last suffix is L-type (it is larger than the sentinel).
  const types = new Uint8Array((n >>> 3) + 1);
  let nextS = 0;
  for (let i = n - 2; i >= 0; i--) {
    const a = T[i]!;
    const b = T[i + 1]!;
    const s = a < b || (a === b && nextS === 1) ? 1 : 0;
    if (s) types[i >>> 3]! |= 1 << (i & 7);
    nextS = s;
  }

  // Keep the symbol counts only when they are small next to the text; otherwise recount.
  const keepCounts = k <= 4096 || k * 16 <= n;
  const counts = new Int32Array(k);
  const bkt = keepCounts ? new Int32Array(k) : counts;
  const buckets = (end: boolean) => {
    if (keepCounts) bucketsFrom(counts, bkt, k, end);
    else {
      countSymbols(T, n, counts, k);
      bucketsFrom(counts, bkt, k, end);
    }
  };
  if (keepCounts) countSymbols(T, n, counts, k);

  // Stage 1: sort the LMS substrings by induction from LMS positions at their bucket ends.
  // Empty slots hold 0 during induction (suffix 0 never needs its predecessor induced).
  SA.fill(0, 0, n);
  buckets(true);
  for (let i = 1; i < n; i++) {
    if ((types[i >>> 3]! >> (i & 7)) & 1 && !((types[(i - 1) >>> 3]! >> ((i - 1) & 7)) & 1)) {
      SA[--bkt[T[i]!]!] = i;
    }
  }
  induceL(T, SA, n, bkt, buckets);
  induceS(T, SA, n, bkt, buckets);

  // Compact the sorted LMS positions into SA[0..m).
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = SA[i]!;
    if (p > 0 && isS(types, p) && !isS(types, p - 1)) SA[m++] = p;
  }

  // Name the LMS substrings; names go to SA[m + p/2] (LMS positions are at least 2 apart).
  SA.fill(-1, m, n);
  let names = 0;
  let prev = -1;
  for (let i = 0; i < m; i++) {
    const p = SA[i]!;
    if (prev < 0 || !lmsEqual(T, n, types, prev, p)) {
      names++;
      prev = p;
    }
    SA[m + (p >>> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= m; i--) {
    const v = SA[i]!;
    if (v >= 0) SA[j--] = v;
  }

  // Stage 2: sort the reduced string (recursively when names repeat).
  const s1 = SA.subarray(n - m, n);
  const sa1 = SA.subarray(0, m);
  if (names < m) sais(s1, sa1, m, names);
  else for (let i = 0; i < m; i++) sa1[s1[i]!] = i;

  // Map reduced ranks back to text positions (s1 now holds LMS positions in text order).
  for (let i = 1, j = 0; i < n; i++) {
    if (isS(types, i) && !isS(types, i - 1)) s1[j++] = i;
  }
  for (let i = 0; i < m; i++) sa1[i] = s1[sa1[i]!]!;

  // Stage 3: induce the full order from the sorted LMS suffixes.
  SA.fill(0, m, n);
  buckets(true);
  for (let i = m - 1; i >= 0; i--) {
    const p = SA[i]!;
    SA[i] = 0;
    SA[--bkt[T[p]!]!] = p;
  }
  induceL(T, SA, n, bkt, buckets);
  induceS(T, SA, n, bkt, buckets);
}

function isS(types: Uint8Array, i: number): boolean {
  return ((types[i >>> 3]! >> (i & 7)) & 1) === 1;
}

/*
 * The induction passes need no type lookups: an entry is stored bit-inverted (~p) when its
 * predecessor must not be induced by the current pass, decided from two symbols as it is
 * placed. The L pass inverts every slot it scans, so the S pass sees exactly the entries whose
 * predecessor is S-type as positive, and restores the others.
 */
function induceL(
  T: SaisText,
  SA: Int32Array,
  n: number,
  bkt: Int32Array,
  buckets: (end: boolean) => void,
): void {
  buckets(false);
  // The sentinel's predecessor, suffix n-1, is L-type and the smallest of its bucket.
  const last = n - 1;
  let cur = T[last]!;
  let head = bkt[cur]!;
  SA[head++] = last > 0 && T[last - 1]! < cur ? ~last : last;
  for (let i = 0; i < n; i++) {
    const v = SA[i]!;
    SA[i] = ~v;
    if (v > 0) {
      // v's predecessor is L-type here (an LMS seed, or an entry stored uninverted).
      const p = v - 1;
      const c = T[p]!;
      // Runs of one symbol are common: keep that bucket's head in a local.
      if (c !== cur) {
        bkt[cur] = head;
        cur = c;
        head = bkt[c]!;
      }
      SA[head++] = p > 0 && T[p - 1]! < c ? ~p : p;
    }
  }
}

function induceS(
  T: SaisText,
  SA: Int32Array,
  n: number,
  bkt: Int32Array,
  buckets: (end: boolean) => void,
): void {
  buckets(true);
  let cur = 0;
  let tail = bkt[0]!;
  for (let i = n - 1; i >= 0; i--) {
    const v = SA[i]!;
    if (v > 0) {
      // Positive here means v's predecessor is S-type.
      const p = v - 1;
      const c = T[p]!;
      if (c !== cur) {
        bkt[cur] = tail;
        cur = c;
        tail = bkt[c]!;
      }
      SA[--tail] = p === 0 || T[p - 1]! > c ? ~p : p;
    } else SA[i] = ~v;
  }
}

function lmsEqual(T: SaisText, n: number, types: Uint8Array, a: number, b: number): boolean {
  for (let d = 0; ; d++) {
    const x = a + d;
    const y = b + d;
    // Only the last LMS substring reaches the sentinel, so it equals no other.
    if (x >= n || y >= n) return false;
    if (T[x] !== T[y] || isS(types, x) !== isS(types, y)) return false;
    if (d > 0) {
      const xl = isS(types, x) && !isS(types, x - 1);
      const yl = isS(types, y) && !isS(types, y - 1);
      if (xl || yl) return xl && yl;
    }
  }
}
