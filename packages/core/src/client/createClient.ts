import { isOpenLedgerError, type OpenLedgerError } from '../errors/base.js';
import {
  AbortError,
  formatPath,
  HttpError,
  NetworkError,
  TimeoutError,
  ValidationError,
  type ValidationIssue,
} from '../errors/errors.js';
import { createIdempotencyKey } from './createIdempotencyKey.js';
import { readBody } from './readBody.js';
import { backoffDelay, isIdempotent, parseRetryAfter, resolveRetry } from './retry.js';
import type {
  CreateClientParameters,
  OpenLedgerClient,
  QueryValue,
  RawRequestParameters,
  RequestParameters,
} from './types.js';

const SDK_HEADER = 'core/0.1.0';
const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Error bodies are for humans and logs; keep at most this much of one. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const UPLOAD_CHUNK = 64 * 1024;
/**
 * Streaming request bodies (needed for upload progress) work in Node, but Chromium allows them
 * only over HTTP/2 and fails the request otherwise, so browsers get a single final event instead.
 */
const canStreamUploads = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

type AnyRequestParameters = RequestParameters<unknown> | RawRequestParameters<'bytes' | 'text' | 'stream'>;

/**
 * Create a client for the OpenLedger HTTP API: JSON in and out, every response validated by
 * the zod schema you pass, typed errors (`HttpError`, `TimeoutError`, `NetworkError`,
 * `AbortError`, `ValidationError`), retries with backoff and `Retry-After` for idempotent
 * requests only (POST/PATCH only with an `Idempotency-Key`, the same on every retry).
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { z } from 'zod';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: process.env.OPENLEDGER_KEY });
 * const datanet = await client.request({
 *   path: '/v1/datanets/abc',
 *   schema: z.object({ id: z.string(), name: z.string() }),
 * });
 */
export function createClient(parameters: CreateClientParameters): OpenLedgerClient {
  const baseUrl = normalizeBaseUrl(parameters.baseUrl);
  const policy = resolveRetry(parameters.retry);
  const secrets = parameters.apiKey ? [parameters.apiKey] : [];
  const hooks = parameters.hooks ?? {};
  const clientTimeout = parameters.timeout ?? DEFAULT_TIMEOUT;
  const clientMaxBytes = parameters.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  async function request(params: AnyRequestParameters): Promise<unknown> {
    const method = (params.method ?? 'GET').toUpperCase();
    const url = buildUrl(baseUrl, params.path, params.query);
    const displayUrl = baseUrl + params.path.split('?')[0];
    const what = `${method} ${displayUrl}`;
    const headers = new Headers(parameters.headers);
    headers.set(
      'accept',
      params.responseType === 'bytes' || params.responseType === 'stream' ? '*/*' : 'application/json',
    );
    headers.set('x-openledger-sdk', SDK_HEADER);
    if (parameters.apiKey) headers.set('authorization', `Bearer ${parameters.apiKey}`);
    for (const [k, v] of Object.entries(params.headers ?? {})) headers.set(k, v);

    const key =
      params.idempotencyKey === true
        ? createIdempotencyKey()
        : typeof params.idempotencyKey === 'string'
          ? params.idempotencyKey
          : (headers.get('idempotency-key') ?? undefined);
    if (key) headers.set('idempotency-key', key);

    let body: BodyInit | undefined = params.body;
    if (params.json !== undefined) {
      if (body !== undefined) throw new ValidationError('Pass either `json` or `body`, not both.');
      body = JSON.stringify(params.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const replayable = !(typeof ReadableStream !== 'undefined' && body instanceof ReadableStream);
    const retries = isIdempotent(method, key !== undefined) && replayable ? policy.limit : 0;
    const timeout = params.timeout ?? clientTimeout;
    const maxBytes = params.maxResponseBytes ?? clientMaxBytes;
    const signal = params.signal;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(what, signal, secrets);
      let error: OpenLedgerError;
      let retryAfterMs: number | undefined;
      try {
        const received = await attemptOnce(attempt);
        if (received.stream) return received.stream;
        return await parseResponse(received, params, method, displayUrl, secrets);
      } catch (e) {
        if (!isRetryable(e)) throw e;
        error = e;
        if (e instanceof HttpError && e.retryAfter !== undefined) retryAfterMs = e.retryAfter * 1000;
      }
      if (attempt > retries) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfter) throw error;
      const delay = retryAfterMs ?? backoffDelay(attempt, policy);
      for (const hook of hooks.beforeRetry ?? []) {
        await hook({ error, attempt: attempt + 1, delay, method, url: displayUrl });
      }
      await sleep(delay, signal, what, secrets);
    }

    function isRetryable(e: unknown): e is OpenLedgerError {
      if (e instanceof HttpError) return policy.statusCodes.includes(e.status);
      return e instanceof NetworkError || e instanceof TimeoutError;
    }

    async function attemptOnce(
      attempt: number,
    ): Promise<{ response: Response; bytes: Uint8Array; stream?: Response }> {
      const controller = new AbortController();
      let timedOut = false;
      let streaming = false;
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer =
        timeout === false || timeout <= 0
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              controller.abort();
            }, timeout);
      let hookError: { error: unknown } | undefined;
      let sent: Request | undefined;
      let response: Response | undefined;
      try {
        const streamUpload = params.onUploadProgress && body !== undefined && canStreamUploads;
        let req = new Request(url, {
          method,
          headers,
          body: streamUpload ? await countingStream(body!, params.onUploadProgress!) : (body ?? null),
          signal: controller.signal,
          // Node's fetch needs `duplex` for a streamed request body.
          ...(streamUpload ? { duplex: 'half' } : {}),
        } as RequestInit);
        try {
          for (const hook of hooks.beforeRequest ?? []) {
            const replaced = await hook({ request: req, attempt });
            if (replaced instanceof Request) req = replaced;
          }
        } catch (error) {
          hookError = { error };
          throw error;
        }
        sent = req;
        response = await (parameters.fetch ?? globalThis.fetch)(req);
        try {
          for (const hook of hooks.afterResponse ?? []) await hook({ request: sent!, response, attempt });
        } catch (error) {
          hookError = { error };
          throw error;
        }
        if (params.onUploadProgress && body !== undefined && !canStreamUploads) {
          // A response means the server has the whole request body.
          const size = bodySize(body);
          params.onUploadProgress({ percent: 1, transferredBytes: size, totalBytes: size });
        }
        if (response.ok && params.responseType === 'stream') {
          // The body outlives this call: keep `signal` wired to it, stop only the header timeout.
          streaming = true;
          return { response, bytes: new Uint8Array(0), stream: response };
        }
        const bytes = response.ok
          ? await readBody(response, maxBytes, what, false, params.onDownloadProgress)
          : await readBody(response, Math.min(maxBytes, MAX_ERROR_BODY_BYTES), what, true);
        return { response, bytes };
      } catch (e) {
        if (response?.body && !response.bodyUsed) response.body.cancel().catch(() => undefined);
        if (hookError && e === hookError.error) throw e;
        if (isOpenLedgerError(e)) throw e;
        if (signal?.aborted) throw abortError(what, signal, secrets, e);
        if (timedOut)
          throw new TimeoutError({ timeout: timeout as number, method, url: displayUrl, secrets });
        throw new NetworkError({ method, url: displayUrl, cause: e, secrets });
      } finally {
        clearTimeout(timer);
        if (!streaming) signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  return { baseUrl, request: request as OpenLedgerClient['request'] };
}

async function parseResponse(
  { response, bytes }: { response: Response; bytes: Uint8Array },
  params: AnyRequestParameters,
  method: string,
  url: string,
  secrets: string[],
): Promise<unknown> {
  const what = `${method} ${url}`;
  if (!response.ok) {
    const text = decode(bytes);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's HTML page, say): keep the text.
      body = text.slice(0, 2000);
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    throw new HttpError({
      status: response.status,
      method,
      url,
      requestId: response.headers.get('x-request-id') ?? response.headers.get('request-id') ?? undefined,
      body,
      retryAfter: retryAfter === undefined ? undefined : retryAfter / 1000,
      secrets,
    });
  }
  if (params.responseType === 'bytes') return bytes;
  const text = decode(bytes);
  if (params.responseType === 'text') return text;
  let data: unknown;
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`Response from ${what} is not valid JSON.`, {
        issues: [{ path: [], message: (e as Error).message, code: 'invalid_json' }],
        secrets,
      });
    }
  }
  const result = (params as RequestParameters<unknown>).schema.safeParse(data);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }));
  const first = issues[0];
  throw new ValidationError(
    `Response from ${what} did not match the expected schema${first ? ` at ${formatPath(first.path)}` : ''}.`,
    { issues, secrets },
  );
}

function bodySize(body: BodyInit): number {
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return 0;
}

/** The body as a stream that reports how much of it the platform has pulled (Node only). */
async function countingStream(
  body: BodyInit,
  onProgress: (p: { percent: number; transferredBytes: number; totalBytes: number }) => void,
): Promise<ReadableStream<Uint8Array> | BodyInit> {
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = new TextEncoder().encode(body);
  else if (body instanceof Blob) bytes = new Uint8Array(await body.arrayBuffer());
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  else if (ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  else return body; // streams, forms: sent as they are, without progress
  const total = bytes.byteLength;
  let sent = 0;
  onProgress({ percent: 0, transferredBytes: 0, totalBytes: total });
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const chunk = bytes.subarray(sent, Math.min(total, sent + UPLOAD_CHUNK));
      sent += chunk.byteLength;
      controller.enqueue(chunk);
      onProgress({ percent: sent === total ? 1 : sent / total, transferredBytes: sent, totalBytes: total });
    },
  });
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function abortError(what: string, signal: AbortSignal, secrets: string[], cause?: unknown): AbortError {
  return new AbortError({ operation: what, cause: signal.reason ?? cause, secrets });
}

function sleep(ms: number, signal: AbortSignal | undefined, what: string, secrets: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0 && !signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(what, signal!, secrets));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function normalizeBaseUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch (cause) {
    throw new ValidationError(`Invalid baseUrl "${baseUrl}".`, { cause });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ValidationError(`baseUrl must be http(s), got "${u.protocol}".`);
  }
  if (u.search || u.hash) throw new ValidationError('baseUrl must not contain a query or fragment.');
  return u.href.replace(/\/+$/, '');
}

function buildUrl(
  baseUrl: string,
  path: string,
  query: Record<string, QueryValue | readonly QueryValue[]> | undefined,
): string {
  // A path is always relative to baseUrl, so a request can never carry the API key to another host.
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\s#]/.test(path)) {
    throw new ValidationError(
      `Request path must start with a single "/" and contain no spaces or "#": "${path}".`,
    );
  }
  let url = baseUrl + path;
  if (query) {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined && item !== null) search.append(k, String(item));
      }
    }
    const s = search.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}
