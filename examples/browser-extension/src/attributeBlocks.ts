/**
 * Attribution of a page's text blocks against a span index: spans per block, with who each span
 * is attributed to, and the page's contribution shares. Runs in the service worker.
 */
import { attributeOutput, type SpanIndex, type Tokenizer } from '@openledger/attribution';
import type { BlockSpan, PageContribution } from './messages.js';

export interface AttributeBlocksOptions {
  tokenizer: Tokenizer;
  minSpanLength: number;
  signal?: AbortSignal;
}

export interface AttributeBlocksResult {
  blocks: BlockSpan[][];
  contributions: PageContribution[];
}

/**
 * Attribute each block on its own (a span never crosses from one paragraph into the next) and
 * add the blocks' credits up per contribution, the way `attributeOutput` does within one text.
 */
export async function attributeBlocks(
  index: SpanIndex,
  blocks: readonly string[],
  options: AttributeBlocksOptions,
): Promise<AttributeBlocksResult> {
  const out: BlockSpan[][] = [];
  const credit = new Map<string, PageContribution & { score: number }>();
  for (const text of blocks) {
    if (!text.trim()) {
      out.push([]);
      continue;
    }
    const result = await attributeOutput(
      index,
      { output: text },
      {
        tokenizer: options.tokenizer,
        minSpanLength: options.minSpanLength,
        // Every span long and rare enough is worth showing, not only the rarest 5 %.
        density: 1,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    out.push(
      result.spans.map((s) => {
        // The same document can be listed at several offsets; credit it once, as attributeOutput does.
        const docs = new Map<number, { contributor: string; contributionId: string }>();
        for (const o of s.occurrences)
          docs.set(o.documentIndex, { contributor: o.contributor, contributionId: o.documentId });
        const sources = [...docs.values()].map((d) => ({ ...d, spanShare: 1 / docs.size }));
        return { start: s.charStart, end: s.charEnd, count: s.count, sources };
      }),
    );
    for (const c of result.contributions) {
      const key = JSON.stringify([c.contributionId, c.contributor]);
      const e = credit.get(key) ?? {
        contributor: c.contributor,
        contributionId: c.contributionId,
        share: 0,
        score: 0,
      };
      e.score += c.score;
      credit.set(key, e);
    }
  }
  const total = [...credit.values()].reduce((a, c) => a + c.score, 0);
  const contributions = [...credit.values()]
    .sort((a, b) => b.score - a.score || (a.contributionId < b.contributionId ? -1 : 1))
    .map(({ contributor, contributionId, score }) => ({ contributor, contributionId, share: score / total }));
  return { blocks: out, contributions };
}
