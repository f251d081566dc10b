import type { OpenLedgerError } from '../errors/base.js';
import type { RetryOptions } from './retry.js';

/**
 * Anything with zod's `safeParse` — a zod 4 schema in practice. Core only calls
 * `safeParse`, so it never imports zod at runtime.
 * @example
 * import type { ResponseSchema } from '@openledger/core';
 * import { z } from 'zod';
 * const schema: ResponseSchema<{ id: string }> = z.object({ id: z.string() });
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

/**
 * Progress of an upload or download. `totalBytes` is 0 when the size is unknown.
 * @example
 * import type { ProgressEvent } from '@openledger/core';
 * const show = (p: ProgressEvent) => console.log(`${Math.round(p.percent * 100)}% of ${p.totalBytes} bytes`);
 */
export interface ProgressEvent {
  /** 0..1; reaches 1 only when the transfer is complete. */
  percent: number;
  transferredBytes: number;
  totalBytes: number;
}

/**
 * State given to `beforeRequest` hooks; return a `Request` to send that instead.
 * @example
 * import { createClient, type BeforeRequestState } from '@openledger/core';
 * const trace = ({ request }: BeforeRequestState) => void request.headers.set('x-trace-id', crypto.randomUUID());
 * createClient({ baseUrl: 'http://127.0.0.1:8787', hooks: { beforeRequest: [trace] } });
 */
export interface BeforeRequestState {
  request: Request;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

/**
 * State given to `afterResponse` hooks. Do not consume `response.body` (clone it instead).
 * @example
 * import { createClient, type AfterResponseState } from '@openledger/core';
 * const log = ({ response, attempt }: AfterResponseState) => console.log(attempt, response.status);
 * createClient({ baseUrl: 'http://127.0.0.1:8787', hooks: { afterResponse: [log] } });
 */
export interface AfterResponseState {
  request: Request;
  response: Response;
  attempt: number;
}

/**
 * State given to `beforeRetry` hooks, after a failed attempt and before the wait.
 * @example
 * import { createClient, type BeforeRetryState } from '@openledger/core';
 * const warn = ({ error, attempt, delay }: BeforeRetryState) => console.warn(`retry ${attempt} in ${delay} ms`, error.shortMessage);
 * createClient({ baseUrl: 'http://127.0.0.1:8787', hooks: { beforeRetry: [warn] } });
 */
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

/**
 * Lifecycle hooks. Each receives one state object; errors they throw propagate unchanged.
 * @example
 * import { createClient, type ClientHooks } from '@openledger/core';
 * const hooks: ClientHooks = { afterResponse: [({ response }) => console.log(response.status)] };
 * createClient({ baseUrl: 'http://127.0.0.1:8787', hooks });
 */
export interface ClientHooks {
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only edits headers returns nothing.
  beforeRequest?: Array<(state: BeforeRequestState) => Request | void | Promise<Request | void>>;
  afterResponse?: Array<(state: AfterResponseState) => void | Promise<void>>;
  beforeRetry?: Array<(state: BeforeRetryState) => void | Promise<void>>;
}

/**
 * Parameters of {@link createClient}.
 * @example
 * import { createClient, type CreateClientParameters } from '@openledger/core';
 * const config: CreateClientParameters = { baseUrl: 'http://127.0.0.1:8787', timeout: 10_000, retry: 3 };
 * const client = createClient(config);
 */
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

/**
 * Query values; arrays repeat the key, `undefined`/`null` entries are dropped.
 * @example
 * import type { QueryValue } from '@openledger/core';
 * const query: Record<string, QueryValue | QueryValue[]> = { limit: 20, tag: ['a', 'b'], cursor: undefined };
 */
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

/**
 * Parameters of `client.request` for a JSON response validated by `schema`.
 * @example
 * import { createClient, type RequestParameters } from '@openledger/core';
 * import { z } from 'zod';
 * const Item = z.object({ id: z.string() });
 * const params: RequestParameters<z.infer<typeof Item>> = { method: 'POST', path: '/v1/items', json: { name: 'x' }, idempotencyKey: true, schema: Item };
 * await createClient({ baseUrl: 'http://127.0.0.1:8787' }).request(params);
 */
export interface RequestParameters<T> extends BaseRequestParameters {
  /** zod schema the parsed JSON must match; a mismatch raises `ValidationError`. */
  schema: ResponseSchema<T>;
  responseType?: 'json';
}

/**
 * Parameters of `client.request` for a raw response body.
 * @example
 * import { createClient } from '@openledger/core';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const bytes = await client.request({ path: '/v1/files/abc', responseType: 'bytes' });
 */
export interface RawRequestParameters<R extends 'bytes' | 'text' | 'stream'> extends BaseRequestParameters {
  /**
   * `'bytes'` and `'text'` read the whole body (within `maxResponseBytes`). `'stream'` resolves
   * with the `Response` as soon as a 2xx status and headers arrive, body unread (server-sent
   * events, large downloads): the timeout then covers only the wait for headers, `signal` still
   * cancels the body, and the body is the caller's to read or cancel. Non-2xx answers raise
   * `HttpError` as for every other type.
   */
  responseType: R;
  schema?: undefined;
}

/**
 * The client: configuration plus `request`. Feature packages call actions as `action(client, params)`.
 * @example
 * import type { OpenLedgerClient } from '@openledger/core';
 * import { z } from 'zod';
 * // A feature-package action: a plain function of the client.
 * export async function getThing(client: OpenLedgerClient, { id }: { id: string }) {
 *   return client.request({ path: `/v1/things/${encodeURIComponent(id)}`, schema: z.object({ id: z.string() }) });
 * }
 */
export interface OpenLedgerClient {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** Send a request and return the schema-validated JSON response. */
  request<T>(params: RequestParameters<T>): Promise<T>;
  /** Send a request and return the response body as bytes. */
  request(params: RawRequestParameters<'bytes'>): Promise<Uint8Array>;
  /** Send a request and return the response body as text. */
  request(params: RawRequestParameters<'text'>): Promise<string>;
  /** Send a request and return the streaming `Response` once a 2xx status arrives (body unread). */
  request(params: RawRequestParameters<'stream'>): Promise<Response>;
}
