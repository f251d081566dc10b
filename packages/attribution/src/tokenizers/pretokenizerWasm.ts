/**
 * The pre-tokenisers of GPT-2's, cl100k's and o200k's patterns and a hot piece cache in
 * WebAssembly: the fast path of `fromTiktokenRanks` for those patterns.
 *
 * A document is encoded to UTF-8 in the module's memory; one call scans it piece by piece
 * (the pattern's alternatives in the regex's order, as `splitGpt2` in `tiktoken.ts` does on
 * UTF-16 for GPT-2's), hashes each piece, and copies the tokens of pieces found in a direct-mapped cache
 * straight to the output. A piece it does not hold is merged by the byte-pair module it imports
 * (`bpeWasm.ts`, over the same memory), which also keeps it in a slot. It returns to JavaScript
 * only for pieces over 128 bytes (or every missed piece, where that module is unavailable), and
 * once per instance at the first code point beyond the BMP (to fill the classes of planes 1 to
 * 3). On the benchmark corpus this loop takes about 27 ns a piece; the same scan and cache
 * lookups in JavaScript about three times as long.
 *
 * Memory: [0, 64) state (from 32, the merge tables' addresses) · class of every code point up
 * to U+3FFFF at {@link CLASSES} · hot slots at {@link HOT}, victim slots at {@link VICTIMS} ·
 * the merge tables from {@link BYTE_TOKEN} · the document's bytes, then its tokens, from
 * `WasmPieces.data`.
 */

import {
  add,
  and,
  type Code,
  call,
  eq,
  eqz,
  Fn,
  gtU,
  ifThen,
  int,
  load8,
  load16,
  load32,
  ltS,
  ltU,
  moduleBytes,
  mul,
  ne,
  or,
  ret,
  select,
  shl,
  shrU,
  store16,
  store32,
  sub,
  whileLoop,
  xor,
} from '../internal/wasmCode.js';
import {
  type BpeLayout,
  type BpeTables,
  bpeWasmBytes,
  LONG_PIECE,
  OFFSETS_AT,
  PAIRS_AT,
  PAIRS_MASK,
  POOL_AT,
  SEEN_BITS,
  UNKNOWN_PAIR,
  WHOLE_AT,
  WHOLE_MASK,
} from './bpeWasm.js';

const PAGE = 65536;
/**
 * Byte address of the class table: one byte per code point (see `SPACE`) of the BMP and of
 * planes 1 to 3 (U+10000 to U+3FFFF: historic scripts, symbols, emoji, CJK extensions). The
 * BMP's part is filled when an instance is made; the rest on the first code point beyond the
 * BMP met (a word of the state at {@link ASTRAL_READY} then becomes nonzero). The planes above
 * hold no letters, numbers or white space.
 */
const CLASSES = 64;
const ASTRAL_END = 0x40000;
const ASTRAL_READY = 20;
/**
 * Hot slots: 64 bytes each, [hash, length | tokens << 8, the key's bytes (zero-padded to a
 * multiple of 4), then its tokens (of the module's token width)]; the key and tokens share
 * {@link SLOT_ROOM} bytes, so a slot holds, say, a 20-byte piece of 10 GPT-2 tokens.
 */
const HOT = CLASSES + ASTRAL_END;
const HOT_SLOTS = 1 << 13;
const SLOT_BYTES = 64;
const SLOT_ROOM = SLOT_BYTES - 8;
/**
 * Victim slots, the same layout: a piece evicted from the first level moves to its slot here
 * (indexed by other bits of its hash), so that frequent pieces competing for one first-level
 * slot are still found without leaving the module.
 */
const VICTIMS = HOT + HOT_SLOTS * SLOT_BYTES;
const VICTIM_BITS = 15;
const VICTIM_MIX = 0x9e3779b1;
/**
 * The merge tables of {@link bpeWasmBytes} after the victims: each byte's token, the single-byte
 * pair cache, the seen-once filter and scratch, then (per vocabulary, see `WasmPieces`) the
 * pair table, the whole-token table, token offsets and bytes; the document's bytes follow.
 */
const BYTE_TOKEN = VICTIMS + (1 << VICTIM_BITS) * SLOT_BYTES;
const BYTE_PAIRS = BYTE_TOKEN + 4 * 256;
const SEEN = BYTE_PAIRS + 4 * 65536;
const SCRATCH = SEEN + 4 * (1 << SEEN_BITS);
const TABLES = SCRATCH + 8 * LONG_PIECE;
const LAYOUT: BpeLayout = {
  hot: HOT,
  hotSlots: HOT_SLOTS,
  victims: VICTIMS,
  victimBits: VICTIM_BITS,
  victimMix: VICTIM_MIX,
  slotRoom: SLOT_ROOM,
  byteToken: BYTE_TOKEN,
  bytePairs: BYTE_PAIRS,
  seen: SEEN,
  scratch: SCRATCH,
};
/**
 * Longest document (UTF-16 code units) encoded here; longer ones take the JavaScript path. The
 * memory keeps the size the longest document needed: 2.8 MB to start, at most about 40 MB (64 MB
 * for vocabularies of more than 2^16 ids).
 */
const MAX_WASM_CHARS = 1 << 22;

/**
 * Character classes of the pre-tokenisation patterns, as GPT-2's and cl100k's class tables hold
 * them: letters (\p{L}), numbers (\p{N}), white space (\s), and everything else.
 */
export const OTHER = 0;
export const LETTER = 1;
export const NUMBER = 2;
export const SPACE = 3;
/** FNV-1a, the piece caches' key hash (over UTF-16 code units in JavaScript, bytes here). */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Status of a scan: finished, stopped at a piece not in the cache, or at an astral code point. */
const DONE = 0;
const MISS = 1;
const ASTRAL = 2;

/**
 * o200k's pattern tells letters apart by case, so its scanner reads a finer table (see
 * {@link bmpClasses}): upper-case and title-case letters (only in its first letter class),
 * lower-case letters (only in its second), modifier and other letters and marks (in both; marks
 * are no letters elsewhere in the pattern), beside the numbers, white space and other above.
 */
export const UPPER = 4;
export const LOWER = 5;
export const BOTH = 6;
export const MARK = 7;

/** The pre-tokenisation patterns scanned here: GPT-2's (r50k, p50k), cl100k's and o200k's. */
export type WasmPattern = 'gpt2' | 'cl100k' | 'o200k';

/** The scanner for `pattern` (exported as `scan`), writing 16-bit (`width` 2) or 32-bit tokens. */
function scanner(width: 2 | 4, pattern: WasmPattern): Fn & { body: Code } {
  const f = new Fn(
    'scan',
    ['pos', 'end', 'out', 'o'],
    [
      'i',
      'a',
      'j',
      'c',
      'd',
      'e',
      'c0',
      'cp',
      'w',
      'w0',
      'k',
      'from',
      'ls',
      'h',
      's',
      'len',
      'q',
      'x',
      'hit',
      'nt',
      'nl',
      'cnt',
    ],
    true,
  );
  const g = f.get;
  const saveState = (status: number): Code => [
    store32(int(0), g('a')),
    store32(int(4), g('o')),
    store32(int(8), g('a')),
    store32(int(12), g('j')),
    store32(int(16), g('h')),
    ret(int(status)),
  ];
  /**
   * The code point at byte address `p` into cp, its length into w. Beyond the BMP, code points
   * of planes 4 to 16 read as U+3FFFF (a noncharacter, "other", as they all are); the class
   * table covers planes 1 to 3 once it is filled (see {@link ASTRAL_READY}), and until then the
   * scan stops at the piece such a code point is in.
   */
  const decode = (p: Code): Code => [
    f.set('c0', load8(p)),
    ifThen(
      ltU(g('c0'), int(0x80)),
      [f.set('cp', g('c0')), f.set('w', int(1))],
      ifThen(
        ltU(g('c0'), int(0xe0)),
        [
          f.set('cp', or(shl(and(g('c0'), int(0x1f)), int(6)), and(load8(add(p, int(1))), int(0x3f)))),
          f.set('w', int(2)),
        ],
        ifThen(
          ltU(g('c0'), int(0xf0)),
          [
            f.set(
              'cp',
              or(
                or(shl(and(g('c0'), int(0x0f)), int(12)), shl(and(load8(add(p, int(1))), int(0x3f)), int(6))),
                and(load8(add(p, int(2))), int(0x3f)),
              ),
            ),
            f.set('w', int(3)),
          ],
          [
            ifThen(eqz(load32(int(ASTRAL_READY))), [
              store32(int(0), g('a')),
              store32(int(4), g('o')),
              ret(int(ASTRAL)),
            ]),
            // Lead byte F0 is planes 1 to 3, whose code point is in the low 18 bits.
            f.set(
              'cp',
              or(
                or(
                  shl(and(load8(add(p, int(1))), int(0x3f)), int(12)),
                  shl(and(load8(add(p, int(2))), int(0x3f)), int(6)),
                ),
                and(load8(add(p, int(3))), int(0x3f)),
              ),
            ),
            f.set(
              'cp',
              select(
                g('cp'),
                // o200k: the variation selectors U+E0100 to U+E01EF (lead byte F3, low 18 bits
                // 0x20100 on) are the only marks beyond plane 3; they read as U+0300, a mark.
                pattern === 'o200k'
                  ? select(
                      int(0x300),
                      int(ASTRAL_END - 1),
                      and(eq(g('c0'), int(0xf3)), ltU(sub(g('cp'), int(0x20100)), int(0xf0))),
                    )
                  : int(ASTRAL_END - 1),
                eq(g('c0'), int(0xf0)),
              ),
            ),
            f.set('w', int(4)),
          ],
        ),
      ),
    ),
  ];
  const classOfCp = load8(add(int(CLASSES), g('cp')));
  /** `break` out of the innermost whileLoop from inside one `ifThen`. */
  const breakFromIf: Code = [0x0c, 2];

  /**
   * j: past the contraction at local `at0` (i, or j for o200k's, which follow letters): 's 't
   * 'm 'd 're 've 'll; in either case with `foldCase`, as `| 0x20` lowers ASCII letters; else
   * left as it was.
   */
  const contractions = (foldCase: boolean, at0: 'i' | 'j' = 'i'): Code => {
    const at = (k: number): Code =>
      foldCase ? or(load8(add(g(at0), int(k))), int(0x20)) : load8(add(g(at0), int(k)));
    // At i, c holds the byte already.
    const first = at0 === 'i' ? g('c') : load8(g(at0));
    return ifThen(and(eq(first, int(39)), ltU(add(g(at0), int(1)), g('end'))), [
      f.set('d', at(1)),
      ifThen(
        or(or(eq(g('d'), int(115)), eq(g('d'), int(116))), or(eq(g('d'), int(109)), eq(g('d'), int(100)))),
        f.set('j', add(g(at0), int(2))),
        ifThen(ltU(add(g(at0), int(2)), g('end')), [
          f.set('e', at(2)),
          ifThen(
            or(
              and(eq(g('e'), int(101)), or(eq(g('d'), int(114)), eq(g('d'), int(118)))),
              and(eq(g('d'), int(108)), eq(g('e'), int(108))),
            ),
            f.set('j', add(g(at0), int(3))),
          ),
        ]),
      ),
    ]);
  };
  /** j: past code points until one for which `stop` (on its decoded cp, w) holds, or the end. */
  const advanceUntil = (stop: Code): Code =>
    whileLoop(ltU(g('j'), g('end')), [
      decode(g('j')),
      ifThen(stop, breakFromIf),
      f.set('j', add(g('j'), g('w'))),
    ]);
  /** j: the end of the run of class `k` whose first code point starts at local `from`. */
  const runOf = (k: Code): Code => [
    decode(g('from')),
    f.set('j', add(g('from'), g('w'))),
    advanceUntil(ne(classOfCp, k)),
  ];
  const isNewline = (x: Code): Code => or(eq(x, int(10)), eq(x, int(13)));

  /** cl100k's and o200k's `\p{N}{1,3}`: j past one to three numbers, when k is a number. */
  const upToThreeNumbers: Code = ifThen(and(eq(g('j'), g('a')), eq(g('k'), int(NUMBER))), [
    f.set('j', add(g('i'), g('w0'))),
    f.set('cnt', int(1)),
    whileLoop(and(ltU(g('j'), g('end')), ltU(g('cnt'), int(3))), [
      decode(g('j')),
      ifThen(ne(classOfCp, int(NUMBER)), breakFromIf),
      f.set('j', add(g('j'), g('w'))),
      f.inc('cnt'),
    ]),
  ]);

  /**
   * cl100k's and o200k's last alternatives, `\s*[\r\n]+` · `\s+(?!\S)` · `\s+`: white space up
   * to its last CR or LF if it has one; else all of it at the end, all but its last character
   * before something else, or the one character.
   */
  const whiteSpace: Code = ifThen(eq(g('j'), g('a')), [
    f.set('j', g('i')),
    f.set('ls', g('i')),
    f.set('nl', int(-1)),
    whileLoop(ltU(g('j'), g('end')), [
      decode(g('j')),
      ifThen(ne(classOfCp, int(SPACE)), breakFromIf),
      ifThen(isNewline(g('cp')), f.set('nl', g('j'))),
      f.set('ls', g('j')),
      f.set('j', add(g('j'), g('w'))),
    ]),
    ifThen(
      ne(g('nl'), int(-1)),
      f.set('j', add(g('nl'), int(1))),
      ifThen(and(ltU(g('j'), g('end')), gtU(g('ls'), g('i'))), f.set('j', g('ls'))),
    ),
  ]);

  /**
   * cl100k's pattern, alternatives in the regex's order: `'(?i:s|t|re|ve|m|ll|d)` ·
   * `[^\r\n\p{L}\p{N}]?\p{L}+` · `\p{N}{1,3}` · ` ?[^\s\p{L}\p{N}]+[\r\n]*` ·
   * `\s*[\r\n]+` · `\s+(?!\S)` · `\s+`.
   */
  const cl100kPiece: Code = [
    f.set('a', g('i')),
    f.set('j', g('i')),
    f.set('c', load8(g('i'))),
    contractions(true),
    ifThen(eq(g('j'), g('a')), [
      decode(g('i')),
      f.set('k', classOfCp),
      f.set('w0', g('w')),
      f.set('nl', isNewline(g('cp'))),
      // Letters, after at most one code point that is no letter, number, CR or LF.
      ifThen(
        eq(g('k'), int(LETTER)),
        [f.set('from', g('i')), runOf(int(LETTER))],
        ifThen(and(and(ne(g('k'), int(NUMBER)), eq(g('nl'), int(0))), ltU(add(g('i'), g('w0')), g('end'))), [
          decode(add(g('i'), g('w0'))),
          ifThen(eq(classOfCp, int(LETTER)), [f.set('from', add(g('i'), g('w0'))), runOf(int(LETTER))]),
        ]),
      ),
      upToThreeNumbers,
      // Other symbols after an optional space, then any CR and LF.
      ifThen(eq(g('j'), g('a')), [
        f.set('from', int(-1)),
        ifThen(eq(g('k'), int(OTHER)), f.set('from', g('i'))),
        ifThen(and(eq(g('c'), int(32)), ltU(add(g('i'), int(1)), g('end'))), [
          decode(add(g('i'), int(1))),
          ifThen(eq(classOfCp, int(OTHER)), f.set('from', add(g('i'), int(1)))),
        ]),
        ifThen(ne(g('from'), int(-1)), [
          runOf(int(OTHER)),
          whileLoop(and(ltU(g('j'), g('end')), isNewline(load8(g('j')))), f.inc('j')),
        ]),
      ]),
      whiteSpace,
    ]),
  ];

  const gpt2Piece: Code = [
    f.set('a', g('i')),
    f.set('j', g('i')),
    f.set('c', load8(g('i'))),
    contractions(false),
    ifThen(eq(g('j'), g('a')), [
      decode(g('i')),
      f.set('k', classOfCp),
      f.set('w0', g('w')),
      f.set('from', g('i')),
      // ' ?X+': a space joins the run of the class that follows it.
      ifThen(and(eq(g('c'), int(32)), ltU(add(g('i'), int(1)), g('end'))), [
        decode(add(g('i'), int(1))),
        ifThen(ne(classOfCp, int(SPACE)), [f.set('k', classOfCp), f.set('from', add(g('i'), int(1)))]),
      ]),
      ifThen(ne(g('k'), int(SPACE)), runOf(g('k')), [
        // White space: all of it at the end, else all but its last character (which then
        // leads the next piece), else the one character.
        f.set('j', add(g('i'), g('w0'))),
        f.set('ls', g('i')),
        whileLoop(ltU(g('j'), g('end')), [
          decode(g('j')),
          ifThen(ne(classOfCp, int(SPACE)), breakFromIf),
          f.set('ls', g('j')),
          f.set('j', add(g('j'), g('w'))),
        ]),
        ifThen(and(ltU(g('j'), g('end')), gtU(g('ls'), g('i'))), f.set('j', g('ls'))),
      ]),
    ]),
  ];

  /** Whether class `k` is in the set `mask` (bit per class). */
  const inSet = (mask: number, k: Code): Code => and(shrU(int(mask), k), int(1));
  const UPPER_SET = (1 << UPPER) | (1 << BOTH) | (1 << MARK);
  const LOWER_SET = (1 << LOWER) | (1 << BOTH) | (1 << MARK);
  const SYMBOL_SET = (1 << OTHER) | (1 << MARK);
  /**
   * o200k's pattern, alternatives in the regex's order (U: upper, title, modifier, other
   * letters and marks; L: lower, modifier, other letters and marks; C: the contractions):
   * `[^\r\n\p{L}\p{N}]?U*L+C?` · `[^\r\n\p{L}\p{N}]?U+L*C?` · `\p{N}{1,3}` ·
   * ` ?[^\s\p{L}\p{N}]+[\r\n/]*` · `\s*[\r\n]+` · `\s+(?!\S)` · `\s+`.
   * The first two, with the regex's backtracking worked out: from s (after the optional code
   * point P, when there is one), U* runs to e. A lower-case letter there starts L+, which runs
   * on; else U* gives back up to its last code point in both classes, which is then L+ (a mark
   * P alone is that too); else a nonempty run is U+ (of upper and title case only).
   */
  const o200kPiece: Code = [
    f.set('a', g('i')),
    f.set('j', g('i')),
    decode(g('i')),
    f.set('k', classOfCp),
    f.set('w0', g('w')),
    // nl: whether the first code point can be P (no letter, number, CR or LF).
    f.set('nl', or(inSet(SYMBOL_SET, g('k')), and(eq(g('k'), int(SPACE)), eqz(isNewline(g('cp')))))),
    f.set('from', select(add(g('i'), g('w0')), g('i'), g('nl'))),
    // U* from `from` to e; ls: the end of its last code point of both classes (or -1); x: a
    // lower-case letter follows it.
    f.set('e', g('from')),
    f.set('ls', int(-1)),
    f.set('x', int(0)),
    whileLoop(ltU(g('e'), g('end')), [
      decode(g('e')),
      f.set('c', classOfCp),
      ifThen(eqz(inSet(UPPER_SET, g('c'))), [f.set('x', eq(g('c'), int(LOWER))), breakFromIf]),
      f.set('e', add(g('e'), g('w'))),
      ifThen(ne(g('c'), int(UPPER)), f.set('ls', g('e'))),
    ]),
    ifThen(
      g('x'),
      [f.set('j', add(g('e'), g('w'))), advanceUntil(eqz(inSet(LOWER_SET, classOfCp)))],
      ifThen(
        ne(g('ls'), int(-1)),
        f.set('j', g('ls')),
        ifThen(
          and(g('nl'), eq(g('k'), int(MARK))),
          f.set('j', add(g('i'), g('w0'))),
          ifThen(gtU(g('e'), g('from')), f.set('j', g('e'))),
        ),
      ),
    ),
    ifThen(ne(g('j'), g('a')), contractions(true, 'j')),
    upToThreeNumbers,
    // Symbols and marks after an optional space, then any CR, LF and '/'.
    ifThen(eq(g('j'), g('a')), [
      f.set('from', select(g('i'), int(-1), inSet(SYMBOL_SET, g('k')))),
      ifThen(and(eq(load8(g('i')), int(32)), ltU(add(g('i'), int(1)), g('end'))), [
        decode(add(g('i'), int(1))),
        ifThen(inSet(SYMBOL_SET, classOfCp), f.set('from', add(g('i'), int(1)))),
      ]),
      ifThen(ne(g('from'), int(-1)), [
        f.set('j', g('from')),
        advanceUntil(eqz(inSet(SYMBOL_SET, classOfCp))),
        whileLoop(
          and(ltU(g('j'), g('end')), or(isNewline(load8(g('j'))), eq(load8(g('j')), int(47)))),
          f.inc('j'),
        ),
      ]),
    ]),
    whiteSpace,
  ];

  /** hit = whether the slot at `s` holds the piece [a, j) (hash h, length len). */
  const compareSlot: Code = [
    f.set('hit', int(0)),
    ifThen(
      and(
        and(ltU(g('len'), int(SLOT_ROOM + 1)), eq(load32(g('s')), g('h'))),
        eq(and(load32(add(g('s'), int(4))), int(0xff)), g('len')),
      ),
      [
        f.set('hit', int(1)),
        f.set('q', int(0)),
        whileLoop(ltU(g('q'), g('len')), [
          f.set('x', load32(add(g('a'), g('q')))),
          // The last word keeps only the piece's bytes (slots store zeros after the key). With
          // FNV-1a, pieces of one length differing only there cannot share a hash: a safety net.
          ifThen(
            ltU(sub(g('len'), g('q')), int(4)),
            f.set('x', and(g('x'), sub(shl(int(1), shl(sub(g('len'), g('q')), int(3))), int(1)))),
          ),
          ifThen(ne(g('x'), load32(add(add(g('s'), int(8)), g('q')))), [f.set('hit', int(0)), breakFromIf]),
          f.set('q', add(g('q'), int(4))),
        ]),
      ],
    ),
  ];

  const lookUp: Code = [
    f.set('h', int(FNV_OFFSET)),
    f.set('q', g('a')),
    whileLoop(ltU(g('q'), g('j')), [f.set('h', mul(xor(g('h'), load8(g('q'))), int(FNV_PRIME))), f.inc('q')]),
    f.set('len', sub(g('j'), g('a'))),
    f.set('s', add(int(HOT), shl(and(xor(g('h'), shrU(g('h'), int(17))), int(HOT_SLOTS - 1)), int(6)))),
    compareSlot,
    // Not in its first-level slot: its slot among the victims (see `put`).
    ifThen(eq(g('hit'), int(0)), [
      f.set('s', add(int(VICTIMS), shl(shrU(mul(g('h'), int(VICTIM_MIX)), int(32 - VICTIM_BITS)), int(6)))),
      compareSlot,
    ]),
    ifThen(
      eq(g('hit'), int(0)),
      // Merged in WebAssembly (the imported `resolve`, see bpeWasm.ts), else back to JavaScript.
      [
        f.set('x', call(0, g('a'), g('len'), g('h'), g('out'), g('o'))),
        ifThen(ltS(g('x'), int(0)), saveState(MISS)),
        f.set('o', g('x')),
      ],
      [
        f.set('nt', shrU(load32(add(g('s'), int(4))), int(8))),
        // The tokens follow the key, padded to 4 bytes.
        f.set('q', add(add(g('s'), int(8)), and(add(g('len'), int(3)), int(-4)))),
        f.set('x', add(g('q'), shl(g('nt'), int(width === 2 ? 1 : 2)))),
        whileLoop(ltU(g('q'), g('x')), [
          width === 2
            ? store16(add(g('out'), shl(g('o'), int(1))), load16(g('q')))
            : store32(add(g('out'), shl(g('o'), int(2))), load32(g('q'))),
          f.inc('o'),
          f.set('q', add(g('q'), int(width))),
        ]),
      ],
    ),
  ];

  const body: Code = [
    f.set('i', g('pos')),
    whileLoop(ltU(g('i'), g('end')), [
      pattern === 'gpt2' ? gpt2Piece : pattern === 'cl100k' ? cl100kPiece : o200kPiece,
      lookUp,
      f.set('i', g('j')),
    ]),
    store32(int(0), g('i')),
    store32(int(4), g('o')),
    int(DONE),
  ];
  return Object.assign(f, { body });
}

const astralTables: { plain?: Uint8Array; o200k?: Uint8Array } = {};

/**
 * Classes of U+10000 to U+3FFFF as the engine's regular expressions see them (with `o200k`, the
 * finer classes of {@link bmpClasses}), computed once per thread (about 10 ms: one match over
 * all of them in one string). Code points above them are unassigned, tags, variation selectors
 * or private use: no letter, number or white space, and no mark but the variation selectors,
 * which the o200k scanner reads as one (a test checks this against the engine).
 */
function astralClasses(o200k: boolean): Uint8Array {
  const known = o200k ? astralTables.o200k : astralTables.plain;
  if (known) return known;
  // Every code point of planes 1 to 3 as one string, from its surrogate pairs.
  const units = new Uint16Array(2 * (ASTRAL_END - 0x10000));
  for (let c = 0, i = 0; c < ASTRAL_END - 0x10000; c++, i += 2) {
    units[i] = 0xd800 + (c >> 10);
    units[i + 1] = 0xdc00 + (c & 0x3ff);
  }
  // Two UTF-16 units per code point: index / 2 is the offset in the table.
  const table = classTable(new TextDecoder('utf-16le').decode(units), 2, o200k);
  if (o200k) astralTables.o200k = table;
  else astralTables.plain = table;
  return table;
}

const PLAIN_CLASSES = /(\p{L}+)|(\p{N}+)|(\s+)/gu;
const O200K_CLASSES = /([\p{Lu}\p{Lt}]+)|(\p{Ll}+)|([\p{Lm}\p{Lo}]+)|(\p{M}+)|(\p{N}+)|(\s+)/gu;
const PLAIN_OF = [LETTER, NUMBER, SPACE];
const O200K_OF = [UPPER, LOWER, BOTH, MARK, NUMBER, SPACE];

/** The class of each code point of `all` (`units` UTF-16 units each), from one regex pass. */
function classTable(all: string, units: 1 | 2, o200k: boolean): Uint8Array {
  const table = new Uint8Array(all.length / units);
  const of = o200k ? O200K_OF : PLAIN_OF;
  for (const m of all.matchAll(o200k ? O200K_CLASSES : PLAIN_CLASSES)) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    table.fill(of[group - 1]!, m.index / units, (m.index + m[0].length) / units);
  }
  return table;
}

const bmpTables: { plain?: Uint8Array; o200k?: Uint8Array } = {};

/**
 * The class of every BMP code unit (surrogates: other), computed once per thread from one regex
 * pass: {@link LETTER}, {@link NUMBER}, {@link SPACE} or {@link OTHER} for GPT-2's and cl100k's
 * patterns (the JavaScript pre-tokenisers read it too), or with `o200k` the finer classes of
 * o200k's scanner ({@link UPPER}, {@link LOWER}, {@link BOTH}, {@link MARK} for letters and marks).
 */
export function bmpClasses(o200k = false): Uint8Array {
  const known = o200k ? bmpTables.o200k : bmpTables.plain;
  if (known) return known;
  // NUL, of class other, stands in for the surrogates: one code unit per code point.
  const units = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) units[c] = c >= 0xd800 && c <= 0xdfff ? 0 : c;
  const table = classTable(new TextDecoder('utf-16le').decode(units), 1, o200k);
  if (o200k) bmpTables.o200k = table;
  else bmpTables.plain = table;
  return table;
}

/** Compiled modules by pattern and token width (null: unavailable, or compiling). */
const compiled = new Map<string, WebAssembly.Module | null>();

/**
 * The bytes of the module for one pattern and token width (deterministic), whose one function
 * is `scan`. One module each keeps them under 4 KB, the most browsers' main threads compile
 * synchronously.
 */
export function pretokenizerWasmBytes(pattern: WasmPattern, width: 2 | 4): Uint8Array<ArrayBuffer> {
  return moduleBytes([scanner(width, pattern)], undefined, [{ name: 'resolve', params: 5, returns: true }]);
}

/**
 * The module, compiled once per thread; null where WebAssembly is unavailable or refused (a
 * CSP without `wasm-unsafe-eval`), or until an asynchronous compile has finished where a
 * synchronous one was refused.
 */
function pretokenizerModule(pattern: WasmPattern, width: 2 | 4): WebAssembly.Module | null {
  return compileOnce(`${pattern}${width}`, () => pretokenizerWasmBytes(pattern, width));
}

/** The module of {@link bpeWasmBytes} for this memory layout, compiled once per thread. */
function bpeModule(width: 2 | 4): WebAssembly.Module | null {
  return compileOnce(`bpe${width}`, () => bpeWasmBytes(width, LAYOUT));
}

function compileOnce(key: string, bytesOf: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  const known = compiled.get(key);
  if (known !== undefined) return known;
  if (typeof WebAssembly === 'undefined') {
    compiled.set(key, null);
    return null;
  }
  const bytes = bytesOf();
  try {
    compiled.set(key, new WebAssembly.Module(bytes));
  } catch {
    // Take the JavaScript path until a background compile (if allowed at all) has finished.
    compiled.set(key, null);
    WebAssembly.compile(bytes).then(
      (m) => {
        compiled.set(key, m);
      },
      () => {},
    );
  }
  return compiled.get(key) ?? null;
}

/**
 * Resolves a piece the hot slots do not hold: writes its tokens to `out` at `o` and returns the
 * end, or its bitwise complement (`~end`) when the piece was seen for the first time. Such a
 * piece only takes an empty slot: most are one-offs (ids, base64), and evicting a frequent
 * piece for each of them would make the frequent ones miss again.
 */
export type MissHandler = (
  bytes: Uint8Array,
  a: number,
  b: number,
  hash: number,
  out: Uint16Array | Uint32Array,
  o: number,
) => number;

/** One tokenizer's module instance: its memory, class table and hot slots. */
export class WasmPieces {
  private readonly memory: WebAssembly.Memory;
  private readonly scan: (pos: number, end: number, out: number, o: number) => number;
  private readonly utf8 = new TextEncoder();
  private u8: Uint8Array;
  private i32: Int32Array;
  private u16: Uint16Array;

  /** Where the document's bytes start (after the vocabulary's merge tables). */
  private readonly data: number;

  private constructor(
    module: WebAssembly.Module,
    bpe: WebAssembly.Module | null,
    tables: BpeTables | null,
    classes: Uint8Array,
    private readonly wide: boolean,
    private readonly pattern: WasmPattern,
  ) {
    const merging = bpe !== null && tables !== null;
    let top = TABLES;
    const place = (bytes: number): number => {
      const at = top;
      top = (top + bytes + 63) & ~63;
      return at;
    };
    const at = merging
      ? {
          pairs: place(tables.pairs.byteLength),
          whole: place(tables.whole.byteLength),
          offsets: place(tables.offsets.byteLength),
          pool: place(tables.pool.byteLength),
        }
      : null;
    this.data = top;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.data + PAGE) / PAGE) });
    this.u8 = new Uint8Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.u16 = new Uint16Array(this.memory.buffer);
    this.u8.set(classes.subarray(0, 65536), CLASSES);
    let resolve: (...args: number[]) => number = () => -1;
    if (merging && at) {
      const v = this.i32;
      v.set(tables.byteToken, BYTE_TOKEN >> 2);
      v.fill(UNKNOWN_PAIR, BYTE_PAIRS >> 2, (BYTE_PAIRS >> 2) + 65536);
      v.set(tables.pairs, at.pairs >> 2);
      v.set(tables.whole, at.whole >> 2);
      v.set(tables.offsets, at.offsets >> 2);
      this.u8.set(tables.pool, at.pool);
      v[PAIRS_AT >> 2] = at.pairs;
      v[PAIRS_MASK >> 2] = tables.pairs.length / 3 - 1;
      v[WHOLE_AT >> 2] = at.whole;
      v[WHOLE_MASK >> 2] = tables.whole.length / 2 - 1;
      v[OFFSETS_AT >> 2] = at.offsets;
      v[POOL_AT >> 2] = at.pool;
      resolve = new WebAssembly.Instance(bpe, { s: { m: this.memory } }).exports.resolve as typeof resolve;
    }
    const exports = new WebAssembly.Instance(module, { s: { m: this.memory, resolve } }).exports;
    this.scan = exports.scan as (pos: number, end: number, out: number, o: number) => number;
  }

  /**
   * An instance for `pattern` and 16-bit (or, with `wide`, 32-bit) token ids, with its pattern's
   * class of every BMP code point (see {@link bmpClasses}); pieces it misses are merged in WebAssembly with `tables` where given
   * (and that module is available), else in JavaScript. Null where the module is unavailable.
   */
  static create(wide: boolean, pattern: WasmPattern, tables?: BpeTables): WasmPieces | null {
    const width = wide ? 4 : 2;
    const module = pretokenizerModule(pattern, width);
    if (!module) return null;
    try {
      const classes = bmpClasses(pattern === 'o200k');
      return new WasmPieces(module, tables ? bpeModule(width) : null, tables ?? null, classes, wide, pattern);
    } catch {
      return null;
    }
  }

  /**
   * The tokens of `text` as a view of this instance's memory, valid until the next call; null
   * when the text must take the JavaScript path (longer than {@link MAX_WASM_CHARS}, a code
   * point beyond the BMP, or no memory to be had).
   */
  encode(text: string, miss: MissHandler): Uint16Array | Uint32Array | null {
    // At most 3 UTF-8 bytes per UTF-16 unit.
    if (text.length > MAX_WASM_CHARS || !this.room(3 * text.length)) return null;
    const data = this.data;
    const written = this.utf8.encodeInto(text, this.u8.subarray(data, data + 3 * text.length)).written;
    return this.scanAll(written, miss);
  }

  /*
   * The parts of `encode` are methods of their own so that the engine optimises the loop of
   * `scanAll` alone, not again each time a rare branch (growth, the first astral code point)
   * is first taken.
   */

  /** Memory for a document of up to `bytes` UTF-8 bytes and its tokens; false if it cannot grow. */
  private room(bytes: number): boolean {
    const width = this.wide ? 4 : 2;
    // Bytes, 8 bytes of slack (the key compare reads whole words), then up to one token a byte.
    const need = this.data + bytes + 8 + width * bytes + 8;
    if (need > this.memory.buffer.byteLength) {
      try {
        this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
      } catch {
        return false;
      }
    }
    if (this.u8.buffer !== this.memory.buffer) {
      this.u8 = new Uint8Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
      this.u16 = new Uint16Array(this.memory.buffer);
      this.u16 = new Uint16Array(this.memory.buffer);
    }
    return true;
  }

  /** Scan the `written` bytes at `data`: their tokens, or null for the JavaScript path. */
  private scanAll(written: number, miss: MissHandler): Uint16Array | Uint32Array | null {
    const outAt = (this.data + written + 8 + 7) & ~7;
    const out = this.wide
      ? new Uint32Array(this.memory.buffer, outAt, written)
      : new Uint16Array(this.memory.buffer, outAt, written);
    const end = this.data + written;
    let pos = this.data;
    let o = 0;
    for (;;) {
      const status = this.scan(pos, end, outAt, o);
      o = this.i32[1]!;
      if (status === DONE) break;
      if (status === ASTRAL) {
        // The first code point beyond the BMP: fill the table of planes 1 to 3 and go on from
        // the piece it is in.
        this.fillAstral();
        pos = this.i32[0]!;
        continue;
      }
      const a = this.i32[2]!;
      const b = this.i32[3]!;
      const h = this.i32[4]!;
      const got = miss(this.u8, a, b, h, out, o);
      const to = got < 0 ? ~got : got;
      this.put(a, b, h, out, o, to, got < 0);
      o = to;
      pos = b;
    }
    return out.subarray(0, o);
  }

  /** Fill the classes of planes 1 to 3 (once per instance). */
  private fillAstral(): void {
    if (this.i32[ASTRAL_READY >> 2]) return;
    this.u8.set(astralClasses(this.pattern === 'o200k'), CLASSES + 0x10000);
    this.i32[ASTRAL_READY >> 2] = 1;
  }

  /** Keep piece bytes [a, b) → out[from, to) in its slot, when it fits one (and, for a
   * piece seen the first time, when the slot is empty). */
  private put(
    a: number,
    b: number,
    h: number,
    out: Uint16Array | Uint32Array,
    from: number,
    to: number,
    firstSeen: boolean,
  ): void {
    const len = b - a;
    const n = to - from;
    const keyRoom = (len + 3) & ~3;
    const width = this.wide ? 4 : 2;
    if (keyRoom + width * n > SLOT_ROOM) return;
    const s = HOT + (((h ^ (h >>> 17)) & (HOT_SLOTS - 1)) << 6);
    const v = this.i32;
    const w = s >> 2;
    if (v[w + 1] !== 0) {
      if (firstSeen) return;
      // The piece it evicts moves to its victim slot.
      this.u8.copyWithin(
        VICTIMS + ((Math.imul(v[w]!, VICTIM_MIX) >>> (32 - VICTIM_BITS)) << 6),
        s,
        s + SLOT_BYTES,
      );
    }
    v[w] = h;
    v[w + 1] = len | (n << 8);
    this.u8.copyWithin(s + 8, a, b);
    this.u8.fill(0, s + 8 + len, s + 8 + keyRoom);
    const tokens = s + 8 + keyRoom;
    if (this.wide) for (let i = 0; i < n; i++) v[(tokens >> 2) + i] = out[from + i]!;
    else {
      const u16 = this.u16;
      for (let i = 0; i < n; i++) u16[(tokens >> 1) + i] = out[from + i]!;
    }
  }
}
