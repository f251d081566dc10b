import type { Tokenizer } from '../tokenizers/types.js';
import { bm25, words } from './bm25.js';
import { SpanIndexUsageError } from './errors.js';
import { type FindSpansOptions, findSpans } from './findSpans.js';
import { withPages } from './paged.js';
import { resolveTokenizer } from './search.js';
import type { AttributedDocument, AttributionResult, Contribution, SpanIndex } from './types.js';

/**
 * Parameters of {@link attributeOutput}.
 *
 * @example
 * import type { AttributeOutputParameters } from '@openledger/attribution';
 */
export interface AttributeOutputParameters {
  /** The prompt the output answered; used only for BM25 re-ranking. */
  prompt?: string;
  /** The model output to attribute. */
  output: string;
}

/**
 * Options of {@link attributeOutput}: those of `findSpans`.
 *
 * @example
 * import type { AttributeOutputOptions } from '@openledger/attribution';
 */
export type AttributeOutputOptions = FindSpansOptions;
/**
 * Return type of {@link attributeOutput}.
 *
 * @example
 * import type { AttributeOutputReturnType } from '@openledger/attribution';
 */
export type AttributeOutputReturnType = AttributionResult;

/**
 * Attribute a model output to indexed contributions. Finds spans with {@link findSpans},
 * re-ranks the cited documents by BM25 against prompt + output, and credits contributions:
 * each span is worth its length in tokens, split equally among the distinct documents its
 * listed occurrences cite; a contribution's `score` is the sum of its credits and `share` its
 * fraction of all credits (shares sum to 1; empty when nothing matched).
 *
 * @example
 * import { attributeOutput, buildSpanIndex, createByteTokenizer } from '@openledger/attribution';
 * const tokenizer = createByteTokenizer();
 * const index = await buildSpanIndex([{ id: 'c1', contributor: '0xabc', text: 'Call me Ishmael.' }], { tokenizer });
 * const result = await attributeOutput(index, { output: 'He said: call me Ishmael.' }, { tokenizer, density: 1 });
 * result.contributions; // [{ contributionId: 'c1', contributor: '0xabc', score: …, share: 1 }]
 */
export async function attributeOutput(
  index: SpanIndex,
  params: AttributeOutputParameters,
  options: AttributeOutputOptions = {},
): Promise<AttributeOutputReturnType> {
  if (!params || typeof params.output !== 'string')
    throw new SpanIndexUsageError('attributeOutput needs { output: string }.');
  const tokenizer: Tokenizer = resolveTokenizer(index, options.tokenizer);
  const outputTokens = tokenizer.encode(params.output).length;
  const spans = await findSpans(index, params.output, { ...options, tokenizer });

  // Credit per document, and which spans cite it.
  const byDoc = new Map<number, { spans: number[]; credit: number }>();
  spans.forEach((span, s) => {
    const docs = [...new Set(span.occurrences.map((o) => o.documentIndex))];
    for (const d of docs) {
      const e = byDoc.get(d) ?? { spans: [], credit: 0 };
      e.spans.push(s);
      e.credit += (span.tokenEnd - span.tokenStart) / docs.length;
      byDoc.set(d, e);
    }
  });
  const docIndexes = [...byDoc.keys()];
  const texts = await Promise.all(docIndexes.map((d) => documentText(index, tokenizer, d)));
  const scores = bm25(words(`${params.prompt ?? ''}\n${params.output}`), texts.map(words));
  const documents: AttributedDocument[] = docIndexes
    .map((d, i) => ({
      documentId: index.documents.ids[d]!,
      contributor: index.documents.contributors[d]!,
      documentIndex: d,
      bm25: scores[i]!,
      spans: byDoc.get(d)!.spans,
    }))
    .sort((a, b) => b.bm25 - a.bm25 || a.documentIndex - b.documentIndex);

  // One contribution per (id, contributor): documents indexed in chunks under one id add up.
  const byContribution = new Map<string, Contribution>();
  for (const d of docIndexes.sort((a, b) => a - b)) {
    const id = index.documents.ids[d]!;
    const contributor = index.documents.contributors[d]!;
    const key = JSON.stringify([id, contributor]);
    const c = byContribution.get(key) ?? { contributionId: id, contributor, score: 0, share: 0 };
    c.score += byDoc.get(d)!.credit;
    byContribution.set(key, c);
  }
  const contributions = [...byContribution.values()];
  const total = contributions.reduce((a, c) => a + c.score, 0);
  for (const c of contributions) c.share = c.score / total;
  contributions.sort((a, b) => b.score - a.score || (a.contributionId < b.contributionId ? -1 : 1));
  return { tokenizerId: index.tokenizerId, outputTokens, spans, documents, contributions };
}

/** Decoded text of document `d` (reads its token range; paged indexes prefetch it). */
async function documentText(index: SpanIndex, tokenizer: Tokenizer, d: number): Promise<string> {
  let s = index.shards.length - 1;
  while (s > 0 && index.shards[s]!.firstDocument > d) s--;
  const shard = index.shards[s]!;
  const local = d - shard.firstDocument;
  const from = shard.documentStarts[local]!;
  const to =
    local + 1 < shard.documentStarts.length ? shard.documentStarts[local + 1]! - 1 : shard.tokenCount - 1;
  await shard.columns.prefetchTokens?.(from, to);
  const tokens = await withPages(() => {
    const t = new Uint32Array(to - from);
    for (let p = from; p < to; p++) t[p - from] = shard.columns.tok(p);
    return t;
  });
  return tokenizer.decode(tokens);
}
