import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/**
 * A span index file is corrupt, truncated, of an unknown version, or not an index at all.
 *
 * @example
 * import { loadSpanIndex, SpanIndexFormatError } from '@openledger/attribution';
 * try { await loadSpanIndex(new ArrayBuffer(8)); } catch (e) { if (e instanceof SpanIndexFormatError) console.log(e.code); }
 */
export class SpanIndexFormatError extends OpenLedgerError {
  override name = 'SpanIndexFormatError' as const;
  override readonly code = 'SPAN_INDEX_FORMAT' as const;
  constructor(shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    super(shortMessage, { docsPath: '/attribution/span-index#format', ...params });
  }
}

/**
 * The span index was used in a way it does not support: wrong tokenizer, tokens out of the
 * vocabulary, invalid options.
 *
 * @example
 * import { SpanIndexUsageError } from '@openledger/attribution';
 * const e = new SpanIndexUsageError('Tokenizer mismatch.');
 * e.code; // 'SPAN_INDEX_USAGE'
 */
export class SpanIndexUsageError extends OpenLedgerError {
  override name = 'SpanIndexUsageError' as const;
  override readonly code = 'SPAN_INDEX_USAGE' as const;
  constructor(shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    super(shortMessage, { docsPath: '/attribution/span-index', ...params });
  }
}
