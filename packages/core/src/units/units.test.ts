import fc from 'fast-check';
import { formatEther, parseEther } from 'viem';
import { describe, expect, test } from 'vitest';
import { isValidationError } from '../errors/guards.js';
import { formatUnits } from './formatUnits.js';
import { formatOpen, parseOpen } from './open.js';
import { parseUnits } from './parseUnits.js';

const wei = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
/** Decimal strings in canonical form: no leading zeros, no trailing fraction zeros. */
const canonical = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.stringMatching(/^\d{0,18}$/))
  .map(([w, f]) => {
    const frac = f.replace(/0+$/, '');
    return frac ? `${w}.${frac}` : `${w}`;
  });

describe('parseOpen / formatOpen', () => {
  test('exact values', () => {
    expect(parseOpen('1')).toBe(10n ** 18n);
    expect(parseOpen('0.000000000000000001')).toBe(1n);
    expect(parseOpen('1000000000')).toBe(10n ** 27n);
    expect(parseOpen('-2.5', { allowNegative: true })).toBe(-25n * 10n ** 17n);
    expect(parseOpen('007.10')).toBe(71n * 10n ** 17n);
    expect(formatOpen(0n)).toBe('0');
    expect(formatOpen(1n)).toBe('0.000000000000000001');
    expect(formatOpen(-1500000000000000000n)).toBe('-1.5');
  });

  test.each([
    ['', 'empty'],
    [' 1', 'leading whitespace'],
    ['1 ', 'trailing whitespace'],
    ['1e18', 'exponent'],
    ['1E-3', 'exponent'],
    ['+1', 'plus sign'],
    ['-1', 'negative without allowNegative'],
    ['1.', 'bare dot'],
    ['.5', 'no whole part'],
    ['1,000', 'separator'],
    ['1_000', 'separator'],
    ['0x10', 'hex'],
    ['1.0000000000000000001', '19 decimals'],
    ['NaN', 'not a number'],
    ['Infinity', 'not a number'],
    ['١', 'non-ASCII digit'],
    ['1'.repeat(201), 'absurdly long'],
  ])('rejects %j (%s) with a ValidationError', (input) => {
    let err: unknown;
    try {
      parseOpen(input);
    } catch (e) {
      err = e;
    }
    expect(isValidationError(err)).toBe(true);
  });

  test('rejects a number (which would already have lost precision)', () => {
    expect(() => parseOpen(0.1 as unknown as string)).toThrow(/decimal string/);
  });

  test('parse(format(x)) === x for any wei amount', () => {
    fc.assert(
      fc.property(wei, (x) => parseOpen(formatOpen(x), { allowNegative: true }) === x),
      { numRuns: 500 },
    );
  });

  test('format(parse(s)) === s for canonical decimal strings', () => {
    fc.assert(
      fc.property(canonical, (s) => formatOpen(parseOpen(s)) === s),
      { numRuns: 500 },
    );
  });

  test('agrees with viem parseEther / formatEther', () => {
    fc.assert(
      fc.property(wei, (x) => {
        const s = formatOpen(x);
        return formatEther(x) === s && parseEther(s) === x;
      }),
      { numRuns: 300 },
    );
  });

  test('generic units at other decimals', () => {
    expect(parseUnits('1.5', 6)).toBe(1_500_000n);
    expect(parseUnits('42', 0)).toBe(42n);
    expect(() => parseUnits('4.2', 0)).toThrow(/fraction digits/);
    expect(formatUnits(1_500_000n, 6)).toBe('1.5');
    fc.assert(
      fc.property(
        wei,
        fc.integer({ min: 0, max: 77 }),
        (x, d) => parseUnits(formatUnits(x, d), d, { allowNegative: true }) === x,
      ),
      { numRuns: 300 },
    );
  });
});
