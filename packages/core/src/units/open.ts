import { formatUnits } from './formatUnits.js';
import { type ParseUnitsOptions, parseUnits } from './parseUnits.js';

/**
 * Decimals of OPEN (and gOPEN): 18.
 * @example
 * import { OPEN_DECIMALS, parseUnits } from '@openledger/core';
 * parseUnits('1', OPEN_DECIMALS); // 10n ** 18n
 */
export const OPEN_DECIMALS = 18;

/**
 * Parse an OPEN amount (`'1.5'`) to wei (`1500000000000000000n`), exactly. Rejects more
 * than 18 decimals, exponents, whitespace, empty input, and negatives unless `allowNegative`.
 *
 * @example
 * import { parseOpen } from '@openledger/core';
 * parseOpen('0.25'); // 250000000000000000n
 */
export function parseOpen(value: string, options?: ParseUnitsOptions): bigint {
  return parseUnits(value, OPEN_DECIMALS, options);
}

/**
 * Format wei as an exact OPEN amount, trailing zeros trimmed.
 *
 * @example
 * import { formatOpen } from '@openledger/core';
 * formatOpen(1500000000000000000n); // '1.5'
 */
export function formatOpen(wei: bigint): string {
  return formatUnits(wei, OPEN_DECIMALS);
}
