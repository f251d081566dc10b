import fc from 'fast-check';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { mobyDickChapter } from '../span/fixtures/corpus.js';
import { bpeWasmBytes, LONG_PIECE } from './bpeWasm.js';
import { WasmPieces } from './pretokenizerWasm.js';
import { fromTiktokenRanks } from './tiktoken.js';

/** How many pieces go back to JavaScript (its miss handler puts each one in a slot). */
function piecesSentBack(run: () => void): number {
  const put = vi.spyOn(WasmPieces.prototype as unknown as { put: () => void }, 'put');
  run();
  const calls = put.mock.calls.length;
  put.mockRestore();
  return calls;
}

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

describe('byte-pair merging in WebAssembly', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('the module validates for both token widths and fits 4 KB', () => {
    const layout = {
      hot: 1 << 16,
      hotSlots: 1 << 13,
      victims: 1 << 20,
      victimBits: 15,
      victimMix: 0x9e3779b1,
      slotRoom: 56,
      byteToken: 4 << 20,
      bytePairs: 5 << 20,
      seen: 6 << 20,
      scratch: 7 << 20,
    };
    for (const width of [2, 4] as const) {
      const bytes = bpeWasmBytes(width, layout);
      expect(WebAssembly.validate(bytes)).toBe(true);
      // Browsers' main threads compile modules of up to 4 KB synchronously.
      expect(bytes.length).toBeLessThanOrEqual(4096);
    }
  });

  test('pieces the slots miss are merged in the module: only pieces over 128 bytes go back', () => {
    const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
    const reference = new Tiktoken(gpt2);
    const prose = mobyDickChapter(7);
    let ids: number[] = [];
    expect(piecesSentBack(() => (ids = Array.from(tokenizer.encode(prose))))).toBe(0);
    expect(ids).toEqual(reference.encode(prose, [], []));
    // Pieces of 130 and 128 bytes (each with its leading space): the first goes back.
    const long = `a ${'x'.repeat(LONG_PIECE + 1)} b ${'y'.repeat(LONG_PIECE - 1)} c`;
    expect(piecesSentBack(() => (ids = Array.from(tokenizer.encode(long))))).toBe(1);
    expect(ids).toEqual(reference.encode(long, [], []));
  });

  test('any bytes merge as js-tiktoken merges them, first sight and again from the slots', () => {
    const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
    const reference = new Tiktoken(gpt2);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (text) => {
        const want = reference.encode(text, [], []);
        expect(Array.from(tokenizer.encode(text))).toEqual(want);
        expect(Array.from(tokenizer.encode(text))).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  test('long pieces (up to 128 bytes, many merges and ties) merge as js-tiktoken merges them', () => {
    const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2' });
    const reference = new Tiktoken(gpt2);
    // One piece each: a space, then letters from a few that pair often ('th', 'er', 'an').
    const letters = fc.constantFrom('t', 'h', 'e', 'r', 'a', 'n', 'é');
    fc.assert(
      fc.property(fc.array(letters, { minLength: 30, maxLength: 63 }), (chars) => {
        const text = ` ${chars.join('')}`;
        expect(Array.from(tokenizer.encode(text))).toEqual(reference.encode(text, [], []));
      }),
      { numRuns: 300 },
    );
  });

  test('without the merging module every missed piece goes back to JavaScript, with the same ids', () => {
    // The scanner alone (no merge tables): its import answers -1, so each miss returns to the
    // handler, here js-tiktoken on the piece's bytes.
    const pieces = WasmPieces.create(false, 'gpt2');
    expect(pieces).not.toBeNull();
    const reference = new Tiktoken(gpt2);
    const decoder = new TextDecoder();
    let missed = 0;
    const text = `${mobyDickChapter(2).slice(0, 3000)} 🐋 ${'z'.repeat(200)}`;
    const ids = Array.from(
      pieces!.encode(text, (bytes, a, b, _h, out, o) => {
        missed++;
        const tokens = reference.encode(decoder.decode(bytes.subarray(a, b)), [], []);
        out.set(tokens, o);
        return ~(o + tokens.length);
      })!,
    );
    expect(ids).toEqual(reference.encode(text, [], []));
    expect(missed).toBeGreaterThan(100);
  });

  test('a piece that is a token is that token, even where merging its bytes ends elsewhere', () => {
    // 'bc' merges before 'ab' and 'cd', and no token joins 'a' + 'bc' or 'bc' + 'd': merging
    // 'abcd' stops at [a, bc, d], but it is a token of its own.
    const pieces = ['a', 'b', 'c', 'd', 'bc', 'ab', 'cd', 'abcd'];
    const ranks = {
      pat_str: gpt2.pat_str,
      special_tokens: {},
      bpe_ranks: `! 0 ${pieces.map(b64).join(' ')}`,
    };
    const reference = new Tiktoken(ranks);
    for (const webAssembly of [true, false]) {
      const tokenizer = fromTiktokenRanks(ranks, { name: 'abcd', webAssembly });
      for (const text of ['abcd', 'abc', 'bcd', 'dabcd']) {
        expect(Array.from(tokenizer.encode(text))).toEqual(reference.encode(text, [], []));
      }
      expect(Array.from(tokenizer.encode('abcd'))).toEqual([7]);
      expect(Array.from(tokenizer.encode('dabcd'))).toEqual(reference.encode('dabcd', [], []));
    }
  });
});
