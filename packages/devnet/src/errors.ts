import { OpenLedgerError, type OpenLedgerErrorParameters } from '@openledger/core';

/** Stable codes of {@link DevnetError}. */
export type DevnetErrorCode =
  | 'ANVIL_NOT_FOUND'
  | 'ANVIL_START_FAILED'
  | 'ANVIL_TIMEOUT'
  | 'SERVER_START_FAILED'
  | 'STORAGE_FAILED'
  | 'MIGRATION_FAILED'
  | 'INVALID_OPTIONS'
  | 'ROUTE_CONFLICT'
  | 'CONTRACTS_FAILED';

/**
 * The devnet could not start, migrate its storage, or was configured wrongly.
 *
 * @example
 * import { isDevnetError, startDevnet } from '@openledger/devnet';
 * try {
 *   await startDevnet({ chainPort: 1 });
 * } catch (e) {
 *   if (isDevnetError(e)) console.error(e.code, e.shortMessage);
 * }
 */
export class DevnetError extends OpenLedgerError {
  override name = 'DevnetError' as const;
  override readonly code: DevnetErrorCode;
  constructor(code: DevnetErrorCode, shortMessage: string, params: OpenLedgerErrorParameters = {}) {
    super(shortMessage, { docsPath: '/devnet#errors', ...params });
    this.code = code;
  }
}

/**
 * True for a {@link DevnetError}, also one from another copy of the package.
 *
 * @example
 * import { isDevnetError } from '@openledger/devnet';
 * isDevnetError(new Error('x')); // false
 */
export function isDevnetError(err: unknown): err is DevnetError {
  return (
    err instanceof Error && err.name === 'DevnetError' && typeof (err as { code?: unknown }).code === 'string'
  );
}

/** Parameters of {@link ApiError}. */
export interface ApiErrorParameters extends OpenLedgerErrorParameters {
  /** JSON sent as `error.details` in the response body. */
  body?: unknown;
  /** Extra response headers, e.g. `Retry-After` on a 429. */
  headers?: Record<string, string>;
}

/**
 * Thrown by a route handler to answer with an error response
 * `{ "error": { "code", "message", "details"? } }` and the given status.
 *
 * @example
 * import { ApiError } from '@openledger/devnet';
 * throw new ApiError(404, 'DATANET_NOT_FOUND', 'No datanet with id "x".');
 */
export class ApiError extends OpenLedgerError {
  override name = 'ApiError' as const;
  override readonly code: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** Sent as `error.details`. */
  readonly body: unknown;
  /** Extra response headers. */
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, params: ApiErrorParameters = {}) {
    super(message, params);
    this.status = status;
    this.code = code;
    this.body = params.body;
    this.headers = params.headers ?? {};
  }
}
