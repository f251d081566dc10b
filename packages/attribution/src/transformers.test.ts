import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, describe, expect, test } from 'vitest';
import { buildSpanIndex } from './span/buildSpanIndex.js';
import { findSpans } from './span/findSpans.js';
import { mobyDickChapter } from './span/fixtures/corpus.js';
import { writeGpt2TokenizerFiles } from './tokenizers/fixtures/gpt2-tokenizer-json.js';
import { createTiktokenTokenizer } from './tokenizers/fixtures/tiktoken.js';
import { fromTransformersTokenizer } from './transformers.js';

// GPT-2's tokenizer.json assembled locally from js-tiktoken's packaged ranks; no network.
const dir = mkdtempSync(join(tmpdir(), 'olhf-'));
writeGpt2TokenizerFiles(join(dir, 'gpt2-local'));
env.allowRemoteModels = false;
env.localModelPath = `${dir}/`;
const hf = await AutoTokenizer.from_pretrained('gpt2-local');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fromTransformersTokenizer', () => {
  const tokenizer = fromTransformersTokenizer(hf);
  const tiktoken = createTiktokenTokenizer('gpt2');

  test('encodes Moby-Dick exactly like the independent js-tiktoken GPT-2 encoder', () => {
    const text = mobyDickChapter(1);
    const ids = Array.from(tokenizer.encode(text));
    expect(ids).toEqual(Array.from(tiktoken.encode(text)));
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.id).toMatch(/^hf:GPT2Tokenizer:[0-9a-f]{16}$/);
  });

  test('the id changes when the vocabulary changes', () => {
    const json = structuredClone(hf._tokenizerJSON);
    json.model.vocab = { ...json.model.vocab, extra: 50257 };
    const other = fromTransformersTokenizer({
      ...hf,
      get_vocab: () => hf.get_vocab(),
      encode: hf.encode,
      decode: hf.decode,
      _tokenizerJSON: json,
      config: hf.config,
    });
    expect(other.id).not.toBe(tokenizer.id);
    expect(fromTransformersTokenizer(hf).id).toBe(tokenizer.id);
  });

  test('builds an index and finds spans with evidence that checks out', async () => {
    const chapters = [2, 3].map((n) => ({
      id: `ch${n}`,
      contributor: 'gutenberg',
      text: mobyDickChapter(n),
    }));
    const index = await buildSpanIndex(chapters, { tokenizer });
    expect(index.tokenizerId).toBe(tokenizer.id);
    const output = `The model recalled: ${chapters[1]!.text.slice(400, 600)} and more.`;
    const spans = await findSpans(index, output, { tokenizer, density: 0.1 });
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect(output.slice(s.charStart, s.charEnd)).toBe(s.text);
      for (const o of s.occurrences) {
        const doc = chapters[o.documentIndex]!.text;
        expect(doc.slice(o.charOffset, o.charOffset + s.text.length)).toBe(s.text);
      }
    }
  });
});
