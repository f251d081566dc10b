/**
 * SA-IS in WebAssembly: the same algorithm as `sais.ts`, with its loops assembled here from
 * opcodes (no toolchain, no network) and driven level by level from JavaScript.
 *
 * Why: the induction loops are bound by random memory accesses, and V8's code for them carries
 * enough per-iteration overhead (map and length checks, interrupt checks) to keep far fewer
 * misses in flight than compiled C. The same loops in WebAssembly run about 2.5× faster, close
 * to C. Each loop runs over a range, so JavaScript calls it in chunks: engines compile a
 * module quickly first and switch to optimised code between calls, never inside a long one.
 *
 * Memory layout (bytes): [0, 32) loop state · the text from byte 64 (1, 2 or 4 bytes per
 * symbol; {@link WasmTokenBuffer} accumulates tokens there; a 16-bit text of at most 256
 * symbols is sorted as bytes written over its first half, then restored) · SA (4n) · bucket
 * arrays, bump-allocated per level and released on return. Text and suffix array are handed
 * back as views of the memory, so the sort copies neither.
 */

import {
  add,
  and,
  type Code,
  eq,
  eqz,
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
  ne,
  or,
  select,
  shl,
  shrS,
  store8,
  store16,
  store32,
  sub,
  whileLoop,
  xor,
} from '../internal/wasmCode.js';
import type { SaisText } from './sais.js';
import {
  drain,
  runInSlices,
  type SliceOptions,
  type SortClock,
  type Steps,
  unpaused,
  WASM_WORK_PER_SYMBOL,
} from './slices.js';

const PAGE = 65536;
/** Largest memory asked for (wasm32 addresses), in pages and bytes. */
const MAX_PAGES = 0xffff;
const MAX_BYTES = MAX_PAGES * PAGE;

/** Address of 32-bit entry `i` of the array at byte address `base`. */
const at = (base: Code, i: Code): Code => add(base, shl(i, int(2)));

/** Entries a blocked loop reads ahead before processing them (see {@link blocked}). */
const AHEAD = 1024;
/** Where blocked loops store what they read ahead (so that the loads are kept). */
const SINK = 28;
/** Where the L naming pass keeps its last nonzero entry between calls. */
const LAST = 16;
/** `x` when it is in [0, n) (unsigned), else 0: an index that is safe to read ahead. */
const clampIndex = (x: Code, n: Code): Code => select(x, int(0), ltU(x, n));

/**
 * A loop over SA entries i in [lo, hi) (ascending, or descending with `down`: then `body` starts
 * by decrementing i), run in blocks of {@link AHEAD} entries. Before a block is processed, a
 * tight loop reads what its entries will need at random (`touch`, on entry j; it adds what it
 * loads to `acc`). Those loads do not depend on each other, so the processor keeps many cache
 * misses in flight, and the block's own loop, whose loads feed stores and bucket counters,
 * then finds its data in cache. This is the portable stand-in for a prefetch instruction,
 * which WebAssembly lacks (it makes the final induction about 1.3× faster in C as well).
 * Needs locals i, end, j, acc.
 */
function blocked(f: Fn, down: boolean, touch: Code, body: Code): Code {
  const i = f.get('i');
  const step = int(down ? -AHEAD : AHEAD);
  return [
    f.set('i', f.get(down ? 'hi' : 'lo')),
    whileLoop(down ? gtS(i, f.get('lo')) : ltS(i, f.get('hi')), [
      down
        ? f.set('end', select(f.get('lo'), add(i, step), ltS(add(i, step), f.get('lo'))))
        : f.set('end', select(f.get('hi'), add(i, step), gtS(add(i, step), f.get('hi')))),
      f.set('j', i),
      down
        ? whileLoop(gtS(f.get('j'), f.get('end')), [f.inc('j', -1), touch])
        : whileLoop(ltS(f.get('j'), f.get('end')), [touch, f.inc('j')]),
      whileLoop(down ? gtS(i, f.get('end')) : ltS(i, f.get('end')), body),
    ]),
    store32(int(SINK), f.get('acc')),
  ];
}
const BLOCK_LOCALS = ['end', 'j', 'acc', 'v2'];

/** Loads and address arithmetic for a text of `width` bytes per symbol. */
function textOps(width: 1 | 2 | 4) {
  const shift = width === 1 ? 0 : width === 2 ? 1 : 2;
  const addr = (base: Code, i: Code): Code => (shift ? add(base, shl(i, int(shift))) : add(base, i));
  const load = (base: Code, i: Code): Code => {
    const a = addr(base, i);
    if (width === 1) return [a, 0x2d, 0, 0];
    if (width === 2) return [a, 0x2f, 1, 0];
    return [a, 0x28, 2, 0];
  };
  return { load };
}

/** Every function of the module, for one text width where the text is read. */
function functions(): Fn[] {
  const out: { fn: Fn; body: Code }[] = [];
  const def = (
    name: string,
    params: string[],
    locals: string[],
    returns: boolean,
    body: (f: Fn) => Code,
  ): void => {
    const fn = new Fn(name, params, locals, returns);
    out.push({ fn, body: body(fn) });
  };

  for (const width of [1, 2, 4] as const) {
    const { load } = textOps(width);
    const w = `${width}`;
    /*
     * What the induction loops read at random for SA entry j, read ahead (see `blocked`): the
     * text at the entry's predecessor position `q` (q − 1 is almost always on the same line).
     * Reading ahead the bucket cursors and the suffix-array lines they point to as well, for
     * large alphabets, measured slower: those loads depend on the text's, and the cursors move.
     */
    const touchAt = (f: Fn, q: Code): Code =>
      f.set('acc', add(f.get('acc'), load(f.get('T'), clampIndex(q, f.get('n')))));
    /** Entry j holds p + 1 (p the suffix to induce from) or a flag: T[p] is read ahead. */
    const touchInduce = (f: Fn): Code => touchAt(f, sub(load32(at(f.get('SA'), f.get('j'))), int(1)));
    /** Stage 3's entries are the sorted LMS positions themselves. */
    const touchPlace = (f: Fn): Code => touchAt(f, load32(at(f.get('SA'), f.get('j'))));
    /** As touchInduce, where entries may carry the group flag (+ n) of the naming passes. */
    const touchName = (f: Fn): Code => {
      const v = load32(at(f.get('SA'), f.get('j')));
      return [
        f.set('v2', v),
        touchAt(
          f,
          sub(select(sub(f.get('v2'), f.get('n')), f.get('v2'), geS(f.get('v2'), f.get('n'))), int(1)),
        ),
      ];
    };

    // C[T[i]]++ for i in [lo, hi).
    def(`count${w}`, ['T', 'lo', 'hi', 'C'], ['i', 'a'], false, (f) => [
      f.set('i', f.get('lo')),
      whileLoop(ltS(f.get('i'), f.get('hi')), [
        f.set('a', at(f.get('C'), load(f.get('T'), f.get('i')))),
        store32(f.get('a'), add(load32(f.get('a')), int(1))),
        f.inc('i'),
      ]),
    ]);

    /*
     * Right-to-left scans that find LMS positions, types derived on the fly. State at `st`:
     * [c1 (symbol at i+1), s (i+1 is S-type), x, y]. `emit` handles LMS position i+1.
     */
    const lmsScan = (
      name: string,
      extra: string[],
      locals: string[],
      emit: (f: Fn) => Code,
      branchFree = false,
    ) =>
      def(
        name,
        ['T', 'lo', 'hi', 'st', ...extra],
        ['i', 'c0', 'c1', 's', 'sn', 'x', 'y', 'p', 'l', ...locals],
        false,
        (f) => [
          f.set('c1', load32(f.get('st'))),
          f.set('sn', load32(add(f.get('st'), int(4)))),
          f.set('x', load32(add(f.get('st'), int(8)))),
          f.set('y', load32(add(f.get('st'), int(12)))),
          f.set('i', f.get('hi')),
          whileLoop(gtS(f.get('i'), f.get('lo')), [
            f.set('i', sub(f.get('i'), int(1))),
            f.set('c0', load(f.get('T'), f.get('i'))),
            f.set('s', or(ltS(f.get('c0'), f.get('c1')), and(eq(f.get('c0'), f.get('c1')), f.get('sn')))),
            // With `branchFree`, `emit` runs at every position, with l set where it is an LMS
            // one: LMS positions follow the text, and a branch on them mispredicts often.
            branchFree
              ? [f.set('l', and(f.get('sn'), eqz(f.get('s')))), f.set('p', add(f.get('i'), int(1))), emit(f)]
              : ifThen(and(f.get('sn'), eqz(f.get('s'))), [f.set('p', add(f.get('i'), int(1))), emit(f)]),
            f.set('sn', f.get('s')),
            f.set('c1', f.get('c0')),
          ]),
          store32(f.get('st'), f.get('c1')),
          store32(add(f.get('st'), int(4)), f.get('sn')),
          store32(add(f.get('st'), int(8)), f.get('x')),
          store32(add(f.get('st'), int(12)), f.get('y')),
        ],
      );
    // Seed: SA[--B[c1]] = p; x counts LMS positions, y keeps the last one. For byte and 16-bit
    // texts without a branch (B[c1] is rewritten unchanged, the store goes to SINK, where i + 1
    // is no LMS position); 32-bit texts' buckets are too large to touch at every position.
    lmsScan(
      `seed${w}`,
      ['SA', 'B'],
      ['a', 'h'],
      width === 4
        ? (f) => [
            f.set('a', at(f.get('B'), f.get('c1'))),
            f.set('h', sub(load32(f.get('a')), int(1))),
            store32(f.get('a'), f.get('h')),
            store32(at(f.get('SA'), f.get('h')), f.get('p')),
            f.inc('x'),
            f.set('y', f.get('p')),
          ]
        : (f) => [
            f.set('a', at(f.get('B'), f.get('c1'))),
            f.set('h', sub(load32(f.get('a')), f.get('l'))),
            store32(f.get('a'), f.get('h')),
            store32(select(at(f.get('SA'), f.get('h')), int(SINK), f.get('l')), f.get('p')),
            f.set('x', add(f.get('x'), f.get('l'))),
            f.set('y', select(f.get('p'), f.get('y'), f.get('l'))),
          ],
      width !== 4,
    );
    // Positions in text order: out[x--] = p (other positions store to SINK).
    lmsScan(
      `positions${w}`,
      ['out'],
      [],
      (f) => [
        store32(select(at(f.get('out'), f.get('x')), int(SINK), f.get('l')), f.get('p')),
        f.set('x', sub(f.get('x'), f.get('l'))),
      ],
      true,
    );
    // Lengths of LMS substrings (next LMS included; the last one -1): names[p >> 1] = len.
    lmsScan(`lengths${w}`, ['names'], [], (f) => [
      store32(
        at(f.get('names'), shrS(f.get('p'), int(1))),
        select(int(-1), add(sub(f.get('x'), f.get('p')), int(1)), ltS(f.get('x'), int(0))),
      ),
      f.set('x', f.get('p')),
    ]);

    // Stage 1 with naming, L pass over [lo, hi). Returns the group counter d.
    def(
      `nameL${w}`,
      ['T', 'SA', 'B', 'D', 'n', 'lo', 'hi', 'd'],
      ['i', 'v', 'p', 'c', 'pred', 'slot', 'e', 'a', 'h', 'last', ...BLOCK_LOCALS],
      true,
      (f) => [
        f.set('last', load32(int(LAST))),
        blocked(f, false, touchName(f), [
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          ifThen(
            gtS(f.get('v'), int(0)),
            [
              store32(at(f.get('SA'), f.get('i')), int(0)),
              ifThen(geS(f.get('v'), f.get('n')), [f.inc('d'), f.set('v', sub(f.get('v'), f.get('n')))]),
              f.set('p', sub(f.get('v'), int(1))),
              ifThen(gtS(f.get('p'), int(0)), [
                f.set('c', load(f.get('T'), f.get('p'))),
                f.set('pred', ltS(load(f.get('T'), sub(f.get('p'), int(1))), f.get('c'))),
                f.set('slot', at(f.get('D'), add(shl(f.get('c'), int(1)), f.get('pred')))),
                f.set('e', f.get('p')),
                ifThen(ne(load32(f.get('slot')), f.get('d')), [
                  store32(f.get('slot'), f.get('d')),
                  f.set('e', add(f.get('e'), f.get('n'))),
                ]),
                f.set('a', at(f.get('B'), f.get('c'))),
                f.set('h', load32(f.get('a'))),
                store32(f.get('a'), add(f.get('h'), int(1))),
                store32(at(f.get('SA'), f.get('h')), xor(f.get('e'), sub(int(0), f.get('pred')))),
              ]),
            ],
            // Entry i is final for this pass (it induces to its right only), so the group flags
            // move here from each group's leftmost entry to its rightmost, for the S pass: a
            // flagged entry passes its flag to the entry kept before it (`last`, in memory).
            ifThen(ltS(f.get('v'), int(0)), [
              f.set('e', xor(f.get('v'), int(-1))),
              ifThen(geS(f.get('e'), f.get('n')), [
                ifThen(geS(f.get('last'), int(0)), [
                  f.set('a', at(f.get('SA'), f.get('last'))),
                  store32(f.get('a'), add(load32(f.get('a')), f.get('n'))),
                ]),
                f.set('e', sub(f.get('e'), f.get('n'))),
              ]),
              store32(at(f.get('SA'), f.get('i')), f.get('e')),
              f.set('last', f.get('i')),
            ]),
          ),
          f.inc('i'),
        ]),
        store32(int(LAST), f.get('last')),
        f.get('d'),
      ],
    );

    // Stage 1 with naming, S pass over [lo, hi), right to left. Returns d.
    def(
      `nameS${w}`,
      ['T', 'SA', 'B', 'D', 'n', 'lo', 'hi', 'd'],
      ['i', 'v', 'p', 'c', 'lms', 'slot', 'e', 'a', 'h', ...BLOCK_LOCALS],
      true,
      (f) => [
        blocked(f, true, touchName(f), [
          f.set('i', sub(f.get('i'), int(1))),
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          ifThen(gtS(f.get('v'), int(0)), [
            store32(at(f.get('SA'), f.get('i')), int(0)),
            ifThen(geS(f.get('v'), f.get('n')), [f.inc('d'), f.set('v', sub(f.get('v'), f.get('n')))]),
            f.set('p', sub(f.get('v'), int(1))),
            ifThen(gtS(f.get('p'), int(0)), [
              f.set('c', load(f.get('T'), f.get('p'))),
              f.set('lms', gtS(load(f.get('T'), sub(f.get('p'), int(1))), f.get('c'))),
              f.set('slot', at(f.get('D'), add(shl(f.get('c'), int(1)), f.get('lms')))),
              f.set('e', f.get('p')),
              ifThen(ne(load32(f.get('slot')), f.get('d')), [
                store32(f.get('slot'), f.get('d')),
                f.set('e', add(f.get('e'), f.get('n'))),
              ]),
              f.set('a', at(f.get('B'), f.get('c'))),
              f.set('h', sub(load32(f.get('a')), int(1))),
              store32(f.get('a'), f.get('h')),
              store32(at(f.get('SA'), f.get('h')), xor(f.get('e'), sub(int(0), f.get('lms')))),
            ]),
          ]),
        ]),
        f.get('d'),
      ],
    );

    // Stage 1 without naming (sort LMS substrings only): L pass, then S pass.
    def(
      `sortL${w}`,
      ['T', 'SA', 'B', 'lo', 'hi', 'n'],
      ['i', 'v', 'p', 'c', 'a', 'h', ...BLOCK_LOCALS],
      false,
      (f) => [
        blocked(f, false, touchInduce(f), [
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          ifThen(
            gtS(f.get('v'), int(0)),
            [
              store32(at(f.get('SA'), f.get('i')), int(0)),
              f.set('p', sub(f.get('v'), int(1))),
              ifThen(gtS(f.get('p'), int(0)), [
                f.set('c', load(f.get('T'), f.get('p'))),
                f.set('a', at(f.get('B'), f.get('c'))),
                f.set('h', load32(f.get('a'))),
                store32(f.get('a'), add(f.get('h'), int(1))),
                store32(
                  at(f.get('SA'), f.get('h')),
                  xor(f.get('p'), shrS(sub(load(f.get('T'), sub(f.get('p'), int(1))), f.get('c')), int(31))),
                ),
              ]),
            ],
            ifThen(ltS(f.get('v'), int(0)), store32(at(f.get('SA'), f.get('i')), xor(f.get('v'), int(-1)))),
          ),
          f.inc('i'),
        ]),
      ],
    );
    def(
      `sortS${w}`,
      ['T', 'SA', 'B', 'lo', 'hi', 'n'],
      ['i', 'v', 'p', 'c', 'a', 'h', ...BLOCK_LOCALS],
      false,
      (f) => [
        blocked(f, true, touchInduce(f), [
          f.set('i', sub(f.get('i'), int(1))),
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          ifThen(gtS(f.get('v'), int(0)), [
            store32(at(f.get('SA'), f.get('i')), int(0)),
            f.set('p', sub(f.get('v'), int(1))),
            ifThen(gtS(f.get('p'), int(0)), [
              f.set('c', load(f.get('T'), f.get('p'))),
              f.set('a', at(f.get('B'), f.get('c'))),
              f.set('h', sub(load32(f.get('a')), int(1))),
              store32(f.get('a'), f.get('h')),
              store32(
                at(f.get('SA'), f.get('h')),
                xor(f.get('p'), shrS(sub(f.get('c'), load(f.get('T'), sub(f.get('p'), int(1)))), int(31))),
              ),
            ]),
          ]),
        ]),
      ],
    );

    // Name by comparison over [lo, hi) of the sorted LMS positions. State at st: [names, q, qlen].
    def(
      `nameCompare${w}`,
      ['T', 'SA', 'm', 'lo', 'hi', 'st'],
      ['i', 'p', 'slot', 'plen', 'same', 'd', 'names', 'q', 'qlen'],
      false,
      (f) => [
        f.set('names', load32(f.get('st'))),
        f.set('q', load32(add(f.get('st'), int(4)))),
        f.set('qlen', load32(add(f.get('st'), int(8)))),
        f.set('i', f.get('lo')),
        whileLoop(ltS(f.get('i'), f.get('hi')), [
          f.set('p', load32(at(f.get('SA'), f.get('i')))),
          f.set('slot', at(f.get('SA'), add(f.get('m'), shrS(f.get('p'), int(1))))),
          f.set('plen', load32(f.get('slot'))),
          f.set('same', and(eq(f.get('plen'), f.get('qlen')), gtS(f.get('plen'), int(0)))),
          ifThen(f.get('same'), [
            f.set('d', int(0)),
            whileLoop(ltS(f.get('d'), f.get('plen')), [
              ifThen(
                ne(
                  load(f.get('T'), add(f.get('p'), f.get('d'))),
                  load(f.get('T'), add(f.get('q'), f.get('d'))),
                ),
                [f.set('same', int(0)), 0x0c, 2],
              ),
              f.inc('d'),
            ]),
          ]),
          ifThen(eqz(f.get('same')), [f.inc('names'), f.set('q', f.get('p')), f.set('qlen', f.get('plen'))]),
          store32(f.get('slot'), f.get('names')),
          f.inc('i'),
        ]),
        store32(f.get('st'), f.get('names')),
        store32(add(f.get('st'), int(4)), f.get('q')),
        store32(add(f.get('st'), int(8)), f.get('qlen')),
      ],
    );

    // Stage 3: sorted LMS positions SA[lo..hi) (right to left) to the ends of their buckets.
    def(`place${w}`, ['T', 'SA', 'B', 'lo', 'hi', 'n'], ['i', 'p', 'a', 'h', ...BLOCK_LOCALS], false, (f) => [
      blocked(f, true, touchPlace(f), [
        f.set('i', sub(f.get('i'), int(1))),
        f.set('p', load32(at(f.get('SA'), f.get('i')))),
        store32(at(f.get('SA'), f.get('i')), int(0)),
        f.set('a', at(f.get('B'), load(f.get('T'), f.get('p')))),
        f.set('h', sub(load32(f.get('a')), int(1))),
        store32(f.get('a'), f.get('h')),
        store32(at(f.get('SA'), f.get('h')), f.get('p')),
      ]),
    ]);

    // Final induction (see sais.ts): L pass left to right, S pass right to left. T[p - 1] at
    // p = 0 reads the last bytes of SA (the text follows it), and `select` discards it.
    def(
      `induceL${w}`,
      ['T', 'SA', 'B', 'lo', 'hi', 'n'],
      ['i', 'v', 'p', 'c', 'a', 'h', ...BLOCK_LOCALS],
      false,
      (f) => [
        blocked(f, false, touchInduce(f), [
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          store32(at(f.get('SA'), f.get('i')), xor(f.get('v'), int(-1))),
          ifThen(gtS(f.get('v'), int(0)), [
            f.set('p', sub(f.get('v'), int(1))),
            f.set('c', load(f.get('T'), f.get('p'))),
            f.set('a', at(f.get('B'), f.get('c'))),
            f.set('h', load32(f.get('a'))),
            store32(f.get('a'), add(f.get('h'), int(1))),
            store32(
              at(f.get('SA'), f.get('h')),
              select(
                xor(f.get('p'), shrS(sub(load(f.get('T'), sub(f.get('p'), int(1))), f.get('c')), int(31))),
                int(0),
                f.get('p'),
              ),
            ),
          ]),
          f.inc('i'),
        ]),
      ],
    );
    def(
      `induceS${w}`,
      ['T', 'SA', 'B', 'lo', 'hi', 'n'],
      ['i', 'v', 'p', 'c', 'a', 'h', ...BLOCK_LOCALS],
      false,
      (f) => [
        blocked(f, true, touchInduce(f), [
          f.set('i', sub(f.get('i'), int(1))),
          f.set('v', load32(at(f.get('SA'), f.get('i')))),
          ifThen(
            gtS(f.get('v'), int(0)),
            [
              f.set('p', sub(f.get('v'), int(1))),
              f.set('c', load(f.get('T'), f.get('p'))),
              f.set('a', at(f.get('B'), f.get('c'))),
              f.set('h', sub(load32(f.get('a')), int(1))),
              store32(f.get('a'), f.get('h')),
              store32(
                at(f.get('SA'), f.get('h')),
                select(
                  xor(f.get('p'), shrS(sub(f.get('c'), load(f.get('T'), sub(f.get('p'), int(1)))), int(31))),
                  int(-1),
                  f.get('p'),
                ),
              ),
            ],
            store32(at(f.get('SA'), f.get('i')), xor(f.get('v'), int(-1))),
          ),
        ]),
      ],
    );
  }

  // Width-independent loops over SA.
  // Collect inverted entries (sorted LMS) into SA[m..); count flagged ones. State: [m, names].
  def('compact', ['SA', 'n', 'lo', 'hi', 'st'], ['i', 'v', 'e', 'm', 'names'], false, (f) => [
    f.set('m', load32(f.get('st'))),
    f.set('names', load32(add(f.get('st'), int(4)))),
    f.set('i', f.get('lo')),
    whileLoop(ltS(f.get('i'), f.get('hi')), [
      f.set('v', load32(at(f.get('SA'), f.get('i')))),
      ifThen(ltS(f.get('v'), int(0)), [
        f.set('e', xor(f.get('v'), int(-1))),
        f.set('names', add(f.get('names'), geS(f.get('e'), f.get('n')))),
        store32(at(f.get('SA'), f.get('i')), int(0)),
        store32(at(f.get('SA'), f.get('m')), f.get('e')),
        f.inc('m'),
      ]),
      f.inc('i'),
    ]),
    store32(f.get('st'), f.get('m')),
    store32(add(f.get('st'), int(4)), f.get('names')),
  ]);
  // Names right to left from the group flags: SA[m + p/2] = name + 1. Returns the next name.
  def('assignNames', ['SA', 'n', 'm', 'lo', 'hi', 'name'], ['i', 'p'], true, (f) => [
    f.set('i', f.get('hi')),
    whileLoop(gtS(f.get('i'), f.get('lo')), [
      f.set('i', sub(f.get('i'), int(1))),
      f.set('p', load32(at(f.get('SA'), f.get('i')))),
      ifThen(geS(f.get('p'), f.get('n')), [
        f.set('p', sub(f.get('p'), f.get('n'))),
        store32(at(f.get('SA'), f.get('i')), f.get('p')),
        f.inc('name', -1),
      ]),
      store32(at(f.get('SA'), add(f.get('m'), shrS(f.get('p'), int(1)))), add(f.get('name'), int(1))),
    ]),
    f.get('name'),
  ]);
  def('unflag', ['SA', 'n', 'lo', 'hi'], ['i', 'p'], false, (f) => [
    f.set('i', f.get('lo')),
    whileLoop(ltS(f.get('i'), f.get('hi')), [
      f.set('p', load32(at(f.get('SA'), f.get('i')))),
      ifThen(geS(f.get('p'), f.get('n')), store32(at(f.get('SA'), f.get('i')), sub(f.get('p'), f.get('n')))),
      f.inc('i'),
    ]),
  ]);
  // Names (stored + 1, 0 = none) to the end of SA in text order, right to left. Returns j. An
  // entry without one stores -1 at j (j ≥ i: read already), which the next name overwrites; the
  // last such store lands below the names, in space the recursion initialises before use.
  def('gather', ['SA', 'lo', 'hi', 'j'], ['i', 'x'], true, (f) => [
    f.set('i', f.get('hi')),
    whileLoop(gtS(f.get('i'), f.get('lo')), [
      f.set('i', sub(f.get('i'), int(1))),
      f.set('x', load32(at(f.get('SA'), f.get('i')))),
      store32(at(f.get('SA'), f.get('j')), sub(f.get('x'), int(1))),
      f.set('j', sub(f.get('j'), ne(f.get('x'), int(0)))),
    ]),
    f.get('j'),
  ]);
  // sa1[i] = s1[sa1[i]].
  def('mapBack', ['sa1', 's1', 'lo', 'hi'], ['i', 'a'], false, (f) => [
    f.set('i', f.get('lo')),
    whileLoop(ltS(f.get('i'), f.get('hi')), [
      f.set('a', at(f.get('sa1'), f.get('i'))),
      store32(f.get('a'), load32(at(f.get('s1'), load32(f.get('a'))))),
      f.inc('i'),
    ]),
  ]);
  // A 16-bit text to bytes in place through a rank table (at most 256 symbols used; ascending:
  // each byte lands below what is unread).
  def('narrow2', ['T', 'rank', 'lo', 'hi'], ['i'], false, (f) => [
    f.set('i', f.get('lo')),
    whileLoop(ltS(f.get('i'), f.get('hi')), [
      store8(add(f.get('T'), f.get('i')), load8(add(f.get('rank'), textOps(2).load(f.get('T'), f.get('i'))))),
      f.inc('i'),
    ]),
  ]);
  // And back in place: byte i to its 16-bit symbol (descending, for the same reason).
  def('widen1', ['T', 'symbol', 'lo', 'hi'], ['i'], false, (f) => [
    f.set('i', f.get('hi')),
    whileLoop(gtS(f.get('i'), f.get('lo')), [
      f.set('i', sub(f.get('i'), int(1))),
      store16(
        add(f.get('T'), shl(f.get('i'), int(1))),
        load32(at(f.get('symbol'), load8(add(f.get('T'), f.get('i'))))),
      ),
    ]),
  ]);

  return out.map(({ fn, body }) => Object.assign(fn, { body }));
}

/** The module's bytes (deterministic: built from the definitions above). */
export function saisWasmBytes(shared = false): Uint8Array {
  return moduleBytes(functions() as (Fn & { body: Code })[], shared ? MAX_PAGES : undefined);
}

type Exports = Record<string, (...args: number[]) => number>;

let compiled: WebAssembly.Module | null | undefined;
let compiling: Promise<boolean> | undefined;
let compiledShared: WebAssembly.Module | null | undefined;
/** Whether new {@link WasmTokenBuffer}s take a shared memory (see {@link shareWasmMemory}). */
let sharing = false;

/**
 * Make the token buffers created from now on (in this thread) live in a shared WebAssembly
 * memory, so that a worker can hand a sorted shard to another thread without a copy. Returns
 * false, changing nothing, where shared memory is unavailable (a browser page that is not
 * cross-origin isolated).
 */
export function shareWasmMemory(): boolean {
  if (sharing) return true;
  if (compiledShared === undefined) {
    try {
      compiledShared =
        typeof SharedArrayBuffer === 'undefined' || typeof WebAssembly === 'undefined'
          ? null
          : new WebAssembly.Module(saisWasmBytes(true) as Uint8Array<ArrayBuffer>);
      // Creating one proves the engine allows it here.
      if (compiledShared) new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    } catch {
      compiledShared = null;
    }
  }
  sharing = compiledShared !== null;
  return sharing;
}

/**
 * Compile the module once (asynchronously, as browsers require for modules over 4 KB on the
 * main thread). Resolves false where WebAssembly is unavailable or refused (e.g. by a CSP).
 */
export function prepareSaisWasm(): Promise<boolean> {
  if (compiled !== undefined) return Promise.resolve(compiled !== null);
  compiling ??= (async () => {
    try {
      if (typeof WebAssembly === 'undefined') compiled = null;
      else compiled = await WebAssembly.compile(saisWasmBytes() as Uint8Array<ArrayBuffer>);
    } catch {
      compiled = null;
    }
    return compiled !== null;
  })();
  return compiling;
}

function moduleNow(): WebAssembly.Module | null {
  if (sharing) return compiledShared ?? null;
  if (compiled === undefined) {
    // Synchronous compile where allowed (Node, workers); browsers' main threads refuse it.
    try {
      compiled =
        typeof WebAssembly === 'undefined'
          ? null
          : new WebAssembly.Module(saisWasmBytes() as Uint8Array<ArrayBuffer>);
    } catch {
      return null;
    }
  }
  return compiled;
}

const FLAG_LIMIT = 0x3fffffff;

/*
 * Loops run in chunked calls whose size doubles from FIRST_CHUNK to LAST_CHUNK entries, per loop
 * (function of the module). Engines run a function's first calls on baseline code and compile
 * optimised code in the background; a call in progress keeps the code it started on (V8 has no
 * on-stack replacement for WebAssembly). Short first calls bound the work done on baseline code.
 * Keyed by loop, because each loop tiers up on its own: the wide-text loops of the recursion
 * first run well after the byte loops have reached long chunks. The sizes persist for the
 * thread, as the compiled module does.
 */
const FIRST_CHUNK = 1 << 12;
const LAST_CHUNK = 1 << 20;
const chunks = new Map<string, number>();
const STATE = 0;

/** One sort: the memory, the loops, a bump allocator and chunked calls. */
class Run {
  readonly mem: WebAssembly.Memory;
  readonly ex: Exports;
  top: number;
  budget: number;
  private view: Int32Array;
  constructor(
    module: WebAssembly.Module,
    mem: WebAssembly.Memory,
    top: number,
    budget: number,
    readonly clock: SortClock,
    private readonly fixedChunk?: number,
  ) {
    this.mem = mem;
    this.ex = new WebAssembly.Instance(module, { s: { m: this.mem } }).exports as unknown as Exports;
    this.view = new Int32Array(this.mem.buffer);
    this.top = top;
    this.budget = budget;
  }
  /** The memory as 32-bit entries (a fresh view after growth). */
  get i32(): Int32Array {
    if (this.view.buffer !== this.mem.buffer) this.view = new Int32Array(this.mem.buffer);
    return this.view;
  }
  alloc(bytes: number): number {
    const at = (this.top + 7) & ~7;
    const end = at + bytes;
    const have = this.mem.buffer.byteLength;
    if (end > have) this.mem.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return at;
  }
  /**
   * Call `f(lo, hi)` over [lo, hi) in ascending chunks (see FIRST_CHUNK) for `loop`, yielding
   * between chunks once the current slice is over (see {@link SortClock}).
   */
  *up(loop: string, lo: number, hi: number, f: (lo: number, hi: number) => void): Steps {
    let chunk = this.fixedChunk ?? chunks.get(loop) ?? FIRST_CHUNK;
    for (let a = lo; a < hi; ) {
      const b = Math.min(hi, a + chunk);
      f(a, b);
      this.clock.work += b - a;
      a = b;
      if (chunk < LAST_CHUNK && !this.fixedChunk) chunk *= 2;
      if (performance.now() >= this.clock.end) yield;
    }
    if (!this.fixedChunk) chunks.set(loop, chunk);
  }
  /** Zero 32-bit entries [from, to) of the memory, in chunks between which it may yield. */
  *zero(from: number, to: number): Steps {
    for (let a = from; a < to; a += LAST_CHUNK) {
      this.i32.fill(0, a, Math.min(to, a + LAST_CHUNK));
      if (performance.now() >= this.clock.end) yield;
    }
  }
  /** Same, descending. */
  *down(loop: string, lo: number, hi: number, f: (lo: number, hi: number) => void): Steps {
    let chunk = this.fixedChunk ?? chunks.get(loop) ?? FIRST_CHUNK;
    for (let b = hi; b > lo; ) {
      const a = Math.max(lo, b - chunk);
      f(a, b);
      this.clock.work += b - a;
      b = a;
      if (chunk < LAST_CHUNK && !this.fixedChunk) chunk *= 2;
      if (performance.now() >= this.clock.end) yield;
    }
    if (!this.fixedChunk) chunks.set(loop, chunk);
  }
}

/** Options of {@link WasmTokenBuffer.sortAsync}. */
export interface SortAsyncOptions extends SliceOptions {
  tuning?: SaisWasmTuning | undefined;
  /** Where to add the symbols' counts (as {@link WasmTokenBuffer.sort} does). */
  counts?: Float64Array | undefined;
}

function textAt(r: Run, T: number, w: 1 | 2 | 4, i: number): number {
  const buf = r.mem.buffer;
  if (w === 1) return new Uint8Array(buf, T + i, 1)[0]!;
  if (w === 2) return new Uint16Array(buf, T + 2 * i, 1)[0]!;
  return r.i32[(T >> 2) + i]!;
}

function bucketStarts(v: Int32Array, C: number, B: number, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const x = v[C + c]!;
    v[B + c] = sum;
    sum += x;
  }
}
function bucketEnds(v: Int32Array, C: number, B: number, k: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += v[C + c]!;
    v[B + c] = sum;
  }
}

/*
 * The loops over buckets are functions apart from `level`: a long loop in `level` itself would
 * have the engine compile all of it, several times over as its levels take new branches, on
 * background threads whose CPU time the build pays as well.
 */

/** L[c]: how many LMS positions bucket c holds (its end, from counts C, less its cursor B). */
function lmsPerBucket(v: Int32Array, C: number, B: number, L: number, k: number): void {
  let end = 0;
  for (let c = 0; c < k; c++) {
    end += v[C + c]!;
    v[L + c] = end - v[B + c]!;
  }
}

/** Flag (+ n) the first LMS position of every bucket that has one (the naming groups' starts). */
function flagBucketStarts(v: Int32Array, C: number, B: number, sa4: number, k: number, n: number): void {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += v[C + c]!;
    const b = v[B + c]!;
    if (b !== sum) v[sa4 + b]! += n;
  }
}

/** Largest alphabet whose LMS counts per bucket a level keeps (see `placeRuns`). */
const RUNS_LIMIT = 1 << 16;

/**
 * Stage 3 for a small alphabet: the sorted LMS suffixes SA[0..m) come in runs, one per bucket
 * (they are sorted by first symbol), and each run moves to the end of its bucket (ends at E,
 * run lengths at L). Runs move right, so taking buckets from the last keeps every run's source
 * intact until it moves; everything not a destination is zeroed.
 */
function* placeRuns(r: Run, sa4: number, n: number, m: number, E: number, L: number, k: number): Steps {
  let j = m;
  let free = n;
  for (let c = k - 1; c >= 0 && j > 0; c--) {
    const v = r.i32;
    const count = v[L + c]!;
    if (count === 0) continue;
    const end = v[E + c]!;
    v.fill(0, sa4 + end, sa4 + free);
    v.copyWithin(sa4 + end - count, sa4 + j - count, sa4 + j);
    j -= count;
    free = end - count;
    if (performance.now() >= r.clock.end) yield;
  }
  yield* r.zero(sa4, sa4 + free);
}

/** One SA-IS level; byte addresses T (width w), SA; scratch `free` of `freeLen` entries or -1. */
function* level(
  r: Run,
  T: number,
  w: 1 | 2 | 4,
  SA: number,
  n: number,
  k: number,
  free: number,
  freeLen: number,
  compareNames: boolean,
  counted = -1,
): Steps {
  const ex = r.ex;
  const count = ex[`count${w}`]!;
  const mark = r.top;
  const named = !compareNames && n <= FLAG_LIMIT;
  const want = named ? 4 * k : 2 * k;
  let C: number;
  let B: number;
  let D = -1;
  let allocated = 0;
  if (free >= 0 && want <= freeLen) {
    C = free;
    B = free + 4 * k;
    if (named) D = free + 8 * k;
  } else if (want <= r.budget) {
    C = r.alloc(4 * want);
    allocated = want;
    r.budget -= want;
    B = C + 4 * k;
    if (named) D = C + 8 * k;
  } else if (free >= 0 && k <= freeLen) {
    C = B = free;
  } else {
    C = B = r.alloc(4 * k);
  }
  const recount = C === B;
  const c4 = C >> 2;
  const b4 = B >> 2;
  const sa4 = SA >> 2;
  // The symbols' counts: copied where the caller counted them already (`counted`, k entries),
  // else a pass over the text.
  function* doCount(): Steps {
    if (counted >= 0) r.i32.copyWithin(c4, counted >> 2, (counted >> 2) + k);
    else {
      r.i32.fill(0, c4, c4 + k);
      yield* r.up(`count${w}`, 0, n, (lo, hi) => count(T, lo, hi, C));
    }
  }
  const setState = (a: number, b: number, c: number, d: number) => {
    const v = r.i32;
    v[0] = a;
    v[1] = b;
    v[2] = c;
    v[3] = d;
  };
  const last = n - 1;
  const tLast = textAt(r, T, w, last);
  const tPrev = textAt(r, T, w, last - 1);
  // An induction (`sort`: stage 1 without naming; `induce`: stage 3): the L pass left to right
  // from the bucket starts, after suffix n-1 (L-type, the smallest of its bucket), then the S
  // pass right to left from the bucket ends.
  function* induce(pass: 'sort' | 'induce'): Steps {
    if (recount) yield* doCount();
    bucketStarts(r.i32, c4, b4, k);
    const v = r.i32;
    v[sa4 + v[b4 + tLast]!++] = tPrev < tLast ? ~last : last;
    const L = `${pass}L${w}`;
    const S = `${pass}S${w}`;
    yield* r.up(L, 0, n, (lo, hi) => ex[L]!(T, SA, B, lo, hi, n));
    if (recount) yield* doCount();
    bucketEnds(r.i32, c4, b4, k);
    yield* r.down(S, 0, n, (lo, hi) => ex[S]!(T, SA, B, lo, hi, n));
  }

  // Stage 1: LMS positions to the ends of their buckets.
  yield* doCount();
  bucketEnds(r.i32, c4, b4, k);
  yield* r.zero(sa4, sa4 + n);
  setState(tLast, 0, 0, 0);
  yield* r.down(`seed${w}`, 0, last, (lo, hi) => ex[`seed${w}`]!(T, lo, hi, STATE, SA, B));
  const m = r.i32[2]!;
  const lms = r.i32[3]!;
  // For small alphabets, keep how many LMS positions each bucket holds: stage 3 then places
  // the sorted LMS suffixes as runs, one per bucket, without reading the text at random.
  let runs = -1;
  if (!recount && k <= RUNS_LIMIT && m > 1) {
    runs = r.alloc(4 * k);
    lmsPerBucket(r.i32, c4, b4, runs >> 2, k);
  }

  let names = m;
  if (m > 1 && D >= 0) {
    const d4 = D >> 2;
    {
      const v = r.i32;
      flagBucketStarts(v, c4, b4, sa4, k, n);
      v.fill(-1, d4, d4 + 2 * k);
      bucketStarts(v, c4, b4, k);
      const pred = tPrev < tLast ? 1 : 0;
      v[d4 + 2 * tLast + pred] = 0;
      const e = last + n;
      v[sa4 + v[b4 + tLast]!++] = pred ? ~e : e;
    }
    let d = 0;
    r.i32[LAST >> 2] = -1;
    yield* r.up(`nameL${w}`, 0, n, (lo, hi) => {
      d = ex[`nameL${w}`]!(T, SA, B, D, n, lo, hi, d);
    });
    // The last group's flag goes to its rightmost entry.
    const lastEntry = r.i32[LAST >> 2]!;
    if (lastEntry >= 0) r.i32[sa4 + lastEntry]! += n;
    bucketEnds(r.i32, c4, b4, k);
    d++;
    yield* r.down(`nameS${w}`, 0, n, (lo, hi) => {
      d = ex[`nameS${w}`]!(T, SA, B, D, n, lo, hi, d);
    });
    setState(0, 0, 0, 0);
    yield* r.up('compact', 0, n, (lo, hi) => ex.compact!(SA, n, lo, hi, STATE));
    names = r.i32[1]!;
    if (names < m) {
      let name = names;
      yield* r.down('assignNames', 0, m, (lo, hi) => {
        name = ex.assignNames!(SA, n, m, lo, hi, name);
      });
    } else yield* r.up('unflag', 0, m, (lo, hi) => ex.unflag!(SA, n, lo, hi));
  } else if (m > 1) {
    yield* induce('sort');
    setState(0, 0, 0, 0);
    yield* r.up('compact', 0, n, (lo, hi) => ex.compact!(SA, n, lo, hi, STATE));
    setState(tLast, 0, -1, 0);
    yield* r.down(`lengths${w}`, 0, last, (lo, hi) => ex[`lengths${w}`]!(T, lo, hi, STATE, SA + 4 * m));
    setState(0, 0, 0, 0);
    yield* r.up(`nameCompare${w}`, 0, m, (lo, hi) => ex[`nameCompare${w}`]!(T, SA, m, lo, hi, STATE));
    names = r.i32[0]!;
  } else {
    yield* r.zero(sa4, sa4 + n);
    if (m === 1) r.i32[sa4] = lms;
  }

  // Stage 2: the reduced string, names in text order, sorted recursively.
  if (names < m) {
    let j = n - 1;
    yield* r.down('gather', m, n, (lo, hi) => {
      j = ex.gather!(SA, lo, hi, j);
    });
    const s1 = SA + 4 * (n - m);
    yield* level(r, s1, 4, SA, m, names, SA + 4 * m, n - 2 * m, compareNames);
    setState(tLast, 0, m - 1, 0);
    yield* r.down(`positions${w}`, 0, last, (lo, hi) => ex[`positions${w}`]!(T, lo, hi, STATE, s1));
    yield* r.up('mapBack', 0, m, (lo, hi) => ex.mapBack!(SA, s1, lo, hi));
  }

  // Stage 3: sorted LMS suffixes to the ends of their buckets, then induce.
  if (recount) yield* doCount();
  bucketEnds(r.i32, c4, b4, k);
  if (runs >= 0) yield* placeRuns(r, sa4, n, m, b4, runs >> 2, k);
  else {
    yield* r.zero(sa4 + m, sa4 + n);
    yield* r.down(`place${w}`, 0, m, (lo, hi) => ex[`place${w}`]!(T, SA, B, lo, hi, n));
  }
  yield* induce('induce');

  r.top = mark;
  r.budget += allocated;
}

/**
 * The most symbols of `width` bytes (alphabet `alphabetSize`) that {@link WasmTokenBuffer.sort}
 * can sort within one WebAssembly memory (wasm32: 4 GiB): the text, the suffix array, the
 * recursion's bucket budget (n / 16 entries), the first level's counts and buckets and some
 * slack. About 686M 16-bit or 519M 32-bit symbols; `buildSpanIndex` cuts its shards there by
 * default, so that no shard falls back to the JavaScript sorter (slower, and with a copy).
 */
export function wasmShardLimit(width: 1 | 2 | 4, alphabetSize: number): number {
  // The budget's floor counted whole, its n-proportional part per symbol (see bucketBudget).
  const fixed = BASE + 8 + (1 << 20) + 4 * BUDGET_FLOOR + 25 * alphabetSize + 1024;
  return Math.max(0, Math.floor((MAX_BYTES - fixed) / (width + 4 + 4 / (1 << BUDGET_SHIFT))));
}

/** Entries of bucket arrays the recursion may allocate beyond the suffix array of n symbols. */
const BUDGET_FLOOR = 1 << 18;
const BUDGET_SHIFT = 4;
const bucketBudget = (n: number): number => Math.max(BUDGET_FLOOR, n >>> BUDGET_SHIFT);

/** Result of sorting in WebAssembly: views of one WebAssembly memory. */
export interface WasmSuffixArray {
  /** The suffix array, `n` entries. */
  sa: Int32Array;
  /** The text's symbols, a view of the same memory in the text's array type. */
  text: Uint8Array | Uint16Array | Uint32Array | Int32Array;
}

/** Byte offset of the tokens in a {@link WasmTokenBuffer}'s memory (room for loop state). */
const BASE = 64;

/**
 * Tokens accumulated directly in a WebAssembly memory, so that the sort needs no copy of them:
 * the suffix array is laid out after them in the same memory, and both are handed back as
 * views. Growth is in place where the engine reserved the address space (64-bit V8 does).
 */
export class WasmTokenBuffer {
  readonly memory: WebAssembly.Memory;
  private readonly module: WebAssembly.Module;
  private capacity = 0;
  private array: Uint8Array | Uint16Array | Int32Array | Uint32Array;

  private constructor(
    module: WebAssembly.Module,
    readonly Type:
      | Uint8ArrayConstructor
      | Uint16ArrayConstructor
      | Uint32ArrayConstructor
      | Int32ArrayConstructor,
    capacity: number,
  ) {
    this.module = module;
    const initial = Math.ceil((BASE + Type.BYTES_PER_ELEMENT * capacity) / PAGE);
    this.memory = new WebAssembly.Memory(
      sharing ? { initial, maximum: MAX_PAGES, shared: true } : { initial },
    );
    this.array = this.fresh();
  }

  /** A buffer of at least `capacity` symbols, or null without WebAssembly or memory for it. */
  static create(
    Type: Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor,
    capacity: number,
  ): WasmTokenBuffer | null {
    const module = moduleNow();
    if (!module || BASE + Type.BYTES_PER_ELEMENT * capacity > MAX_BYTES) return null;
    try {
      return new WasmTokenBuffer(module, Type, capacity);
    } catch {
      return null;
    }
  }

  private fresh(): Uint8Array | Uint16Array | Int32Array | Uint32Array {
    const bytes = this.memory.buffer.byteLength;
    this.capacity = Math.floor((bytes - BASE) / this.Type.BYTES_PER_ELEMENT);
    return new this.Type(this.memory.buffer, BASE, this.capacity);
  }

  /**
   * The tokens as an array of at least `capacity` entries (earlier ones kept), growing the
   * memory when needed (earlier arrays then detach); null when it cannot grow that far.
   */
  reserve(capacity: number): Uint8Array | Uint16Array | Int32Array | Uint32Array | null {
    if (capacity > this.capacity) {
      const need = BASE + this.Type.BYTES_PER_ELEMENT * capacity;
      if (need > MAX_BYTES) return null;
      try {
        // Doubling: appends stay amortised O(1) where the engine must copy, growths are few
        // (engines may answer each with a garbage collection), and pages past the tokens are
        // only committed once written (by the sort).
        const have = this.memory.buffer.byteLength;
        const want = Math.min(MAX_BYTES, Math.max(need, 2 * have));
        this.memory.grow(Math.ceil((want - have) / PAGE));
      } catch {
        return null;
      }
    }
    if (this.array.buffer !== this.memory.buffer) this.array = this.fresh();
    return this.array;
  }

  /**
   * Sort the suffixes of the first `n` tokens (symbols in `[0, alphabetSize)`), in this memory.
   * The buffer must not be appended to afterwards. Null when memory for the suffix array cannot
   * be had (the tokens stay readable through `reserve(n)`). Symbols are added to `counts`
   * (separators included where they are below its length) once the sort has succeeded.
   */
  sort(
    n: number,
    alphabetSize: number,
    tuning?: SaisWasmTuning,
    counts?: Float64Array,
  ): WasmSuffixArray | null {
    return drain(this.sorting(n, alphabetSize, tuning, counts, unpaused()));
  }

  /**
   * {@link WasmTokenBuffer.sort} in slices of about `sliceMs` milliseconds (default 40), with
   * the event loop turning in between: `signal` can then stop it (an `AbortError`), the
   * page or server stays responsive, and `onProgress` hears an estimate of the fraction done
   * (increasing, 1 once sorted).
   */
  async sortAsync(
    n: number,
    alphabetSize: number,
    options: SortAsyncOptions = {},
  ): Promise<WasmSuffixArray | null> {
    const clock = unpaused();
    return runInSlices(
      this.sorting(n, alphabetSize, options.tuning, options.counts, clock),
      clock,
      n,
      WASM_WORK_PER_SYMBOL,
      options,
    );
  }

  /** The sort's steps, pausing as `clock` says. */
  private *sorting(
    n: number,
    alphabetSize: number,
    tuning: SaisWasmTuning | undefined,
    counts: Float64Array | undefined,
    clock: SortClock,
  ): Steps<WasmSuffixArray | null> {
    if (n < 2 || n > 0x7fffffff) return null;
    // Symbols at or above 2^31 do not fit the signed arithmetic of the loops.
    if (this.Type === Uint32Array && alphabetSize > 0x80000000) return null;
    const width = this.Type.BYTES_PER_ELEMENT as 1 | 2 | 4;
    const textAt = BASE;
    const saAt = (BASE + width * n + 7) & ~7;
    if (saAt + 4 * n + 16 * alphabetSize > MAX_BYTES) return null;
    // Bucket arrays the recursion may allocate beyond the suffix array, in entries: n / 16 (a
    // quarter byte per symbol). Levels whose named buckets fit neither their free space nor
    // this fall back to buckets counted again in their free space: n / 4 (a byte per symbol,
    // as the JavaScript sorter keeps) measured no faster on the benchmark corpus, and its pages
    // stayed resident.
    const budget = tuning?.bucketBudget ?? bucketBudget(n);
    let r: Run;
    try {
      r = new Run(this.module, this.memory, saAt, budget, clock, tuning?.chunk);
      r.alloc(4 * n);
    } catch {
      return null;
    }
    // Grow the memory once to about the most the sort can use (the suffix array, five bucket
    // arrays, the recursion's bucket budget), rather than at each new
    // high-water mark: engines count each growth as external memory and may start a garbage
    // collection for it (five per sort here before; their marking ran on background threads).
    // Pages are only committed when written, so growing ahead costs no resident memory.
    reserveAhead(this.memory, saAt + 4 * n + 20 * alphabetSize + 4 * budget + (1 << 20));
    // Symbols counted once, before the sort (whose buckets reuse the memory), for the caller
    // (added to `counts` once the sort has succeeded) and for the narrowing to bytes below.
    let counted: Float64Array | undefined;
    let precounted = -1;
    // Where the text was narrowed to bytes in place: the table of its symbols by byte.
    let narrowed = -1;
    try {
      let w: 1 | 2 | 4 = width;
      let k = alphabetSize;
      const mayNarrow = width === 2 && k > 256;
      if (counts || mayNarrow) {
        const C = yield* symbolCounts(r, textAt, width, n, k);
        if (counts) {
          counted = new Float64Array(Math.min(k, counts.length));
          const v = r.i32;
          for (let c = 0; c < counted.length; c++) counted[c] = v[(C >> 2) + c]!;
        }
        // Byte-sized texts in 16-bit tokens (a byte vocabulary plus separators): sort them as
        // bytes, through an order-preserving rank table, written over the tokens' first half
        // (and restored below): half of what random accesses touch, and no copy.
        narrowed = mayNarrow ? yield* narrow(r, textAt, n, k, C) : -1;
        if (narrowed >= 0) {
          w = 1;
          k = 256;
        }
        precounted = C;
      }
      // The first level takes the counts made here (kept allocated) instead of counting again.
      yield* level(r, textAt, w, saAt, n, k, -1, 0, tuning?.compareNames === true, precounted);
    } catch (cause) {
      // The memory could not grow (for buckets); the tokens are intact (restored below).
      if (cause instanceof RangeError) return null;
      throw cause;
    } finally {
      // Also where the sort was stopped between steps: the tokens are restored all the same.
      const symbols = narrowed;
      if (symbols >= 0) drain(r.down('widen1', 0, n, (lo, hi) => r.ex.widen1!(textAt, symbols, lo, hi)));
    }
    if (counts && counted) for (let c = 0; c < counted.length; c++) counts[c]! += counted[c]!;
    // The memory never grows after this (r.top only serves this sort), so views stay attached.
    const buffer = this.memory.buffer;
    return { sa: new Int32Array(buffer, saAt, n), text: new this.Type(buffer, textAt, n) };
  }
}

/** How often each symbol of `T` (width w) occurs: k counts allocated after `r.top`. */
function* symbolCounts(r: Run, T: number, w: 1 | 2 | 4, n: number, k: number): Steps<number> {
  const C = r.alloc(4 * k);
  const c4 = C >> 2;
  r.i32.fill(0, c4, c4 + k);
  yield* r.up(`count${w}`, 0, n, (lo, hi) => r.ex[`count${w}`]!(T, lo, hi, C));
  return C;
}

/** Grow `memory` to at least `bytes` (at most {@link MAX_BYTES}) where it can; else leave it. */
function reserveAhead(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  const want = Math.min(MAX_BYTES, bytes);
  if (want <= have) return;
  try {
    memory.grow(Math.ceil((want - have) / PAGE));
  } catch {
    // The sort grows it as it goes, as far as it can.
  }
}

/** Options for tests, as in `sais.ts`. */
export interface SaisWasmTuning {
  compareNames?: boolean;
  bucketBudget?: number;
  /** Entries per call of every loop (default: doubling per loop, see FIRST_CHUNK). */
  chunk?: number;
}

/**
 * When at most 256 distinct symbols occur in a 16-bit text (their counts at C, see
 * {@link symbolCounts}), rewrite it in place as their order-preserving byte ranks (in its first
 * half) and return the address of the table of symbols by rank (after `r.top`; `widen1`
 * restores the text with it), else -1. C then holds the bytes' 256 counts (by rank).
 */
function* narrow(r: Run, T: number, n: number, k: number, C: number): Steps<number> {
  const c4 = C >> 2;
  let distinct = 0;
  {
    const v = r.i32;
    for (let c = 0; c < k; c++) if (v[c4 + c] !== 0) distinct++;
  }
  if (distinct > 256) return -1;
  const rank = r.alloc(k);
  const symbols = r.alloc(4 * 256);
  const ranks = new Uint8Array(r.mem.buffer, rank, k);
  const v = r.i32;
  // Counts move down to their ranks (next ≤ c: each is read before it is overwritten).
  for (let c = 0, next = 0; c < k; c++) {
    if (v[c4 + c] === 0) continue;
    ranks[c] = next;
    v[(symbols >> 2) + next] = c;
    v[c4 + next++] = v[c4 + c]!;
  }
  v.fill(0, c4 + distinct, c4 + 256);
  yield* r.up('narrow2', 0, n, (lo, hi) => r.ex.narrow2!(T, rank, lo, hi));
  return symbols;
}

/**
 * The suffix array of `text[0..n)` (symbols in `[0, alphabetSize)`), sorted in WebAssembly on a
 * copy of the text. Null where the module is unavailable, the memory cannot be had, or the
 * input needs the JavaScript sorter (fewer than 2 symbols, or 32-bit symbols at or above 2^31).
 */
export function suffixArrayWasm(
  text: SaisText,
  n: number,
  alphabetSize: number,
  tuning?: SaisWasmTuning,
): WasmSuffixArray | null {
  if (n < 2 || n > 0x7fffffff) return null;
  if (text instanceof Uint32Array && alphabetSize > 0x80000000) return null;
  const Type =
    text instanceof Uint8Array
      ? Uint8Array
      : text instanceof Uint16Array
        ? Uint16Array
        : text instanceof Uint32Array
          ? Uint32Array
          : Int32Array;
  const buffer = WasmTokenBuffer.create(Type, n);
  const tokens = buffer?.reserve(n);
  if (!buffer || !tokens) return null;
  tokens.set(text.subarray(0, n));
  return buffer.sort(n, alphabetSize, tuning);
}
