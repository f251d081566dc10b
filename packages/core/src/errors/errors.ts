import { OpenLedgerError, type OpenLedgerErrorParameters } from './base.js';

/**
 * Parameters of {@link HttpError}.
 * @example
 * import { HttpError, type HttpErrorParameters } from '@openledger/core';
 * const params: HttpErrorParameters = { status: 404, method: 'GET', url: 'http://127.0.0.1:8787/v1/x' };
 * const err = new HttpError(params); // err.code === 'NOT_FOUND'
 */
export interface HttpErrorParameters extends OpenLedgerErrorParameters {
  status: number;
  method: string;
  url: string;
  /** The server's `x-request-id` (or `request-id`) header, when it sent one. */
  requestId?: string | undefined;
  /** The parsed JSON error body (or text) the server sent. */
  body?: unknown;
  /** Seconds the server asked us to wait (`Retry-After`), when it said. */
  retryAfter?: number | undefined;
}

/**
 * Stable codes of {@link HttpError}, one per status family the API uses.
 * @example
 * import { isHttpError, type HttpErrorCode } from '@openledger/core';
 * declare const e: unknown;
 * const retryLater: HttpErrorCode[] = ['RATE_LIMITED', 'SERVER_ERROR'];
 * if (isHttpError(e) && retryLater.includes(e.code)) console.log('later');
 */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'PAYMENT_REQUIRED'
  | 'SERVER_ERROR'
  | 'HTTP_ERROR';

/**
 * Map an HTTP status to the stable code an {@link HttpError} carries.
 *
 * @example
 * import { httpErrorCode } from '@openledger/core';
 * httpErrorCode(429); // 'RATE_LIMITED'
 */
export function httpErrorCode(status: number): HttpErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 402:
      return 'PAYMENT_REQUIRED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR';
  }
}

/**
 * The server answered with a non-2xx status. `code` says which kind
 * (`NOT_FOUND`, `RATE_LIMITED`, `SERVER_ERROR`, …); `body` holds the server's error body.
 *
 * @example
 * import { HttpError, isHttpError } from '@openledger/core';
 * declare const e: unknown;
 * if (isHttpError(e) && e.code === 'NOT_FOUND') console.log(e.status, e.requestId);
 */
export class HttpError extends OpenLedgerError {
  override name = 'HttpError' as const;
  override readonly code: HttpErrorCode;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly requestId: string | undefined;
  readonly body: unknown;
  readonly retryAfter: number | undefined;
  /** The server's own error code (`body.error.code` in the OpenLedger API), e.g. `quota_exceeded`. */
  readonly serverCode: string | undefined;

  constructor(params: HttpErrorParameters) {
    const serverMessage = extractServerMessage(params.body);
    super(`${params.method} ${stripQuery(params.url)} failed with HTTP ${params.status}.`, {
      docsPath: '/core/errors#httperror',
      details: serverMessage,
      ...params,
      metaMessages: [
        ...(params.requestId ? [`Request id: ${params.requestId}`] : []),
        ...(params.metaMessages ?? []),
      ],
    });
    this.code = httpErrorCode(params.status);
    this.status = params.status;
    this.method = params.method;
    this.url = stripQuery(params.url);
    this.requestId = params.requestId;
    this.body = params.body;
    this.retryAfter = params.retryAfter;
    const inner = (params.body as { error?: { code?: unknown } } | null | undefined)?.error;
    this.serverCode = typeof inner?.code === 'string' ? inner.code : undefined;
  }
}

/**
 * The request did not finish within its `timeout`.
 *
 * @example
 * import { isTimeoutError } from '@openledger/core';
 * declare const e: unknown;
 * if (isTimeoutError(e)) console.log(`gave up after ${e.timeout} ms`);
 */
export class TimeoutError extends OpenLedgerError {
  override name = 'TimeoutError' as const;
  override readonly code = 'TIMEOUT' as const;
  readonly timeout: number;
  constructor(params: { timeout: number; method?: string; url?: string } & OpenLedgerErrorParameters) {
    super(
      `${params.method && params.url ? `${params.method} ${stripQuery(params.url)}` : 'Operation'} timed out after ${params.timeout} ms.`,
      { docsPath: '/core/errors#timeouterror', ...params },
    );
    this.timeout = params.timeout;
  }
}

/**
 * The server could not be reached, or the connection broke before a response arrived.
 *
 * @example
 * import { isNetworkError } from '@openledger/core';
 * declare const e: unknown;
 * if (isNetworkError(e)) console.log('offline?', e.details);
 */
export class NetworkError extends OpenLedgerError {
  override name = 'NetworkError' as const;
  override readonly code = 'NETWORK_ERROR' as const;
  readonly url: string | undefined;
  constructor(params: { method?: string; url?: string } & OpenLedgerErrorParameters) {
    super(
      `${params.method && params.url ? `${params.method} ${stripQuery(params.url)}` : 'Request'} failed: network error.`,
      { docsPath: '/core/errors#networkerror', ...params },
    );
    this.url = params.url === undefined ? undefined : stripQuery(params.url);
  }
}

/**
 * One problem found by a {@link ValidationError}.
 * @example
 * import type { ValidationIssue } from '@openledger/core';
 * const issue: ValidationIssue = { path: ['items', 3, 'id'], message: 'expected a string', code: 'invalid_type' };
 */
export interface ValidationIssue {
  /** Where the problem is, e.g. `['items', 3, 'id']`. */
  path: ReadonlyArray<string | number>;
  message: string;
  /** Machine-readable code, e.g. zod's `invalid_type`. */
  code?: string;
}

/**
 * Data did not have the expected shape: a response the server sent, or arguments a caller
 * passed. `issues` lists each problem with its path, and the message names the first field.
 *
 * @example
 * import { isValidationError } from '@openledger/core';
 * declare const e: unknown;
 * if (isValidationError(e)) for (const i of e.issues) console.log(i.path.join('.'), i.message);
 */
export class ValidationError extends OpenLedgerError {
  override name = 'ValidationError' as const;
  override readonly code = 'VALIDATION_ERROR' as const;
  readonly issues: ValidationIssue[];
  constructor(shortMessage: string, params: { issues?: ValidationIssue[] } & OpenLedgerErrorParameters = {}) {
    const issues = params.issues ?? [];
    super(shortMessage, {
      docsPath: '/core/errors#validationerror',
      metaMessages: issues.slice(0, 10).map((i) => `- ${formatPath(i.path)}: ${i.message}`),
      ...params,
    });
    this.issues = issues;
  }
}

/**
 * The operation was cancelled through an `AbortSignal`.
 *
 * @example
 * import { isAbortError } from '@openledger/core';
 * declare const e: unknown;
 * if (isAbortError(e)) console.log('cancelled by the user');
 */
export class AbortError extends OpenLedgerError {
  override name = 'AbortError' as const;
  override readonly code = 'ABORTED' as const;
  constructor(params: OpenLedgerErrorParameters & { operation?: string } = {}) {
    super(`${params.operation ?? 'Operation'} was aborted.`, {
      docsPath: '/core/errors#aborterror',
      ...params,
    });
  }
}

/**
 * Format an issue path the way messages show it: `items[3].id`.
 *
 * @example
 * import { formatPath } from '@openledger/core';
 * formatPath(['items', 3, 'id']); // 'items[3].id'
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

function extractServerMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 500) || undefined;
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; message?: unknown };
    const inner =
      typeof b.error === 'object' && b.error !== null ? (b.error as { message?: unknown }) : undefined;
    const msg = inner?.message ?? b.message ?? (typeof b.error === 'string' ? b.error : undefined);
    if (typeof msg === 'string') return msg.slice(0, 500);
  }
  return undefined;
}
