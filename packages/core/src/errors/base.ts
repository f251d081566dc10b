import { redactSecrets } from './redact.js';

/**
 * Parameters every {@link OpenLedgerError} accepts.
 * @example
 * import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';
 * const params: OpenLedgerErrorParameters = { details: 'disk full', docsPath: '/core/errors' };
 * throw new OpenLedgerError('Could not save.', params);
 */
export interface OpenLedgerErrorParameters {
  /** The underlying error, kept for `walk()` and debugging. */
  cause?: unknown;
  /** Extra detail, shown after the short message. Defaults to the cause's message. */
  details?: string;
  /** Path under the docs site, e.g. `/core/errors#http-error`. */
  docsPath?: string;
  /** Further lines shown between the short message and the details. */
  metaMessages?: string[];
  /** Literal values to strip from every message (e.g. the client's API key). */
  secrets?: readonly string[];
}

/**
 * Base URL the `docsPath` of every error is relative to.
 * @example
 * import { DOCS_BASE_URL, OpenLedgerError } from '@openledger/core';
 * declare const err: OpenLedgerError;
 * if (err.docsPath) console.log(`${DOCS_BASE_URL}${err.docsPath}`);
 */
export const DOCS_BASE_URL = 'https://docs.openledger.xyz/sdk';

/**
 * The base of every error the SDK throws. Modelled on viem's `BaseError`: a short
 * message for humans, structured `details`, a docs link, and `walk()` to find a cause.
 * Subclasses have a literal `name` and a stable `code`; match on those, not `instanceof`,
 * so checks work across duplicate installs (see {@link isOpenLedgerError}).
 *
 * @example
 * import { OpenLedgerError } from '@openledger/core';
 * try {
 *   throw new OpenLedgerError('Something failed.', { details: 'disk full' });
 * } catch (e) {
 *   if (e instanceof OpenLedgerError) console.log(e.shortMessage, e.code);
 * }
 */
export class OpenLedgerError extends Error {
  override name: string = 'OpenLedgerError';
  /** Stable machine-readable code, e.g. `HTTP_ERROR`. */
  readonly code: string = 'OPENLEDGER_ERROR';
  /** The first line of the message, without details. */
  readonly shortMessage: string;
  /** Extra detail, already redacted. */
  readonly details: string;
  /** Docs path (relative to {@link DOCS_BASE_URL}), if any. */
  readonly docsPath: string | undefined;
  /** Additional context lines, already redacted. */
  readonly metaMessages: string[];
  /** Package version that raised the error. */
  readonly version = '0.1.0';

  constructor(shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    const secrets = params.secrets ?? [];
    const cause = params.cause;
    const causeDetails =
      cause instanceof OpenLedgerError
        ? cause.details || cause.shortMessage
        : cause instanceof Error
          ? cause.message
          : cause === undefined
            ? ''
            : String(cause);
    const details = redactSecrets(params.details ?? causeDetails, secrets);
    const docsPath = params.docsPath ?? (cause instanceof OpenLedgerError ? cause.docsPath : undefined);
    const metaMessages = (params.metaMessages ?? []).map((m) => redactSecrets(m, secrets));
    const short = redactSecrets(shortMessage, secrets);
    const message = [
      short,
      ...(metaMessages.length ? ['', ...metaMessages] : []),
      ...(details || docsPath ? [''] : []),
      ...(docsPath ? [`Docs: ${DOCS_BASE_URL}${docsPath}`] : []),
      ...(details ? [`Details: ${details}`] : []),
    ].join('\n');
    super(message, cause === undefined ? undefined : { cause });
    this.shortMessage = short;
    this.details = details;
    this.docsPath = docsPath;
    this.metaMessages = metaMessages;
  }

  /**
   * Walk the `cause` chain. Without a predicate, returns the deepest cause; with one,
   * the first error (starting with this one) for which it returns true, or `null`.
   *
   * @example
   * import { isOpenLedgerError } from '@openledger/core';
   * declare const err: import('@openledger/core').OpenLedgerError;
   * const http = err.walk((e) => isOpenLedgerError(e) && e.name === 'HttpError');
   */
  walk(): unknown;
  walk(predicate: (err: unknown) => boolean): unknown | null;
  walk(predicate?: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    const seen = new Set<unknown>();
    while (current && !seen.has(current)) {
      seen.add(current);
      if (predicate?.(current)) return current;
      const next = (current as { cause?: unknown }).cause;
      if (next === undefined || next === null) break;
      current = next;
    }
    return predicate ? null : current;
  }
}

/**
 * True for any error raised by the SDK, also when it came from another copy of the
 * package (it checks the shape and name prefix rather than `instanceof`).
 *
 * @example
 * import { isOpenLedgerError } from '@openledger/core';
 * try { await Promise.reject(new Error('x')); } catch (e) { isOpenLedgerError(e); } // false
 */
export function isOpenLedgerError(err: unknown): err is OpenLedgerError {
  if (err instanceof OpenLedgerError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<OpenLedgerError>;
  return (
    typeof e.name === 'string' &&
    typeof e.code === 'string' &&
    typeof e.shortMessage === 'string' &&
    typeof e.walk === 'function' &&
    err instanceof Error
  );
}

/**
 * Build a guard that matches errors by literal `name`, so it works across duplicate installs.
 *
 * @example
 * import { errorGuard, HttpError } from '@openledger/core';
 * const isHttp = errorGuard<HttpError>('HttpError');
 */
export function errorGuard<T extends OpenLedgerError>(name: T['name']): (err: unknown) => err is T {
  return (err: unknown): err is T => isOpenLedgerError(err) && err.name === name;
}
