import { ValidationError } from '../errors/errors.js';

/**
 * Options of {@link parseUnits} and `parseOpen`.
 * @example
 * import { parseOpen, type ParseUnitsOptions } from '@openledger/core';
 * const signed: ParseUnitsOptions = { allowNegative: true };
 * parseOpen('-1.5', signed);
 */
export interface ParseUnitsOptions {
  /** Accept a leading `-`. Default false: amounts are usually never negative. */
  allowNegative?: boolean;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Convert a decimal string to an integer amount of the smallest unit, exactly (bigint).
 * Refuses anything ambiguous rather than guessing: empty strings, whitespace, exponents,
 * `+`, separators, a bare `.`, more fraction digits than `decimals`, and a `-` unless allowed.
 *
 * @example
 * import { parseUnits } from '@openledger/core';
 * parseUnits('1.5', 6); // 1500000n
 */
export function parseUnits(value: string, decimals: number, options: ParseUnitsOptions = {}): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new ValidationError(`decimals must be an integer in 0..255, got ${String(decimals)}.`);
  }
  if (typeof value !== 'string') {
    throw invalid(value, `expected a decimal string, got ${typeof value} (numbers lose precision)`);
  }
  // Bound the work done on hostile input before the regex and BigInt run.
  if (value.length > 200) throw invalid(value, 'longer than 200 characters');
  const m = DECIMAL.exec(value);
  if (!m) throw invalid(value, 'not a plain decimal number (digits, optional "." and fraction digits)');
  const [, sign, whole, fraction = ''] = m;
  if (sign && !options.allowNegative) throw invalid(value, 'negative amounts are not allowed here');
  if (fraction.length > decimals) throw invalid(value, `more than ${decimals} fraction digits`);
  const units = BigInt(whole! + fraction.padEnd(decimals, '0'));
  return sign ? -units : units;
}

function invalid(value: unknown, why: string): ValidationError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 50)) : String(value);
  return new ValidationError(`Invalid amount ${shown}: ${why}.`, {
    issues: [{ path: [], message: why, code: 'invalid_amount' }],
  });
}
