import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { createTiktokenTokenizer } from '../tokenizers/fixtures/tiktoken.js';
import { attributeOutput } from './attributeOutput.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { mobyDickChapter } from './fixtures/corpus.js';

const tokenizer = createTiktokenTokenizer('gpt2');
const chapters = [1, 2, 3, 4, 5, 6, 7, 8, 42].map((n) => ({
  id: `moby-dick/ch${n}`,
  contributor: `0x${String(n).padStart(40, '0')}`,
  text: mobyDickChapter(n),
}));
const index = await buildSpanIndex(chapters, { tokenizer });
const byteIndex = await buildSpanIndex(chapters, { tokenizer: createByteTokenizer() });
const textOf = new Map(chapters.map((c) => [c.id, c.text]));

/** A made-up "model output" quoting sentences from chapters 1 and 3 among new words. */
function quoteOutput(): string {
  const s1 = chapters[0]!.text.split('. ')[3]!;
  const s3 = chapters[2]!.text.split('. ')[10]!;
  return `Asked about the sea, the model wrote: ${s1}. Then, later: ${s3}. That is all it said about it.`;
}

describe('attributeOutput', () => {
  test('every evidence claim checks out by a plain substring search of the cited document', async () => {
    const output = quoteOutput();
    const result = await attributeOutput(
      index,
      { prompt: 'Tell me about the sea', output },
      { tokenizer, density: 0.2 },
    );
    expect(result.spans.length).toBeGreaterThan(0);
    for (const span of result.spans) {
      expect(output.slice(span.charStart, span.charEnd)).toBe(span.text);
      for (const o of span.occurrences) {
        const doc = textOf.get(o.documentId)!;
        expect(doc.slice(o.charOffset, o.charOffset + span.text.length)).toBe(span.text);
        expect(doc.includes(o.context.before + span.text + o.context.after)).toBe(true);
      }
    }
    const cited = new Set(result.spans.flatMap((s) => s.occurrences.map((o) => o.documentId)));
    expect(cited.has('moby-dick/ch1')).toBe(true);
    expect(cited.has('moby-dick/ch3')).toBe(true);
  });

  test('contribution shares sum to 1 and follow the span credit', async () => {
    const output = quoteOutput();
    const result = await attributeOutput(index, { output }, { tokenizer, density: 0.2 });
    const sum = result.contributions.reduce((a, c) => a + c.share, 0);
    expect(sum).toBeCloseTo(1, 12);
    // Recompute the credit independently from the spans.
    const credit = new Map<string, number>();
    for (const s of result.spans) {
      const docs = [...new Set(s.occurrences.map((o) => o.documentId))];
      for (const d of docs) credit.set(d, (credit.get(d) ?? 0) + (s.tokenEnd - s.tokenStart) / docs.length);
    }
    for (const c of result.contributions) expect(c.score).toBeCloseTo(credit.get(c.contributionId)!, 9);
    expect(result.documents.map((d) => d.bm25)).toEqual(
      [...result.documents.map((d) => d.bm25)].sort((a, b) => b - a),
    );
  });

  test('shares sum to 1 for any output made of indexed and new text', async () => {
    const byte = createByteTokenizer();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 8 }), fc.nat({ max: 20000 }), fc.integer({ min: 5, max: 60 })), {
          maxLength: 4,
        }),
        fc.string({ maxLength: 40 }),
        async (cuts, noise) => {
          const output = cuts.map(([c, at, len]) => chapters[c]!.text.slice(at, at + len)).join(` ${noise} `);
          const r = await attributeOutput(byteIndex, { output }, { tokenizer: byte, density: 0.5 });
          if (r.spans.length === 0) expect(r.contributions).toEqual([]);
          else expect(r.contributions.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 12);
          for (const c of r.contributions) expect(c.share).toBeGreaterThan(0);
          // Byte-token evidence offsets (found through per-document checkpoints) check out too.
          for (const s of r.spans) {
            for (const o of s.occurrences) {
              const doc = textOf.get(o.documentId)!;
              expect(doc.slice(o.charOffset, o.charOffset + s.text.length)).toBe(s.text);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('returns no spans and no contributions when nothing matches', async () => {
    const r = await attributeOutput(index, { output: 'Zyxqv wprtk glorbnax.' }, { tokenizer });
    expect(r).toMatchObject({ spans: [], documents: [], contributions: [] });
    const empty = await attributeOutput(index, { output: '' }, { tokenizer });
    expect(empty.contributions).toEqual([]);
  });

  test('BM25 ranks the document the prompt and output are about first', async () => {
    const output = 'the whaling voyage and the Spouter-Inn, where Ishmael met Queequeg';
    const r = await attributeOutput(
      index,
      { prompt: 'Spouter-Inn landlord harpooneer Queequeg', output },
      { tokenizer, density: 1, maxFrequency: 1000, minSpanLength: 1 },
    );
    expect(r.documents.length).toBeGreaterThan(1);
    expect(r.documents[0]!.documentId).toBe('moby-dick/ch3');
  });
});
