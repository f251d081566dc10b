import type { Tokenizer } from '../tokenizers/types.js';

/**
 * One document to index: a datanet contribution's text (or its tokens) and who contributed it.
 *
 * @example
 * import type { SpanDocument } from '@openledger/attribution';
 */
export type SpanDocument =
  | { id: string; contributor: string; text: string }
  | { id: string; contributor: string; tokens: ArrayLike<number> };

/**
 * The document table of an index, in index order (document `i` has `ids[i]`).
 *
 * @example
 * import type { SpanIndexDocuments } from '@openledger/attribution';
 */
export interface SpanIndexDocuments {
  readonly ids: readonly string[];
  readonly contributors: readonly string[];
}

/** Token and suffix-array access of one shard; paged shards throw a page miss the query layer awaits. */
export interface ShardColumns {
  /** Token at position `p` of the shard's concatenated text (`separator` between documents). */
  tok(p: number): number;
  /** Suffix array entry `i`. */
  sa(i: number): number;
  /** Make tokens `[from, to)` resident before a long scan (paged shards only). */
  prefetchTokens?(from: number, to: number): Promise<void>;
}

/**
 * One shard: at most 2^31 − 1 tokens, its suffix array and the token offset of each of its documents.
 *
 * @example
 * import type { SpanShard } from '@openledger/attribution';
 */
export interface SpanShard {
  /** Tokens in this shard, separators included. */
  readonly tokenCount: number;
  /** Index of this shard's first document in {@link SpanIndexDocuments}. */
  readonly firstDocument: number;
  /** Token offset of each of this shard's documents within the shard (ascending). */
  readonly documentStarts: Int32Array;
  readonly columns: ShardColumns;
}

/**
 * I/O counters of an index loaded by ranges (zero for an in-memory index).
 *
 * @example
 * import type { SpanIndexIoStats } from '@openledger/attribution';
 */
export interface SpanIndexIoStats {
  /** Range reads issued (HTTP Range requests or positional file reads), header included. */
  requests: number;
  /** Bytes those reads returned. */
  bytes: number;
}

/**
 * A suffix-array index over tokenized documents, built by `buildSpanIndex` or opened by
 * `loadSpanIndex`. Treat it as opaque; query it with `count`, `findSpans`, `attributeOutput`.
 *
 * @example
 * import type { SpanIndex } from '@openledger/attribution';
 */
export interface SpanIndex {
  readonly formatVersion: number;
  readonly tokenizerId: string;
  readonly vocabSize: number;
  /** The separator token id (`vocabSize`); never produced by the tokenizer. */
  readonly separator: number;
  /** Bytes per token in storage: 2 when `vocabSize + 1 <= 65536`, else 4. */
  readonly tokenWidth: 2 | 4;
  /** Document tokens in the whole index (separators excluded). */
  readonly totalTokens: number;
  /** Occurrences of each token id over the whole index. */
  readonly unigramCounts: Float64Array;
  readonly documents: SpanIndexDocuments;
  readonly shards: readonly SpanShard[];
  /** Range-read counters; zero for an index held in memory. */
  readonly io: SpanIndexIoStats;
}

/**
 * A place where a span occurs in an indexed document.
 *
 * @example
 * import type { SpanOccurrence } from '@openledger/attribution';
 */
export interface SpanOccurrence {
  /** Document (contribution) id as given to `buildSpanIndex`. */
  documentId: string;
  contributor: string;
  /** Index of the document in the index's document table. */
  documentIndex: number;
  /** Offset of the match in the document, in tokens. */
  tokenOffset: number;
  /**
   * Offset of the match in the document's text, in UTF-16 code units (JavaScript string
   * indices): `documentText.slice(charOffset, charOffset + span.text.length) === span.text`.
   */
  charOffset: number;
  /** Decoded text around the match: `before` + span text + `after`. */
  context: { before: string; after: string };
}

/**
 * A verbatim span of the output found in the index.
 *
 * @example
 * import type { Span } from '@openledger/attribution';
 */
export interface Span {
  /** Token range `[start, end)` in the output's tokens. */
  tokenStart: number;
  tokenEnd: number;
  /** Character range `[charStart, charEnd)` in the output text. */
  charStart: number;
  charEnd: number;
  /** The span's text, `output.slice(charStart, charEnd)`. */
  text: string;
  /** Occurrences of the span in the whole index. */
  count: number;
  /** Sum of the natural-log unigram probabilities of the span's tokens (lower = rarer). */
  unigramLogProb: number;
  /** Up to `maxDocumentsPerSpan` occurrences, sampled deterministically when there are more. */
  occurrences: SpanOccurrence[];
}

/**
 * A document cited by at least one span, ranked by BM25 relevance to prompt + output.
 *
 * @example
 * import type { AttributedDocument } from '@openledger/attribution';
 */
export interface AttributedDocument {
  documentId: string;
  contributor: string;
  documentIndex: number;
  /** BM25 score against the prompt + output tokens (k1 = 1.2, b = 0.75) over the cited documents. */
  bm25: number;
  /** Indexes into `spans` of the spans found in this document. */
  spans: number[];
}

/**
 * Credit of one contribution (document) for the output.
 *
 * @example
 * import type { Contribution } from '@openledger/attribution';
 */
export interface Contribution {
  contributionId: string;
  contributor: string;
  /** Non-negative credit; see `attributeOutput` for how it is computed. */
  score: number;
  /** `score` over the sum of all scores; shares sum to 1. */
  share: number;
}

/**
 * Result of `attributeOutput`: spans with evidence, re-ranked documents and contribution shares.
 *
 * @example
 * import type { AttributionResult } from '@openledger/attribution';
 */
export interface AttributionResult {
  /** Tokenizer id of the index the spans were found in. */
  tokenizerId: string;
  /** Number of output tokens (L). */
  outputTokens: number;
  spans: Span[];
  /** Cited documents, best BM25 first. */
  documents: AttributedDocument[];
  /** Per-contribution credit, highest first; empty when no span matched. */
  contributions: Contribution[];
}

/**
 * Progress of `buildSpanIndex`.
 *
 * @example
 * import type { BuildProgress } from '@openledger/attribution';
 */
export interface BuildProgress {
  phase: 'tokenize' | 'sort' | 'done';
  documents: number;
  tokens: number;
  /** Shard being sorted (phase `sort`). */
  shard?: number;
  /**
   * Phase `sort`: an estimate of the fraction of the shard's sort done, from 0 (reported as it
   * starts) to 1 (reported once the shard is complete), increasing in between (reported about
   * every 40 ms of sorting).
   */
  sorted?: number;
}

/**
 * Options of `buildSpanIndex`.
 *
 * @example
 * import type { BuildSpanIndexOptions } from '@openledger/attribution';
 */
export interface BuildSpanIndexOptions {
  tokenizer: Tokenizer;
  onProgress?: ((progress: BuildProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Largest shard in tokens (separators included), at most 2^31 − 1. Default: what one
   * WebAssembly sort can take (about 686M tokens of a vocabulary of up to 2^16 ids, 519M above),
   * or 2^31 − 1 without WebAssembly.
   */
  maxShardTokens?: number | undefined;
}
