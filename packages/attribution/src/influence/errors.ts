import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Stable codes of {@link InfluenceError}. */
export type InfluenceErrorCode =
  | 'INVALID_INPUT'
  | 'SHAPE_MISMATCH'
  | 'NOT_POSITIVE_DEFINITE'
  | 'TOO_LARGE'
  | 'UNSUPPORTED'
  | 'INVALID_SAFETENSORS';

/**
 * An influence computation was given inputs it cannot use (shapes that do not agree, a
 * Hessian that is not positive definite, a model too large for the exact solver, …).
 *
 * @example
 * import { InfluenceError } from '@openledger/attribution';
 * declare const e: unknown;
 * if (e instanceof InfluenceError && e.code === 'NOT_POSITIVE_DEFINITE') console.log('raise damping');
 */
export class InfluenceError extends OpenLedgerError {
  override name = 'InfluenceError' as const;
  override readonly code: InfluenceErrorCode;
  constructor(code: InfluenceErrorCode, message: string, params: OpenLedgerErrorParameters = {}) {
    super(message, { docsPath: '/attribution/influence', ...params });
    this.code = code;
  }
}
