import type { AttributionRecordError } from './errors.js';

/**
 * True for an {@link AttributionRecordError}, matched by name so it works across duplicate installs.
 *
 * @example
 * import { isAttributionRecordError } from '@openledger/attribution';
 * declare const e: unknown;
 * if (isAttributionRecordError(e)) console.log(e.code);
 */
export function isAttributionRecordError(e: unknown): e is AttributionRecordError {
  return e instanceof Error && e.name === 'AttributionRecordError';
}
