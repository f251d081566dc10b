import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createIdempotencyKey } from './createIdempotencyKey.js';
import { backoffDelay, DEFAULT_RETRY, isIdempotent, parseRetryAfter, resolveRetry } from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  test('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  test('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  test.each(['', '-5', '1.5', 'soon', '1e3', undefined, null])('ignores malformed %j', (v) => {
    expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('backoff', () => {
  test('full jitter stays within the doubling ceiling and the cap', () => {
    const policy = resolveRetry({ baseDelay: 100, maxDelay: 1_000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const d = backoffDelay(n, policy, () => r);
          return d >= 0 && d <= Math.min(1_000, 100 * 2 ** (n - 1));
        },
      ),
      { numRuns: 200 },
    );
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(399);
  });
  test('resolves shorthand options', () => {
    expect(resolveRetry(false).limit).toBe(0);
    expect(resolveRetry(5).limit).toBe(5);
    expect(resolveRetry(undefined)).toEqual(DEFAULT_RETRY);
  });
});

describe('isIdempotent', () => {
  test('safe methods always, POST/PATCH only with a key', () => {
    for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) expect(isIdempotent(m, false)).toBe(true);
    for (const m of ['POST', 'PATCH']) {
      expect(isIdempotent(m, false)).toBe(false);
      expect(isIdempotent(m, true)).toBe(true);
    }
    expect(isIdempotent('CONNECT', true)).toBe(false);
  });
});

test('createIdempotencyKey makes distinct UUID v4 strings', () => {
  const keys = Array.from({ length: 500 }, createIdempotencyKey);
  expect(new Set(keys).size).toBe(500);
  for (const k of keys)
    expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
