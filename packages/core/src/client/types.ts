import type { OpenLedgerError } from '../errors/base.js';
import type { RetryOptions } from './retry.js';

/**
 * Anything with zod's `safeParse` — a zod 4 schema in practice. Core only calls
 * `safeParse`, so it never imports zod at runtime.
 */
export interface ResponseSchema<T> {
  safeParse(data: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: {
          issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string }>;
        };
      };
}

/** Progress of an upload or download. `totalBytes` is 0 when the size is unknown. */
export interface ProgressEvent {
  /** 0..1; reaches 1 only when the transfer is complete. */
  percent: number;
  transferredBytes: number;
  totalBytes: number;
}

/** State given to `beforeRequest` hooks; return a `Request` to send that instead. */
export interface BeforeRequestState {
  request: Request;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

/** State given to `afterResponse` hooks. Do not consume `response.body` (clone it instead). */
export interface AfterResponseState {
  request: Request;
  response: Response;
  attempt: number;
}

/** State given to `beforeRetry` hooks, after a failed attempt and before the wait. */
export interface BeforeRetryState {
  /** The error the failed attempt raised. */
  error: OpenLedgerError;
  /** Number of the attempt about to be made (2 for the first retry). */
  attempt: number;
  /** Milliseconds the client will wait before it. */
  delay: number;
  method: string;
  url: string;
}

/** Lifecycle hooks. Each receives one state object; errors they throw propagate unchanged. */
export interface ClientHooks {
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only edits headers returns nothing.
  beforeRequest?: Array<(state: BeforeRequestState) => Request | void | Promise<Request | void>>;
  afterResponse?: Array<(state: AfterResponseState) => void | Promise<void>>;
  beforeRetry?: Array<(state: BeforeRetryState) => void | Promise<void>>;
}

/** Parameters of {@link createClient}. */
export interface CreateClientParameters {
  /** Base URL of the OpenLedger API, e.g. `https://api.openledger.xyz` (paths add `/v1/...`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` and redacted from every error message. */
  apiKey?: string;
  /** A `fetch` implementation (defaults to `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds each attempt may take, body included; `false` for none. Default 30 000. */
  timeout?: number | false;
  /** Retry policy: a retry count, `false`, or fields (default 2 retries, 300 ms base, full jitter). */
  retry?: RetryOptions;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Lifecycle hooks. */
  hooks?: ClientHooks;
  /** Largest response body accepted, in bytes. Default 64 MiB. */
  maxResponseBytes?: number;
}

/** Query values; arrays repeat the key, `undefined`/`null` entries are dropped. */
export type QueryValue = string | number | boolean | bigint | null | undefined;

interface BaseRequestParameters {
  /** HTTP method, default `GET`. */
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | (string & {});
  /** Path under the base URL, starting with `/`, e.g. `/v1/datanets`. Encode user data yourself. */
  path: string;
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  /** A JSON-serialisable request body (sent with `Content-Type: application/json`). */
  json?: unknown;
  /** A raw request body. A `ReadableStream` body is never retried (it cannot be replayed). */
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Cancels the whole call, retries and waits included (raises `AbortError`). */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms for this call; overrides the client's. */
  timeout?: number | false;
  /**
   * `Idempotency-Key` for POST/PATCH: `true` generates one, kept across retries; a string is
   * used as is. Without one, POST and PATCH are never retried.
   */
  idempotencyKey?: boolean | string;
  /** Upload progress (where the platform supports streaming request bodies). */
  onUploadProgress?: (progress: ProgressEvent) => void;
  /** Download progress. */
  onDownloadProgress?: (progress: ProgressEvent) => void;
  /** Largest response body accepted for this call, in bytes. */
  maxResponseBytes?: number;
}

/** Parameters of `client.request` for a JSON response validated by `schema`. */
export interface RequestParameters<T> extends BaseRequestParameters {
  /** zod schema the parsed JSON must match; a mismatch raises `ValidationError`. */
  schema: ResponseSchema<T>;
  responseType?: 'json';
}

/** Parameters of `client.request` for a raw response body. */
export interface RawRequestParameters<R extends 'bytes' | 'text'> extends BaseRequestParameters {
  responseType: R;
  schema?: undefined;
}

/** The client: configuration plus `request`. Feature packages call actions as `action(client, params)`. */
export interface OpenLedgerClient {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** Send a request and return the schema-validated JSON response. */
  request<T>(params: RequestParameters<T>): Promise<T>;
  /** Send a request and return the response body as bytes. */
  request(params: RawRequestParameters<'bytes'>): Promise<Uint8Array>;
  /** Send a request and return the response body as text. */
  request(params: RawRequestParameters<'text'>): Promise<string>;
}
