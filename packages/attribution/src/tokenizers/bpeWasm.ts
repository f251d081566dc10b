/**
 * Byte-pair merging in WebAssembly, for the pieces the pre-tokeniser's slots miss: the scanner
 * (`pretokenizerWasm.ts`) calls `resolve` on such a piece, which merges it exactly as
 * `BytePairEncoder.merge` in `tiktoken.ts` does (a piece that is a token is that token; else
 * the lowest-ranked adjacent pair merges first, the leftmost on ties), writes its tokens and
 * keeps the piece in a slot. Only pieces over {@link LONG_PIECE} bytes (merged in JavaScript in
 * O(n log n)) still go back to JavaScript. Without this module the scanner returns every miss
 * to JavaScript, as before.
 *
 * Its tables live in the pre-tokeniser's memory ({@link BpeLayout}): the token of each byte,
 * a cache of single-byte pairs, every way each token splits into two (open-addressed, copied
 * from `BytePairEncoder`), every token's bytes by hash, and a filter of piece hashes seen once.
 */
import {
  add,
  and,
  type Code,
  call,
  eq,
  Fn,
  geS,
  gtS,
  ifThen,
  int,
  load8,
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
  store8,
  store16,
  store32,
  sub,
  whileLoop,
  xor,
} from '../internal/wasmCode.js';

/**
 * Longest piece merged here (UTF-8 bytes); longer ones go back to JavaScript, whose
 * `BytePairEncoder` merges them through a heap instead of a quadratic scan.
 */
export const LONG_PIECE = 128;
/** The pair-table slot of tokens x and y (`BytePairEncoder.slot` builds the table with it). */
export const PAIR_MIX_X = 0x9e3779b1;
export const PAIR_MIX_Y = 0x85ebca77;
export const PAIR_ADD_Y = 0x7f4a7c15;
/** A pair of bytes whose merge is not looked up yet, in the single-byte pair cache. */
export const UNKNOWN_PAIR = -2;
/** Mixer and size of the seen-once filter (indexed by the top bits of hash × mix). */
const SEEN_MIX = 0x2545f491;
export const SEEN_BITS = 16;

/**
 * Byte addresses, in the pre-tokeniser's memory, of what this module reads: fixed ones, and the
 * state words (from 32) where the vocabulary's tables' addresses are written.
 */
export interface BpeLayout {
  /** Hot and victim slots, as the scanner lays them out. */
  hot: number;
  hotSlots: number;
  victims: number;
  victimBits: number;
  victimMix: number;
  /** Room for key and tokens in a 64-byte slot. */
  slotRoom: number;
  /** 256 token ids, 65,536 single-byte pair merges, the seen filter, scratch for a piece. */
  byteToken: number;
  bytePairs: number;
  seen: number;
  scratch: number;
}

/** A vocabulary's merge tables, as `BytePairEncoder` holds them (copied into the memory). */
export interface BpeTables {
  /** The token of each byte. */
  byteToken: Int32Array;
  /** [left, right, merged] per slot, open-addressed (left -1: empty); a power of two slots. */
  pairs: Int32Array;
  /** [FNV-1a hash of the bytes, id + 1] per slot of every token, open-addressed. */
  whole: Int32Array;
  /** [offset in `pool`, length] of every id's bytes. */
  offsets: Int32Array;
  pool: Uint8Array;
}

/** State words (byte addresses) holding the vocabulary's table addresses and masks. */
export const PAIRS_AT = 32;
export const PAIRS_MASK = 36;
export const WHOLE_AT = 40;
export const WHOLE_MASK = 44;
export const OFFSETS_AT = 48;
export const POOL_AT = 52;

/** The module (exports `resolve`), for one token width and memory layout. */
export function bpeWasmBytes(width: 2 | 4, L: BpeLayout): Uint8Array<ArrayBuffer> {
  const NONE = 0x7fffffff;
  // pair(x, y): the token merging tokens x and y, or -1.
  const pair = new Fn('pair', ['x', 'y'], ['s', 'l', 'P', 'M'], true);
  {
    const g = pair.get;
    const set = pair.set;
    Object.assign(pair, {
      body: [
        set('P', load32(int(PAIRS_AT))),
        set('M', load32(int(PAIRS_MASK))),
        set(
          's',
          and(xor(mul(g('x'), int(PAIR_MIX_X)), mul(add(g('y'), int(PAIR_ADD_Y)), int(PAIR_MIX_Y))), g('M')),
        ),
        whileLoop(int(1), [
          set('l', load32(add(g('P'), mul(g('s'), int(12))))),
          ifThen(eq(g('l'), int(-1)), ret(int(-1))),
          ifThen(
            and(eq(g('l'), g('x')), eq(load32(add(add(g('P'), mul(g('s'), int(12))), int(4))), g('y'))),
            ret(load32(add(add(g('P'), mul(g('s'), int(12))), int(8)))),
          ),
          set('s', and(add(g('s'), int(1)), g('M'))),
        ]),
        int(-1),
      ],
    });
  }

  const f = new Fn(
    'resolve',
    ['a', 'n', 'h', 'out', 'o'],
    ['i', 'len', 'best', 'at', 'm', 'key', 's', 'v', 'id', 't', 'k', 'P', 'R', 'first', 'nt', 'kr', 'q'],
    true,
  );
  const g = f.get;
  const set = f.set;
  const P = L.scratch;
  const R = L.scratch + 4 * LONG_PIECE;
  const part = (i: Code): Code => add(int(P), shl(i, int(2)));
  const rank = (i: Code): Code => add(int(R), shl(i, int(2)));
  const breakFromIf: Code = [0x0c, 2];
  const noneIfNegative = (x: Code): Code => [set('m', x), select(int(NONE), g('m'), ltS(g('m'), int(0)))];
  const storeToken = (addr: Code, value: Code): Code =>
    width === 2 ? store16(addr, value) : store32(addr, value);
  const outAt = (i: Code): Code => add(g('out'), shl(i, int(width === 2 ? 1 : 2)));

  /** A piece that is a token is that token (`BytePairEncoder.whole`, same FNV-1a hash). */
  const whole: Code = ifThen(gtS(g('n'), int(1)), [
    set('s', and(xor(g('h'), shrU(g('h'), int(15))), load32(int(WHOLE_MASK)))),
    whileLoop(int(1), [
      set('v', add(load32(int(WHOLE_AT)), shl(g('s'), int(3)))),
      set('id', sub(load32(add(g('v'), int(4))), int(1))),
      ifThen(ltS(g('id'), int(0)), breakFromIf),
      ifThen(
        and(
          eq(load32(g('v')), g('h')),
          eq(load32(add(add(load32(int(OFFSETS_AT)), shl(g('id'), int(3))), int(4))), g('n')),
        ),
        [
          set('t', add(load32(int(POOL_AT)), load32(add(load32(int(OFFSETS_AT)), shl(g('id'), int(3)))))),
          set('k', int(0)),
          whileLoop(
            and(ltS(g('k'), g('n')), eq(load8(add(g('t'), g('k'))), load8(add(g('a'), g('k'))))),
            set('k', add(g('k'), int(1))),
          ),
          // Two `if`s deep in the loop: `br 3` leaves it.
          ifThen(eq(g('k'), g('n')), [storeToken(outAt(g('o')), g('id')), set('len', int(1)), [0x0c, 3]]),
        ],
      ),
      set('s', and(add(g('s'), int(1)), load32(int(WHOLE_MASK)))),
    ]),
  ]);

  /** `BytePairEncoder.merge` on bytes [a, a + n): parts and their pair ranks in scratch. */
  const merge: Code = [
    set('i', int(0)),
    whileLoop(ltS(g('i'), g('n')), [
      store32(part(g('i')), load32(add(int(L.byteToken), shl(load8(add(g('a'), g('i'))), int(2))))),
      set('i', add(g('i'), int(1))),
    ]),
    set('len', g('n')),
    set('i', int(0)),
    whileLoop(ltS(add(g('i'), int(1)), g('len')), [
      set(
        'key',
        add(
          int(L.bytePairs),
          shl(or(shl(load8(add(g('a'), g('i'))), int(8)), load8(add(add(g('a'), g('i')), int(1)))), int(2)),
        ),
      ),
      set('m', load32(g('key'))),
      ifThen(eq(g('m'), int(UNKNOWN_PAIR)), [
        set('m', call(0, load32(part(g('i'))), load32(part(add(g('i'), int(1)))))),
        store32(g('key'), g('m')),
      ]),
      store32(rank(g('i')), select(int(NONE), g('m'), ltS(g('m'), int(0)))),
      set('i', add(g('i'), int(1))),
    ]),
    whileLoop(gtS(g('len'), int(1)), [
      set('best', int(NONE)),
      set('at', int(-1)),
      set('i', int(0)),
      whileLoop(ltS(add(g('i'), int(1)), g('len')), [
        ifThen(ltS(load32(rank(g('i'))), g('best')), [set('best', load32(rank(g('i')))), set('at', g('i'))]),
        set('i', add(g('i'), int(1))),
      ]),
      ifThen(ltS(g('at'), int(0)), breakFromIf),
      store32(part(g('at')), g('best')),
      set('i', add(g('at'), int(1))),
      whileLoop(ltS(add(g('i'), int(1)), g('len')), [
        store32(part(g('i')), load32(part(add(g('i'), int(1))))),
        store32(rank(g('i')), load32(rank(add(g('i'), int(1))))),
        set('i', add(g('i'), int(1))),
      ]),
      set('len', sub(g('len'), int(1))),
      ifThen(gtS(g('at'), int(0)), [
        store32(
          rank(sub(g('at'), int(1))),
          noneIfNegative(call(0, load32(part(sub(g('at'), int(1)))), g('best'))),
        ),
      ]),
      ifThen(ltS(add(g('at'), int(1)), g('len')), [
        store32(rank(g('at')), noneIfNegative(call(0, g('best'), load32(part(add(g('at'), int(1))))))),
      ]),
    ]),
    set('i', int(0)),
    whileLoop(ltS(g('i'), g('len')), [
      storeToken(outAt(add(g('o'), g('i'))), load32(part(g('i')))),
      set('i', add(g('i'), int(1))),
    ]),
  ];

  /**
   * Keep the piece in a slot, as `WasmPieces.put` does: a piece the filter has not seen takes
   * its first-level slot or its victim slot only if empty; a piece seen before takes its
   * first-level slot, whose piece moves to its own victim slot.
   */
  const victimOf = (hash: Code): Code =>
    add(int(L.victims), shl(shrU(mul(hash, int(L.victimMix)), int(32 - L.victimBits)), int(6)));
  const put: Code = [
    set('kr', and(add(g('n'), int(3)), int(-4))),
    ifThen(ltS(add(g('kr'), mul(g('len'), int(width))), int(L.slotRoom + 1)), [
      set('v', add(int(L.seen), shl(shrU(mul(g('h'), int(SEEN_MIX)), int(32 - SEEN_BITS)), int(2)))),
      set('first', ne(load32(g('v')), g('h'))),
      store32(g('v'), g('h')),
      set('s', add(int(L.hot), shl(and(xor(g('h'), shrU(g('h'), int(17))), int(L.hotSlots - 1)), int(6)))),
      ifThen(ne(load32(add(g('s'), int(4))), int(0)), [
        ifThen(
          g('first'),
          [
            set('s', victimOf(g('h'))),
            ifThen(ne(load32(add(g('s'), int(4))), int(0)), ret(add(g('o'), g('len')))),
          ],
          [
            // Evict: the slot's 64 bytes to the victim slot of its own hash.
            set('v', victimOf(load32(g('s')))),
            set('k', int(0)),
            whileLoop(ltU(g('k'), int(64)), [
              store32(add(g('v'), g('k')), load32(add(g('s'), g('k')))),
              set('k', add(g('k'), int(4))),
            ]),
          ],
        ),
      ]),
      store32(g('s'), g('h')),
      store32(add(g('s'), int(4)), or(g('n'), shl(g('len'), int(8)))),
      // Key bytes, zero-padded to a multiple of 4, then the tokens.
      store32(add(add(g('s'), int(4)), g('kr')), int(0)),
      set('k', int(0)),
      whileLoop(ltS(g('k'), g('n')), [
        store8(add(add(g('s'), int(8)), g('k')), load8(add(g('a'), g('k')))),
        set('k', add(g('k'), int(1))),
      ]),
      set('q', add(add(g('s'), int(8)), g('kr'))),
      set('k', int(0)),
      whileLoop(ltS(g('k'), g('len')), [
        storeToken(add(g('q'), shl(g('k'), int(width === 2 ? 1 : 2))), load32(part(g('k')))),
        set('k', add(g('k'), int(1))),
      ]),
    ]),
  ];

  Object.assign(f, {
    body: [
      ifThen(gtS(g('n'), int(LONG_PIECE)), ret(int(-1))),
      ifThen(geS(int(0), g('n')), ret(g('o'))),
      set('len', int(0)),
      whole,
      // A whole token: its one id is out[o] (and the scratch's first part, for the slot).
      ifThen(eq(g('len'), int(1)), store32(part(int(0)), g('id')), merge),
      put,
      add(g('o'), g('len')),
    ],
  });
  return moduleBytes([pair as Fn & { body: Code }, f as Fn & { body: Code }]);
}
