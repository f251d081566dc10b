import { ValidationError } from '../errors/errors.js';

/**
 * Format an integer amount of the smallest unit as an exact decimal string, trailing
 * zeros trimmed (`1500000n`, 6 → `'1.5'`). The inverse of {@link parseUnits}.
 *
 * @example
 * import { formatUnits } from '@openledger/core';
 * formatUnits(1500000n, 6); // '1.5'
 */
export function formatUnits(value: bigint, decimals: number): string {
  if (typeof value !== 'bigint') throw new ValidationError(`Expected a bigint amount, got ${typeof value}.`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new ValidationError(`decimals must be an integer in 0..255, got ${String(decimals)}.`);
  }
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
