import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Stable codes of {@link AttributionRecordError}. */
export type AttributionRecordErrorCode =
  | 'INVALID_RECORD'
  | 'INVALID_INPUT'
  | 'NOT_CANONICALIZABLE'
  | 'INVALID_DOMAIN'
  | 'INVALID_SIGNATURE';

/**
 * An attribution record could not be built, hashed, signed or checked.
 *
 * @example
 * import { AttributionRecordError } from '@openledger/attribution';
 * declare const e: unknown;
 * if (e instanceof AttributionRecordError && e.code === 'INVALID_SIGNATURE') console.log(e.details);
 */
export class AttributionRecordError extends OpenLedgerError {
  override name = 'AttributionRecordError' as const;
  override readonly code: AttributionRecordErrorCode;
  constructor(code: AttributionRecordErrorCode, message: string, params: OpenLedgerErrorParameters = {}) {
    super(message, { docsPath: '/attribution/records', ...params });
    this.code = code;
  }
}
