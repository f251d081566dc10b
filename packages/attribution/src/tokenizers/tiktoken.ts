import { withAppender } from './append.js';
// The pair table's hash, the byte-pair cache's marker and the long-piece bound are shared with
// the WebAssembly merger, which reads copies of these tables.
import { type BpeTables, LONG_PIECE, PAIR_ADD_Y, PAIR_MIX_X, PAIR_MIX_Y, UNKNOWN_PAIR } from './bpeWasm.js';
import {
  bmpClasses,
  FNV_OFFSET,
  FNV_PRIME,
  LETTER,
  type MissHandler,
  NUMBER,
  OTHER,
  SPACE,
  WasmPieces,
} from './pretokenizerWasm.js';
import type { Tokenizer } from './types.js';

/**
 * A byte-pair-encoding vocabulary in tiktoken's rank format, as js-tiktoken ships it
 * (`import gpt2 from 'js-tiktoken/ranks/gpt2'`): lines of `! <first rank> <base64 token>…`.
 *
 * @example
 * import type { TiktokenRanks } from '@openledger/attribution';
 */
export interface TiktokenRanks {
  /** The pre-tokenisation pattern (a JavaScript regular expression source, used with `u`). */
  pat_str: string;
  /** Special tokens and their ids. `encode` never emits them (they are encoded as text). */
  special_tokens: Record<string, number>;
  /** The ranks: each line `! <rank of the first token> <base64 bytes> <base64 bytes>…`. */
  bpe_ranks: string;
}

/**
 * Parameters of {@link fromTiktokenRanks}.
 *
 * @example
 * import type { FromTiktokenRanksParameters } from '@openledger/attribution';
 */
export interface FromTiktokenRanksParameters {
  /** Name of the encoding in the tokenizer id (`tiktoken:<name>`), e.g. `gpt2`. */
  name: string;
  /**
   * Pre-tokenise GPT-2's, cl100k's and o200k's patterns in WebAssembly where the engine allows it
   * (default true). The ids are the same either way; false keeps the whole tokenizer in
   * JavaScript.
   */
  webAssembly?: boolean | undefined;
}

/**
 * Return type of {@link fromTiktokenRanks}.
 *
 * @example
 * import type { FromTiktokenRanksReturnType } from '@openledger/attribution';
 */
export type FromTiktokenRanksReturnType = Tokenizer;

/** GPT-2's pattern (also r50k and p50k): pre-tokenised by a hand-written scanner. */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
/** cl100k's pattern as js-tiktoken ships it: scanned in WebAssembly where available. */
const CL100K_PATTERN =
  "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** o200k's pattern as js-tiktoken ships it: scanned in WebAssembly where available. */
const O200K_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** Pieces longer than this are encoded without caching (long runs rarely repeat). */
const MAX_CACHED_PIECE = 64;
/** The piece cache starts over when it holds this many pieces. */
const MAX_CACHED_PIECES = 1 << 20;

/**
 * A tokenizer from tiktoken ranks: ids identical to tiktoken's `encode(text, [], [])` (special
 * tokens are encoded as plain text) and to js-tiktoken's, several times faster on corpora.
 * Pieces (the pattern's matches) are encoded once and cached; GPT-2's, cl100k's and o200k's patterns
 * are scanned by hand instead of by the regular expression, in WebAssembly where available (with
 * the cache's most frequent pieces), so that most of a document is tokenized without leaving it;
 * merges look up pairs of token ids in a table.
 *
 * @param ranks - The vocabulary, e.g. `js-tiktoken/ranks/gpt2` (a package you install).
 * @returns A {@link Tokenizer} whose id is `tiktoken:<name>`.
 * @example
 * import gpt2 from 'js-tiktoken/ranks/gpt2';
 * import { buildSpanIndex, fromTiktokenRanks } from '@openledger/attribution';
 * const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
 * const index = await buildSpanIndex([{ id: 'c1', contributor: '0xabc', text: 'Call me Ishmael.' }], { tokenizer });
 */
export function fromTiktokenRanks(
  ranks: TiktokenRanks,
  parameters: FromTiktokenRanksParameters,
): FromTiktokenRanksReturnType {
  const vocab = parseRanks(ranks);
  const split = ranks.pat_str === GPT2_PATTERN ? splitGpt2 : regexSplitter(ranks.pat_str);
  const merge = new BytePairEncoder(vocab);
  const cache = new PieceCache();
  const hot = new HotPieces();
  const wide = vocab.vocabSize > 0x10000;
  let out: Uint16Array | Uint32Array = wide ? new Uint32Array(1 << 12) : new Uint16Array(1 << 12);
  let bounds = new Int32Array(1 << 12);

  // GPT-2's, cl100k's and o200k's patterns: pre-tokenised in WebAssembly where available, with a piece cache
  // (keyed by UTF-8 bytes); documents it cannot take go through the JavaScript path below.
  const pattern =
    split === splitGpt2
      ? 'gpt2'
      : ranks.pat_str === CL100K_PATTERN
        ? 'cl100k'
        : ranks.pat_str === O200K_PATTERN
          ? 'o200k'
          : null;
  const fast =
    pattern && parameters.webAssembly !== false ? WasmPieces.create(wide, pattern, merge.tables()) : null;
  // Made on the first short piece the WebAssembly path hands back: with the merging module,
  // only pieces over 128 bytes come back, and those are not cached.
  let byteCache: PieceCache | undefined;
  // A piece the WebAssembly slots miss: from the byte-keyed cache, else merged (then reported
  // as seen for the first time, see MissHandler).
  const resolve: MissHandler = (bytes, a, b, h, into, o) => {
    if (b - a > MAX_CACHED_PIECE) return ~merge.encodeBytes(bytes, a, b - a, into, o);
    byteCache ??= new PieceCache();
    const hit = byteCache.find(bytes, a, b, h);
    if (hit >= 0) return byteCache.copyTokens(hit, into, o);
    const end = merge.encodeBytes(bytes, a, b - a, into, o);
    byteCache.add(bytes, a, b, into, o, end);
    return ~end;
  };

  // The ids of `text` as a view of a reused buffer, valid until the next call.
  const encodeView = (text: string): Uint16Array | Uint32Array => {
    const tokens = fast?.encode(text, resolve);
    if (tokens) return tokens;
    if (bounds.length < 3 * text.length + 3) bounds = new Int32Array(3 * text.length + 3);
    const pieces = split(text, bounds);
    let len = 0;
    for (let q = 0; q < 3 * pieces; q += 3) {
      const a = bounds[q]!;
      const b = bounds[q + 1]!;
      if (out.length < len + 4 * (b - a)) {
        const grown: Uint16Array | Uint32Array = wide
          ? new Uint32Array(2 * (len + 4 * (b - a)))
          : new Uint16Array(2 * (len + 4 * (b - a)));
        grown.set(out.subarray(0, len));
        out = grown;
      }
      if (b - a > MAX_CACHED_PIECE) {
        len = merge.encode(text.slice(a, b), out, len);
        continue;
      }
      const h = bounds[q + 2]!;
      const got = hot.find(text, a, b, h, out, len);
      if (got >= 0) {
        len = got;
        continue;
      }
      const hit = cache.find(text, a, b, h);
      let end: number;
      if (hit >= 0) end = cache.copyTokens(hit, out, len);
      else {
        end = merge.encode(text.slice(a, b), out, len);
        cache.add(text, a, b, out, len, end);
      }
      hot.put(text, a, b, h, out, len, end);
      len = end;
    }
    return out.subarray(0, len);
  };
  const encode = (text: string): Uint16Array | Uint32Array => encodeView(text).slice();

  const decoder = new TextDecoder();
  const decode = (tokens: ArrayLike<number>): string => {
    let size = 0;
    for (let i = 0; i < tokens.length; i++) size += vocab.bytesOf(tokens[i]!)?.length ?? 0;
    const bytes = new Uint8Array(size);
    let o = 0;
    for (let i = 0; i < tokens.length; i++) {
      const b = vocab.bytesOf(tokens[i]!);
      if (b) {
        bytes.set(b, o);
        o += b.length;
      }
    }
    return decoder.decode(bytes);
  };

  return withAppender(
    {
      id: `tiktoken:${parameters.name}`,
      vocabSize: vocab.vocabSize,
      encode,
      decode,
      recipe: {
        kind: 'tiktoken',
        ranks: { pat_str: ranks.pat_str, special_tokens: ranks.special_tokens, bpe_ranks: ranks.bpe_ranks },
        name: parameters.name,
        ...(parameters.webAssembly === false ? { webAssembly: false } : {}),
      },
    },
    (text, room, at) => {
      const ids = encodeView(text);
      const end = at + ids.length;
      room(end).set(ids, at);
      return end;
    },
  );
}

interface Vocabulary {
  vocabSize: number;
  /** Token bytes by id (undefined for ids that are not ranks): views of one pool. */
  tokens: (Uint8Array | undefined)[];
  pool: Uint8Array;
  /** Bytes of a rank or special token id. */
  bytesOf(id: number): Uint8Array | undefined;
}

/** Value of each base64 character (+1; 0 = not base64). */
let base64Values: Uint8Array | undefined;

/** Decode base64 `s` into `out` from `at`; returns the bytes written. */
function decodeBase64(s: string, out: Uint8Array, at: number): number {
  if (!base64Values) {
    base64Values = new Uint8Array(128);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    for (let i = 0; i < 64; i++) base64Values[alphabet.charCodeAt(i)] = i + 1;
  }
  const values = base64Values;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  if (end % 4 === 1) throw new TypeError(`fromTiktokenRanks: ${JSON.stringify(s)} is not base64.`);
  let o = at;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? values[c]! : 0;
    if (v === 0) throw new TypeError(`fromTiktokenRanks: ${JSON.stringify(s)} is not base64.`);
    acc = (acc << 6) | (v - 1);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return o - at;
}

function parseRanks(ranks: TiktokenRanks): Vocabulary {
  const tokens: (Uint8Array | undefined)[] = [];
  // Every token's bytes in one pool (base64 takes 4 characters for 3 bytes).
  const pool = new Uint8Array(Math.ceil((ranks.bpe_ranks.length * 3) / 4));
  let used = 0;
  let max = -1;
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const first = Number(fields[1]);
    for (let i = 2; i < fields.length; i++) {
      const n = decodeBase64(fields[i]!, pool, used);
      const id = first + i - 2;
      tokens[id] = pool.subarray(used, used + n);
      used += n;
      if (id > max) max = id;
    }
  }
  const specials = new Map<number, Uint8Array>();
  const enc = new TextEncoder();
  for (const [text, id] of Object.entries(ranks.special_tokens)) {
    specials.set(id, enc.encode(text));
    if (id > max) max = id;
  }
  return {
    vocabSize: max + 1,
    tokens,
    pool: pool.subarray(0, used),
    bytesOf: (id) => tokens[id] ?? specials.get(id),
  };
}

/**
 * Byte-pair merging as tiktoken does it: a piece that is itself a token is that token;
 * otherwise start from its bytes and repeatedly merge the adjacent pair whose concatenation
 * has the lowest rank (the leftmost on ties). Pairs are looked up by token ids in an
 * open-addressed table of every way each token splits into two tokens.
 */
class BytePairEncoder {
  private readonly byteToken = new Int32Array(256).fill(-1);
  /** [left id, right id, merged id] per slot, open-addressed (left -1 = empty). */
  private readonly pairs: Int32Array;
  private readonly mask: number;
  /** [hash of the bytes, id + 1] pairs of every token, open-addressed. */
  private readonly wholeTable: Int32Array;
  private readonly utf8 = new TextEncoder();
  private bytes = new Uint8Array(256);
  private parts = new Int32Array(256);
  private pairRanks = new Int32Array(256);
  /** The token merging the single-byte tokens of bytes b0, b1 at b0 << 8 | b1 (-1: none). */
  private readonly bytePairs = new Int32Array(1 << 16).fill(UNKNOWN_PAIR);

  constructor(private readonly vocab: Vocabulary) {
    const { tokens } = vocab;
    let size = 2;
    while (size < tokens.length * 2) size *= 2;
    this.wholeTable = new Int32Array(2 * size);
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (!t) continue;
      let h = FNV_OFFSET;
      for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t[i]!, FNV_PRIME);
      let slot = (h ^ (h >>> 15)) & (size - 1);
      while (this.wholeTable[2 * slot + 1] !== 0) slot = (slot + 1) & (size - 1);
      this.wholeTable[2 * slot] = h;
      this.wholeTable[2 * slot + 1] = id + 1;
    }
    // Every way each token splits into two tokens, found through the table above (no strings).
    const triples: number[] = [];
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (!t) continue;
      if (t.length === 1) this.byteToken[t[0]!] = id;
      for (let j = 1; j < t.length; j++) {
        const x = this.whole(t, 0, j);
        if (x < 0) continue;
        const y = this.whole(t, j, t.length);
        if (y >= 0) triples.push(x, y, id);
      }
    }
    let cap = 1;
    while (cap < (triples.length / 3) * 2) cap *= 2;
    this.mask = cap - 1;
    this.pairs = new Int32Array(3 * cap).fill(-1);
    for (let i = 0; i < triples.length; i += 3) {
      const x = triples[i]!;
      const y = triples[i + 1]!;
      let slot = this.slot(x, y);
      while (this.pairs[3 * slot] !== -1) slot = (slot + 1) & this.mask;
      this.pairs[3 * slot] = x;
      this.pairs[3 * slot + 1] = y;
      this.pairs[3 * slot + 2] = triples[i + 2]!;
    }
  }

  /** The tables, for merging in WebAssembly (`bpeWasm.ts`). */
  tables(): BpeTables {
    const { tokens, pool } = this.vocab;
    const offsets = new Int32Array(2 * tokens.length);
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      offsets[2 * id] = t ? t.byteOffset - pool.byteOffset : 0;
      offsets[2 * id + 1] = t ? t.length : -1;
    }
    return { byteToken: this.byteToken, pairs: this.pairs, whole: this.wholeTable, offsets, pool };
  }

  /** Id of the token whose bytes are `bytes[from..to)` (the first such id), or -1. */
  private whole(bytes: Uint8Array, from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
    const n = to - from;
    const table = this.wholeTable;
    const mask = (table.length >> 1) - 1;
    for (let s = (h ^ (h >>> 15)) & mask; ; s = (s + 1) & mask) {
      const id = table[2 * s + 1]! - 1;
      if (id < 0) return -1;
      if (table[2 * s] === h) {
        const t = this.vocab.tokens[id]!;
        if (t.length === n) {
          let i = 0;
          while (i < n && t[i] === bytes[from + i]) i++;
          if (i === n) return id;
        }
      }
    }
  }

  private slot(x: number, y: number): number {
    return (Math.imul(x, PAIR_MIX_X) ^ Math.imul(y + PAIR_ADD_Y, PAIR_MIX_Y)) & this.mask;
  }

  /** Id of the token that concatenates tokens x and y, or -1. */
  private pair(x: number, y: number): number {
    const pairs = this.pairs;
    for (let slot = this.slot(x, y); ; slot = (slot + 1) & this.mask) {
      const l = pairs[3 * slot]!;
      if (l === -1) return -1;
      if (l === x && pairs[3 * slot + 1] === y) return pairs[3 * slot + 2]!;
    }
  }

  /** Append the tokens of one piece to `out` from `at`; returns the new length. */
  encode(piece: string, out: Uint16Array | Uint32Array, at: number): number {
    if (this.bytes.length < 3 * piece.length) this.bytes = new Uint8Array(3 * piece.length);
    return this.merge(this.utf8.encodeInto(piece, this.bytes).written, out, at);
  }

  /** The same for a piece given as UTF-8 bytes, `src[a..a + n)`. */
  encodeBytes(src: Uint8Array, a: number, n: number, out: Uint16Array | Uint32Array, at: number): number {
    if (this.bytes.length < n) this.bytes = new Uint8Array(2 * n);
    this.bytes.set(src.subarray(a, a + n));
    return this.merge(n, out, at);
  }

  /** Merge the piece in `this.bytes[0..n)`. */
  private merge(n: number, out: Uint16Array | Uint32Array, at: number): number {
    const bytes = this.bytes;
    if (n === 0) return at;
    // A piece that is a token is that token (tiktoken checks this before merging).
    if (n > 1) {
      const whole = this.whole(bytes, 0, n);
      if (whole >= 0) {
        out[at] = whole;
        return at + 1;
      }
    }
    if (this.parts.length < n) {
      this.parts = new Int32Array(n);
      this.pairRanks = new Int32Array(n);
    }
    if (n > LONG_PIECE) return this.encodeLong(n, out, at);
    const parts = this.parts;
    const pr = this.pairRanks;
    for (let i = 0; i < n; i++) parts[i] = this.byteToken[bytes[i]!]!;
    let len = n;
    // pr[i]: the token merging parts i and i+1, or 2^31-1 when they do not merge. Ranks are ids.
    const NONE = 0x7fffffff;
    // The first pairs are of single bytes: a 256 KB table (filled as pairs come up) answers
    // them from cache instead of the megabytes of the pair table.
    const bytePairs = this.bytePairs;
    for (let i = 0; i + 1 < len; i++) {
      const key = (bytes[i]! << 8) | bytes[i + 1]!;
      let m = bytePairs[key]!;
      if (m === UNKNOWN_PAIR) {
        m = this.pair(parts[i]!, parts[i + 1]!);
        bytePairs[key] = m;
      }
      pr[i] = m < 0 ? NONE : m;
    }
    while (len > 1) {
      let best = NONE;
      let at2 = -1;
      for (let i = 0; i + 1 < len; i++) {
        if (pr[i]! < best) {
          best = pr[i]!;
          at2 = i;
        }
      }
      if (at2 < 0) break;
      parts[at2] = best;
      for (let i = at2 + 1; i + 1 < len; i++) {
        parts[i] = parts[i + 1]!;
        pr[i] = pr[i + 1]!;
      }
      len--;
      if (at2 > 0) {
        const m = this.pair(parts[at2 - 1]!, best);
        pr[at2 - 1] = m < 0 ? NONE : m;
      }
      if (at2 + 1 < len) {
        const m = this.pair(best, parts[at2 + 1]!);
        pr[at2] = m < 0 ? NONE : m;
      }
    }
    for (let i = 0; i < len; i++) out[at + i] = parts[i]!;
    return at + len;
  }

  /**
   * The same merges for a long piece in O(n log n): the scan above is quadratic, and one hostile
   * 'word' of a million letters would stall it for hours. Parts form a linked list; candidate
   * pairs wait in a binary heap ordered by (rank, position), so the lowest rank merges first and
   * ties go to the leftmost pair, exactly as in the scan. A popped pair that no longer holds (a
   * neighbour merged since) is skipped.
   */
  private encodeLong(n: number, out: Uint16Array | Uint32Array, at: number): number {
    const bytes = this.bytes;
    const tok = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      tok[i] = this.byteToken[bytes[i]!]!;
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Each merge pushes at most two pairs: n - 1 + 2(n - 1) entries at most.
    const hr = new Int32Array(3 * n);
    const hp = new Int32Array(3 * n);
    let size = 0;
    const less = (a: number, b: number) => hr[a]! < hr[b]! || (hr[a] === hr[b] && hp[a]! < hp[b]!);
    const swap = (a: number, b: number) => {
      const r = hr[a]!;
      const q = hp[a]!;
      hr[a] = hr[b]!;
      hp[a] = hp[b]!;
      hr[b] = r;
      hp[b] = q;
    };
    const push = (left: number) => {
      const right = next[left]!;
      if (right < 0) return;
      const r = this.pair(tok[left]!, tok[right]!);
      if (r < 0) return;
      let c = size++;
      hr[c] = r;
      hp[c] = left;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!less(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
    };
    const pop = () => {
      size--;
      swap(0, size);
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const m = l + 1 < size && less(l + 1, l) ? l + 1 : l;
        if (!less(m, c)) break;
        swap(c, m);
        c = m;
      }
    };
    for (let i = 0; i + 1 < n; i++) push(i);
    while (size > 0) {
      const r = hr[0]!;
      const left = hp[0]!;
      pop();
      const right = next[left]!;
      // Stale: the left part was merged away (tok -1) or either side changed since the push.
      if (tok[left]! < 0 || right < 0 || this.pair(tok[left]!, tok[right]!) !== r) continue;
      tok[left] = r;
      tok[right] = -1;
      const after = next[right]!;
      next[left] = after;
      if (after >= 0) prev[after] = left;
      if (prev[left]! >= 0) push(prev[left]!);
      push(left);
    }
    let len = 0;
    for (let i = 0; i >= 0; i = next[i]!) out[at + len++] = tok[i]!;
    return at + len;
  }
}

/** Slots of {@link HotPieces} (16 × 4 bytes each: 256 KiB, which stays in a core's L2 cache). */
const HOT_SLOTS = 1 << 12;
/** Longest piece (UTF-16 code units) and most tokens a hot slot holds inline. */
const HOT_CHARS = 22;
const HOT_TOKENS = 3;

/** First int32 of the hot slot for piece hash `h`. */
const hotSlot = (h: number): number => ((h ^ (h >>> 17)) & (HOT_SLOTS - 1)) << 4;

/** Code units `i` and `i + 1` of `text` packed in one int32 (0 for a unit at or past `end`). */
const unitPair = (text: string, i: number, end: number): number =>
  text.charCodeAt(i) | (i + 1 < end ? text.charCodeAt(i + 1) << 16 : 0);

/**
 * A direct-mapped cache in front of {@link PieceCache} for the frequent short pieces (" the",
 * ",", " whale"): each slot holds the hash, the lengths, the tokens and the code units inline
 * in one 64-byte line, so a hit costs one cache-resident read instead of four scattered ones.
 * Slot layout (int32): [hash, length | tokens << 8, 3 tokens, 11 words of 2 code units].
 */
class HotPieces {
  private readonly slots = new Int32Array(HOT_SLOTS * 16);

  /** Append the tokens of `text[a..b)` (hash `h`) to `out` at `at` and return the new length,
   * or -1 when the piece is not here. */
  find(text: string, a: number, b: number, h: number, out: Uint16Array | Uint32Array, at: number): number {
    const len = b - a;
    if (len > HOT_CHARS) return -1;
    const s = hotSlot(h);
    const slots = this.slots;
    const meta = slots[s + 1]!;
    if (slots[s] !== h || (meta & 0xff) !== len) return -1;
    for (let i = 0, w = s + 5; i < len; i += 2, w++) if (slots[w] !== unitPair(text, a + i, b)) return -1;
    const n = meta >>> 8;
    for (let i = 0; i < n; i++) out[at + i] = slots[s + 2 + i]!;
    return at + n;
  }

  /** Keep `text[a..b)` → `out[from..to)` when it fits a slot (evicting the slot's piece). */
  put(
    text: string,
    a: number,
    b: number,
    h: number,
    out: Uint16Array | Uint32Array,
    from: number,
    to: number,
  ): void {
    const len = b - a;
    const n = to - from;
    if (len > HOT_CHARS || n > HOT_TOKENS) return;
    const s = hotSlot(h);
    const slots = this.slots;
    slots[s] = h;
    slots[s + 1] = len | (n << 8);
    for (let i = 0; i < n; i++) slots[s + 2 + i] = out[from + i]!;
    for (let i = 0, w = s + 5; i < len; i += 2, w++) slots[w] = unitPair(text, a + i, b);
  }
}

/**
 * Tokens of recently seen pieces, keyed by the piece's UTF-16 code units, in flat typed arrays
 * (no string per lookup): an open-addressed table of [hash, entry + 1] pairs, entries of
 * [key offset, key length, tokens offset, token count], and pools of keys and tokens. Cleared
 * when full.
 */
class PieceCache {
  private table = new Int32Array(2 << 16);
  private entries = new Int32Array(4 << 14);
  private keys = new Uint16Array(1 << 18);
  private toks = new Int32Array(1 << 16);
  private count = 0;
  private keysUsed = 0;
  private toksUsed = 0;
  private lastHash = 0;

  /** Entry of `text[a..b)` (of hash `h`, see {@link pieceHash}; keys are UTF-16 code units, or
   * bytes from a `Uint8Array`, one kind per cache), or -1 (then `add` may follow for the same
   * piece). */
  find(text: string | Uint8Array, a: number, b: number, h: number): number {
    this.lastHash = h;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const len = b - a;
    for (let s = (h ^ (h >>> 15)) & mask; ; s = (s + 1) & mask) {
      const e = table[2 * s + 1]! - 1;
      if (e < 0) return -1;
      if (table[2 * s] === h && this.entries[4 * e + 1] === len) {
        const k = this.entries[4 * e]!;
        const keys = this.keys;
        let i = 0;
        if (typeof text === 'string') while (i < len && keys[k + i] === text.charCodeAt(a + i)) i++;
        else while (i < len && keys[k + i] === text[a + i]) i++;
        if (i === len) return e;
      }
    }
  }

  copyTokens(e: number, out: Uint16Array | Uint32Array, at: number): number {
    const t = this.entries[4 * e + 2]!;
    const n = this.entries[4 * e + 3]!;
    const toks = this.toks;
    for (let i = 0; i < n; i++) out[at + i] = toks[t + i]!;
    return at + n;
  }

  /** Remember the tokens `out[from..to)` of `text[a..b)` (the piece `find` just missed). */
  add(
    text: string | Uint8Array,
    a: number,
    b: number,
    out: Uint16Array | Uint32Array,
    from: number,
    to: number,
  ): void {
    const len = b - a;
    const ntok = to - from;
    if (this.count === MAX_CACHED_PIECES) this.clear();
    if (4 * (this.count + 1) > this.entries.length) {
      const y = new Int32Array(this.entries.length * 2);
      y.set(this.entries);
      this.entries = y;
    }
    if (2 * (this.count + 1) > this.table.length >> 1) this.rehash(this.table.length * 2);
    if (this.keysUsed + len > this.keys.length) {
      const y = new Uint16Array(Math.max(this.keys.length * 2, this.keysUsed + len));
      y.set(this.keys);
      this.keys = y;
    }
    if (this.toksUsed + ntok > this.toks.length) {
      const y = new Int32Array(Math.max(this.toks.length * 2, this.toksUsed + ntok));
      y.set(this.toks);
      this.toks = y;
    }
    const e = this.count++;
    const entries = this.entries;
    entries[4 * e] = this.keysUsed;
    entries[4 * e + 1] = len;
    entries[4 * e + 2] = this.toksUsed;
    entries[4 * e + 3] = ntok;
    if (typeof text === 'string')
      for (let i = 0; i < len; i++) this.keys[this.keysUsed + i] = text.charCodeAt(a + i);
    else this.keys.set(text.subarray(a, b), this.keysUsed);
    this.keysUsed += len;
    for (let i = 0; i < ntok; i++) this.toks[this.toksUsed + i] = out[from + i]!;
    this.toksUsed += ntok;
    this.insert(this.lastHash, e);
  }

  private insert(h: number, e: number): void {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let s = (h ^ (h >>> 15)) & mask;
    while (table[2 * s + 1] !== 0) s = (s + 1) & mask;
    table[2 * s] = h;
    table[2 * s + 1] = e + 1;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (let s = 0; s < old.length; s += 2) if (old[s + 1] !== 0) this.insert(old[s]!, old[s + 1]! - 1);
  }

  private clear(): void {
    this.table.fill(0);
    this.count = 0;
    this.keysUsed = 0;
    this.toksUsed = 0;
  }
}

/** FNV-1a over UTF-16 code units, the cache's key hash. */
function pieceHash(text: string, a: number, b: number): number {
  let h = FNV_OFFSET;
  for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = /^\s$/u;
function classOfCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return IS_LETTER.test(ch) ? LETTER : IS_NUMBER.test(ch) ? NUMBER : IS_SPACE.test(ch) ? SPACE : OTHER;
}

/** Class of the code point at `i` (lone surrogates are "other", as in the `u` regex). */
function classAt(text: string, i: number, table: Uint8Array): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return table[c]!;
  const d = text.charCodeAt(i + 1);
  if (d >= 0xdc00 && d <= 0xdfff) return classOfCodePoint(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
  return OTHER;
}

/** Code units taken by the code point at `i`. */
function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * GPT-2's pattern by hand, alternatives in the regex's order:
 * `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
 * Writes [start, end, hash] triples to `bounds`; returns the number of pieces.
 */
function splitGpt2(text: string, bounds: Int32Array): number {
  const table = bmpClasses();
  const n = text.length;
  let q = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let j = i;
    if (c === 39 && i + 1 < n) {
      // 's 't 'm 'd 're 've 'll
      const d = text.charCodeAt(i + 1);
      if (d === 115 || d === 116 || d === 109 || d === 100) j = i + 2;
      else if (i + 2 < n) {
        const e = text.charCodeAt(i + 2);
        if ((e === 101 && (d === 114 || d === 118)) || (d === 108 && e === 108)) j = i + 3;
      }
    }
    if (j === i) {
      let k = c < 128 ? table[c]! : classAt(text, i, table);
      let from = i;
      if (c === 32 && i + 1 < n) {
        const k2 = classAt(text, i + 1, table);
        if (k2 !== SPACE) {
          k = k2;
          from = i + 1;
        }
      }
      if (k !== SPACE) {
        // A run of one class (after an optional leading space), hashed as it is scanned.
        let h = pieceHash(text, i, from);
        j = from;
        do {
          const x = text.charCodeAt(j);
          if (x < 128) {
            if (j > from && table[x] !== k) break;
            h = Math.imul(h ^ x, FNV_PRIME);
            j++;
          } else {
            if (j > from && classAt(text, j, table) !== k) break;
            h = Math.imul(h ^ x, FNV_PRIME);
            if (widthAt(text, j) === 2) h = Math.imul(h ^ text.charCodeAt(j + 1), FNV_PRIME);
            j += widthAt(text, j);
          }
        } while (j < n);
        bounds[q++] = i;
        bounds[q++] = j;
        bounds[q++] = h;
        i = j;
        continue;
      } else {
        // White space: all of it at the end of the text, else all but the last character
        // (which then leads the next piece), else the one character.
        j = i + 1;
        while (j < n) {
          const x = text.charCodeAt(j);
          if ((x < 128 ? table[x] : classAt(text, j, table)) !== SPACE) break;
          j++;
        }
        if (j < n && j - i > 1) j--;
      }
    }
    bounds[q++] = i;
    bounds[q++] = j;
    bounds[q++] = pieceHash(text, i, j);
    i = j;
  }
  return q / 3;
}

/** Any other pattern: its regular expression, matches as pieces. */
function regexSplitter(pattern: string): (text: string, bounds: Int32Array) => number {
  const re = new RegExp(pattern, 'gu');
  return (text, bounds) => {
    re.lastIndex = 0;
    let q = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      bounds[q++] = m.index;
      bounds[q++] = m.index + m[0].length;
      bounds[q++] = pieceHash(text, m.index, m.index + m[0].length);
    }
    return q / 3;
  };
}
