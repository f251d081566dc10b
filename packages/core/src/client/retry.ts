/**
 * Retry policy of a client, every field resolved.
 * @example
 * import type { RetryPolicy } from '@openledger/core';
 * const policy: RetryPolicy = { limit: 2, baseDelay: 300, maxDelay: 10_000, maxRetryAfter: 60_000, statusCodes: [429, 503] };
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  limit: number;
  /** Delay before the first retry, in ms; doubles on each further retry. */
  baseDelay: number;
  /** Upper bound of one backoff delay, in ms. */
  maxDelay: number;
  /** Longest `Retry-After` we are willing to wait, in ms; a longer one is not retried. */
  maxRetryAfter: number;
  /** Statuses worth retrying. */
  statusCodes: readonly number[];
}

/**
 * Retry settings a caller may pass: a number (the limit), `false` (no retries), or fields.
 * @example
 * import { createClient, type RetryOptions } from '@openledger/core';
 * const retry: RetryOptions = { limit: 4, baseDelay: 500, maxRetryAfter: 30_000 };
 * createClient({ baseUrl: 'http://127.0.0.1:8787', retry });
 */
export type RetryOptions = number | false | Partial<RetryPolicy>;

export const DEFAULT_RETRY: RetryPolicy = {
  limit: 2,
  baseDelay: 300,
  maxDelay: 10_000,
  maxRetryAfter: 60_000,
  statusCodes: [408, 429, 500, 502, 503, 504],
};

/** Methods that are safe to repeat without an idempotency key (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isIdempotent(method: string, hasIdempotencyKey: boolean): boolean {
  return IDEMPOTENT.has(method) || ((method === 'POST' || method === 'PATCH') && hasIdempotencyKey);
}

export function resolveRetry(
  options: RetryOptions | undefined,
  base: RetryPolicy = DEFAULT_RETRY,
): RetryPolicy {
  if (options === undefined) return base;
  if (options === false) return { ...base, limit: 0 };
  if (typeof options === 'number') return { ...base, limit: Math.max(0, Math.floor(options)) };
  return { ...base, ...options };
}

/** Exponential backoff with full jitter: a uniform delay in [0, min(maxDelay, base·2^(n-1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parse a `Retry-After` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now` (never negative), or undefined when absent or malformed.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date always names a weekday or month; require letters so "1.5" or "-3" are not dates.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
