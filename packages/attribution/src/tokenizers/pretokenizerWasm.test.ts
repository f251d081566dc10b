import fc from 'fast-check';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { mobyDickChapter } from '../span/fixtures/corpus.js';
import { createTiktokenTokenizer } from './fixtures/tiktoken.js';
import { type MissHandler, pretokenizerWasmBytes, WasmPieces } from './pretokenizerWasm.js';
import { tokenizerFromRecipe } from './recipe.js';
import { fromTiktokenRanks } from './tiktoken.js';

const reference = createTiktokenTokenizer('gpt2');
const referenceCl100k = createTiktokenTokenizer('cl100k_base');
const referenceO200k = createTiktokenTokenizer('o200k_base');

const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
const cl100kTokenizer = fromTiktokenRanks(cl100k, { name: 'cl100k_base' });
const o200kTokenizer = fromTiktokenRanks(o200k, { name: 'o200k_base' });
const tokenizers = { gpt2: tokenizer, cl100k: cl100kTokenizer, o200k: o200kTokenizer };
const references = { gpt2: reference, cl100k: referenceCl100k, o200k: referenceO200k };

/** Encodes `texts` with GPT-2 (or cl100k, o200k) and reports which went through WebAssembly. */
function encodeWatched(
  texts: string[],
  which: 'gpt2' | 'cl100k' | 'o200k' = 'gpt2',
): { ids: number[][]; inWasm: boolean[] } {
  const spy = vi.spyOn(WasmPieces.prototype, 'encode');
  const t = tokenizers[which];
  const ids = texts.map((text) => Array.from(t.encode(text)));
  const inWasm = spy.mock.results.map((r) => r.type === 'return' && r.value !== null);
  spy.mockRestore();
  return { ids, inWasm };
}

// Code points beyond the BMP: letters, numbers and symbols of planes 1 to 3 (classed from their
// table), and code points of planes 14 to 16 (all "other").
const astral = ['😀', '𝐀𝐁', '𝟎𝟏', '𐍈', '𠀀', '\u{30000}', '\u{E0100}', '\u{F0000}', '\u{10FFFF}'];

// Code points of every class of GPT-2's pattern, in 1-, 2-, 3- and 4-byte UTF-8, with the
// contractions and the spaces that join or split pieces.
const gpt2Part = fc.constantFrom(
  ...astral,
  "'s",
  "'ll",
  "'re",
  "'x",
  "'",
  ' ',
  '  ',
  '\n',
  '\t\n ',
  '\u00a0',
  '\u2028',
  '\u3000 ',
  'word',
  ' Ishmael',
  'é',
  'ж',
  '漢字',
  'x\u0301',
  '٣',
  '½',
  '42',
  ' 7',
  '!',
  '?!',
  '—',
  '\ufffd',
  '\ud800',
);

// The same for cl100k's pattern: contractions in either case, a symbol or space before letters,
// numbers in threes, symbols followed by line breaks, white space around CR and LF.
const cl100kPart = fc.constantFrom(
  ...astral,
  "'S",
  "'Ll",
  "'rE",
  "'d",
  "'x",
  ' ',
  '  ',
  '\t',
  '\r\n',
  '\n\n',
  ' \n ',
  '\r',
  '\u00a0',
  '\u3000',
  'Word',
  ' ishmael',
  '(',
  '!!',
  '.\n',
  '-x',
  'é',
  '漢字',
  '12345',
  '٣٤',
  '½',
  '\ud800',
);

// o200k's cases: letters by case (upper, title, lower, modifier, other) and marks, alone, after
// a symbol, space or mark, and before contractions; numbers; symbols before CR, LF and '/'.
const o200kPart = fc.constantFrom(
  ...astral,
  '𝐚',
  '\u{1D167}',
  '\u{E0100}',
  '\u{E01EF}',
  '\u{E01F0}',
  'Hello',
  'HELLO',
  'hello',
  'ǅ',
  'ǅa',
  'ʰ',
  '漢',
  'é',
  'E\u0301',
  '\u0301',
  '\u0903',
  '\u20dd',
  "'s",
  "'S",
  "'Re",
  "'ll",
  "'x",
  "'",
  ' ',
  '  ',
  '\t',
  '\r\n',
  '\n',
  '\u00a0',
  '/',
  '//',
  '!',
  '(',
  '12345',
  '٣',
  '½',
  '\ud800',
);

// o200k's regex backtracking, case by case: where upper-case runs give back their last letter
// of both classes, a lone mark after a symbol, contractions after either run, '/' after CR LF.
const o200kCases = [
  'HTTPRequest',
  'ABC漢',
  'ABC漢DEF',
  'ÉTÉ',
  'x\u0301Y',
  '!\u0301',
  '!\u0301A',
  ' \u0301\u0301',
  "DON'T",
  "Don't",
  "don'T",
  "ǅx'll",
  '!\r\n//x',
  ' /*\n',
  '\tTab',
  'a\u{E0100}b',
  'A\u{E0100}\u{E0100}',
];

describe('GPT-2, cl100k and o200k pre-tokenisers in WebAssembly', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('each module validates, is the same bytes every time and fits 4 KB', () => {
    for (const pattern of ['gpt2', 'cl100k', 'o200k'] as const)
      for (const width of [2, 4] as const) {
        const bytes = pretokenizerWasmBytes(pattern, width);
        expect(WebAssembly.validate(bytes)).toBe(true);
        expect(pretokenizerWasmBytes(pattern, width)).toEqual(bytes);
        // Browsers' main threads compile modules of up to 4 KB synchronously.
        expect(bytes.length).toBeLessThanOrEqual(4096);
      }
  });

  test('takes BMP text and gives js-tiktoken ids (Moby-Dick chapters, then again from warm slots)', () => {
    const texts = [1, 2, 42, 1, 2].map((n) => mobyDickChapter(n));
    const { ids, inWasm } = encodeWatched(texts);
    expect(inWasm).toEqual(texts.map(() => true));
    expect(ids).toEqual(texts.map((t) => Array.from(reference.encode(t))));
  });

  test('any mix of classes, widths and white space: WebAssembly, JavaScript and js-tiktoken agree', () => {
    fc.assert(
      fc.property(fc.array(gpt2Part, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const { ids, inWasm } = encodeWatched([text, text]);
        expect(inWasm).toEqual([true, true]);
        const want = Array.from(reference.encode(text));
        expect(ids[0]).toEqual(want);
        expect(ids[1]).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  test('cl100k: any mix of its cases, in WebAssembly, gives js-tiktoken ids (and on prose and mail)', () => {
    fc.assert(
      fc.property(fc.array(cl100kPart, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const { ids, inWasm } = encodeWatched([text], 'cl100k');
        expect(inWasm).toEqual([true]);
        expect(ids[0]).toEqual(Array.from(referenceCl100k.encode(text)));
      }),
      { numRuns: 400 },
    );
    // Upper-case contractions before letters: one piece too many or too few changes the ids.
    const contractions = [
      "It'She",
      "it'Smith",
      "O'Toole",
      "I'M ok",
      "'DEAD",
      "we'RE here",
      "you'Ve",
      "they'LL",
    ];
    const texts = [
      ...contractions,
      mobyDickChapter(9),
      'Subject: RE: 100% FREE!!!\r\n\r\nDear friend,\r\n  Click  here:\thttp://x.example/?a=1\r\n',
    ];
    const { ids, inWasm } = encodeWatched(texts, 'cl100k');
    expect(inWasm).toEqual(texts.map(() => true));
    expect(ids).toEqual(texts.map((t) => Array.from(referenceCl100k.encode(t))));
  });

  test('o200k: any mix of cases, marks, contractions and symbols, in WebAssembly, gives js-tiktoken ids', () => {
    fc.assert(
      fc.property(fc.array(o200kPart, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const { ids, inWasm } = encodeWatched([text, text], 'o200k');
        expect(inWasm).toEqual([true, true]);
        const want = Array.from(referenceO200k.encode(text));
        expect(ids[0]).toEqual(want);
        expect(ids[1]).toEqual(want);
      }),
      { numRuns: 500 },
    );
    const texts = [
      ...o200kCases,
      mobyDickChapter(9),
      'Subject: RE: 100% FREE!!!\r\n\r\nDear friend,\r\n  Click  here:\thttp://x.example/?a=1\r\n',
    ];
    const { ids, inWasm } = encodeWatched(texts, 'o200k');
    expect(inWasm).toEqual(texts.map(() => true));
    expect(ids).toEqual(texts.map((t) => Array.from(referenceO200k.encode(t))));
  });

  test("pieces are exactly the regular expressions' matches (every piece handed to JavaScript)", () => {
    // Without the merging module, every piece the slots miss comes back to JavaScript, and with
    // `put` stubbed out no piece is ever kept in a slot: the handler sees every piece.
    vi.spyOn(WasmPieces.prototype as unknown as { put: () => void }, 'put').mockImplementation(() => {});
    const utf8 = new TextEncoder();
    const parts = { gpt2: gpt2Part, cl100k: cl100kPart, o200k: o200kPart };
    const patterns = { gpt2: gpt2.pat_str, cl100k: cl100k.pat_str, o200k: o200k.pat_str };
    for (const which of ['gpt2', 'cl100k', 'o200k'] as const) {
      const pieces = WasmPieces.create(false, which)!;
      let seen: number[] = [];
      const record: MissHandler = (_bytes, a, b, _h, out, o) => {
        seen.push(b - a);
        out[o] = 0;
        return o + 1;
      };
      const regex = new RegExp(patterns[which], 'gu');
      const check = (text: string) => {
        seen = [];
        expect(pieces.encode(text, record)).not.toBeNull();
        const want = (text.match(regex) ?? []).map((m) => utf8.encode(m).length);
        expect(seen, JSON.stringify(text)).toEqual(want);
      };
      for (const text of which === 'o200k' ? o200kCases : []) check(text);
      fc.assert(
        fc.property(fc.array(parts[which], { maxLength: 40 }), (chosen) => check(chosen.join(''))),
        { numRuns: 500 },
      );
    }
  });

  test('code points beyond the BMP stay in WebAssembly, classed as the regular expressions class them', () => {
    // Letters, numbers and symbols beyond the BMP next to their BMP kin: one class more or less
    // moves a piece boundary.
    const tricky = ['a𝐀b', ' 𝐀𝐁c', '12𝟎𝟏3', '!😀?', " x'𝐀", '漢𠀀字', 'a\u{E0100}b', ' \u{F0000}!', '𐍈𐍈 𐍈'];
    const texts = [
      `${mobyDickChapter(3).slice(0, 2000)} 😀 𝐀𝐁 ${mobyDickChapter(4).slice(0, 2000)}`,
      ...tricky,
      tricky.join(' '),
    ];
    for (const which of ['gpt2', 'cl100k', 'o200k'] as const) {
      const { ids, inWasm } = encodeWatched(texts, which);
      expect(inWasm).toEqual(texts.map(() => true));
      const ref = references[which];
      expect(ids).toEqual(texts.map((t) => Array.from(ref.encode(t))));
    }
  });

  test('beyond U+3FFFF the engine knows no letter, number or white space, and no mark but the variation selectors', () => {
    const units: number[] = [];
    for (let c = 0x40000; c < 0x110000; c++)
      units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
    const above = new TextDecoder('utf-16le').decode(Uint16Array.from(units));
    expect(above.length).toBe(2 * (0x110000 - 0x40000));
    expect(/[\p{L}\p{N}\s]/u.test(above)).toBe(false);
    // Nor marks (o200k's scanner reads these), but for the variation selectors U+E0100 to U+E01EF.
    const marks = [...above.matchAll(/\p{M}+/gu)].map((m) => [
      m[0].codePointAt(0)!,
      m[0].codePointAt(m[0].length - 2)!,
    ]);
    expect(marks).toEqual([[0xe0100, 0xe01ef]]);
    // The same regular expression finds them below (a letter of plane 3, a digit of plane 1).
    expect(/[\p{L}\p{N}\s]/u.test('\u{30000}')).toBe(true);
    expect(/[\p{L}\p{N}\s]/u.test('\u{1D7CE}')).toBe(true);
  });

  test('a document over 4M characters takes the JavaScript path, with the same ids', () => {
    const text = 'Call me Ishmael. Some years ago, never mind how long precisely. '.repeat(66_000);
    expect(text.length).toBeGreaterThan(1 << 22);
    const { ids, inWasm } = encodeWatched([text]);
    expect(inWasm).toEqual([false]);
    const js = fromTiktokenRanks(gpt2, { name: 'gpt2', webAssembly: false });
    expect(ids[0]).toEqual(Array.from(js.encode(text)));
    // Against js-tiktoken on a prefix (its last token, a trailing space, differs mid-text).
    const head = Array.from(reference.encode(text.slice(0, 128))).slice(0, -1);
    expect(ids[0]!.slice(0, head.length)).toEqual(head);
  });

  test('webAssembly: false never enters the module, and survives the worker recipe', () => {
    const spy = vi.spyOn(WasmPieces.prototype, 'encode');
    const js = fromTiktokenRanks(gpt2, { name: 'gpt2', webAssembly: false });
    const again = tokenizerFromRecipe(js.recipe!);
    const text = mobyDickChapter(5);
    expect(Array.from(again.encode(text))).toEqual(Array.from(reference.encode(text)));
    expect(Array.from(js.encode(text))).toEqual(Array.from(reference.encode(text)));
    expect(spy).not.toHaveBeenCalled();
    expect(js.recipe).toMatchObject({ kind: 'tiktoken', webAssembly: false });
  });
});
