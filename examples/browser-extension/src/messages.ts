/** Messages between the content script and the service worker, and the options page. */

/** Content script → worker: attribute these text blocks (whitespace already collapsed). */
export interface AttributeRequest {
  type: 'openledger:attribute';
  blocks: string[];
}

/** Options page → worker: open the configured index and describe it. */
export interface DescribeIndexRequest {
  type: 'openledger:describe-index';
}

export type Request = AttributeRequest | DescribeIndexRequest;

/** Who a highlighted span is attributed to. */
export interface SpanSource {
  contributor: string;
  contributionId: string;
  /** This source's part of the span: spans are split equally among the documents they cite. */
  spanShare: number;
}

export interface BlockSpan {
  /** Character range in the block's text, UTF-16 code units. */
  start: number;
  end: number;
  /** Occurrences of the span in the whole index. */
  count: number;
  sources: SpanSource[];
}

export interface PageContribution {
  contributor: string;
  contributionId: string;
  /** Fraction of all credit on the page (shares sum to 1). */
  share: number;
}

export type AttributeResponse =
  | {
      ok: true;
      /** Spans per block, in block order. */
      blocks: BlockSpan[][];
      contributions: PageContribution[];
      tokenizerId: string;
      /** Range reads of the index so far (this worker's lifetime). */
      rangeRequests: number;
    }
  | { ok: false; error: string };

export type DescribeIndexResponse =
  | { ok: true; tokenizerId: string; documents: number; totalTokens: number; rangeRequests: number }
  | { ok: false; error: string };

/** Limits on what a page may ask for, so a huge page cannot make the worker allocate without bound. */
export const LIMITS = { maxBlocks: 2000, maxChars: 400_000 } as const;
