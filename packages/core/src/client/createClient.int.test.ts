import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { isOpenLedgerError } from '../errors/base.js';
import type { HttpError } from '../errors/errors.js';
import {
  isAbortError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  isValidationError,
} from '../errors/guards.js';
import { createClient } from './createClient.js';
import type { BeforeRetryState, CreateClientParameters } from './types.js';

/**
 * A real HTTP server on 127.0.0.1 whose behaviour each test scripts per attempt, recording
 * every request it sees (method, path, headers, body) so tests can count what was sent.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, hit: number, body: Buffer) => void;
interface Hit {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let baseUrl: string;
let handler: Handler = (_req, res) => res.end('{}');
let hits: Hit[] = [];
const sockets = new Set<Socket>();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const API_KEY = 'sk_test_4f9d8c7b6a5e4d3c';
const Item = z.object({ id: z.string(), size: z.number() });

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      hits.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      handler(req, res, hits.length, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  hits = [];
  handler = (_req, res) => res.end('{}');
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  if (server.listening) await new Promise((resolve) => server.close(resolve));
});

function client(extra: Partial<CreateClientParameters> = {}) {
  return createClient({
    baseUrl,
    apiKey: API_KEY,
    retry: { limit: 2, baseDelay: 5, maxDelay: 20 },
    // Generous: CI machines can be slow; tests about timeouts set their own.
    timeout: 10_000,
    ...extra,
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req-${hits.length}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function apiError(res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) {
  json(res, status, { error: { code, message: `${code} happened`, details: { hit: hits.length } } }, headers);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the request to fail');
}

describe('successful requests', () => {
  test('sends JSON with auth, sdk and accept headers, and returns the schema-parsed body', async () => {
    handler = (_req, res, _hit, body) => json(res, 201, { id: 'x', size: body.length, extra: true });
    const out = await client().request({
      method: 'POST',
      path: '/v1/items',
      query: { tag: ['a', 'b'], skip: undefined, n: 3 },
      json: { name: 'ü' },
      schema: Item,
    });
    const sent = JSON.stringify({ name: 'ü' });
    expect(out).toEqual({ id: 'x', size: Buffer.byteLength(sent) });
    expect(hits).toHaveLength(1);
    const h = hits[0]!;
    expect(h.path).toBe('/v1/items?tag=a&tag=b&n=3');
    expect(h.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(h.headers['content-type']).toBe('application/json');
    expect(h.headers.accept).toBe('application/json');
    expect(h.headers['x-openledger-sdk']).toMatch(/^core\//);
    expect(h.body.toString()).toBe(sent);
  });

  test('an empty 204 body is validated as undefined', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    await expect(
      client().request({ method: 'DELETE', path: '/v1/items/1', schema: z.undefined() }),
    ).resolves.toBe(undefined);
  });

  test('returns raw bytes and text when asked', async () => {
    const payload = Buffer.from([0, 1, 2, 250, 255]);
    handler = (_req, res) => res.end(payload);
    const bytes = await client().request({ path: '/v1/blob', responseType: 'bytes' });
    expect(Buffer.from(bytes).equals(payload)).toBe(true);
    handler = (_req, res) => res.end('plain words');
    expect(await client().request({ path: '/v1/t', responseType: 'text' })).toBe('plain words');
  });

  test("'stream' resolves at the headers: the body may outlast the timeout, signal still cancels it, and the key is sent", async () => {
    let closed: Promise<void> = Promise.resolve();
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      let n = 1;
      const t = setInterval(() => res.write(`data: ${++n}\n\n`), 40);
      closed = new Promise((resolve) =>
        res.on('close', () => {
          clearInterval(t);
          resolve();
        }),
      );
    };
    const controller = new AbortController();
    const res = await client({ timeout: 100 }).request({
      path: '/v1/events',
      responseType: 'stream',
      signal: controller.signal,
    });
    expect(hits[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const started = Date.now();
    // Read past the 100 ms timeout: it covered only the wait for headers.
    while (Date.now() - started < 300) text += (await reader.read()).value ?? '';
    expect(text.split('\n\n').filter(Boolean).length).toBeGreaterThanOrEqual(4);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await closed; // the server saw the connection go
  });

  test("'stream' raises HttpError on a non-2xx answer and is retried like any GET", async () => {
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 503, { error: 'busy' }) : json(res, 404, { error: 'no job' });
    const e = await client()
      .request({ path: '/v1/events', responseType: 'stream' })
      .catch((x: unknown) => x);
    expect(isHttpError(e) && (e as HttpError).status).toBe(404);
    expect(hits.length).toBe(2);
  });

  test('reports download and upload progress up to the full size', async () => {
    const big = Buffer.alloc(300_000, 7);
    handler = (_req, res, _hit, body) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(big.length),
      });
      // Several writes so the client sees several chunks.
      for (let i = 0; i < big.length; i += 64_000) res.write(big.subarray(i, i + 64_000));
      res.end();
      expect(body.length).toBe(big.length);
    };
    const down: number[] = [];
    const up: number[] = [];
    const bytes = await client().request({
      method: 'PUT',
      path: '/v1/blob',
      body: new Uint8Array(big),
      responseType: 'bytes',
      onDownloadProgress: (p) => down.push(p.transferredBytes),
      onUploadProgress: (p) => up.push(p.transferredBytes),
    });
    expect(bytes.length).toBe(big.length);
    expect(down.at(-1)).toBe(big.length);
    expect(down).toEqual([...down].sort((a, b) => a - b));
    expect(up.at(-1)).toBe(big.length);
    expect(hits[0]!.body.length).toBe(big.length);
  });

  test('hooks receive one state object and may edit the request', async () => {
    const seen: string[] = [];
    handler = (req, res, hit) =>
      hit === 1
        ? apiError(res, 503, 'busy')
        : json(res, 200, { id: String(req.headers['x-trace']), size: hit });
    const out = await client({
      hooks: {
        beforeRequest: [({ request, attempt }) => void request.headers.set('x-trace', `t${attempt}`)],
        afterResponse: [({ response, attempt }) => void seen.push(`after ${attempt} ${response.status}`)],
        beforeRetry: [({ attempt, error }) => void seen.push(`retry ${attempt} ${error.name}`)],
      },
    }).request({ path: '/v1/x', schema: Item });
    expect(out).toEqual({ id: 't2', size: 2 });
    expect(seen).toEqual(['after 1 503', 'retry 2 HttpError', 'after 2 200']);
  });
});

describe('errors are typed and carry the server error', () => {
  test.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [422, 'UNPROCESSABLE'],
  ])('HTTP %i → HttpError %s, not retried', async (status, code) => {
    handler = (_req, res) => apiError(res, status, `e${status}`);
    const e = (await rejection(client().request({ path: '/v1/items/1', schema: Item }))) as HttpError;
    expect(isHttpError(e)).toBe(true);
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.requestId).toBe('req-1');
    expect(e.body).toEqual({
      error: { code: `e${status}`, message: `e${status} happened`, details: { hit: 1 } },
    });
    expect(e.details).toBe(`e${status} happened`);
    expect(e.serverCode).toBe(`e${status}`);
    expect(hits).toHaveLength(1);
  });

  test('a non-JSON error body is kept as text', async () => {
    handler = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    const e = (await rejection(
      client({ retry: false }).request({ path: '/v1/x', schema: Item }),
    )) as HttpError;
    expect(e.code).toBe('SERVER_ERROR');
    expect(e.body).toBe('<h1>Bad gateway</h1>');
  });

  test('a huge error body is cut short, not buffered, and still gives the HttpError', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(`{"error":{"message":"${'x'.repeat(2_000_000)}"}}`);
    };
    const e = (await rejection(
      client({ retry: false }).request({ path: '/v1/x', schema: Item }),
    )) as HttpError;
    expect(e.code).toBe('SERVER_ERROR');
    expect(typeof e.body).toBe('string');
    expect((e.body as string).length).toBeLessThanOrEqual(2000);
  });

  test('the API key never appears in an error message, even when the server echoes it', async () => {
    handler = (req, res) =>
      json(res, 401, { error: { code: 'bad_key', message: `key ${req.headers.authorization} is revoked` } });
    const e = (await rejection(client().request({ path: '/v1/x', schema: Item }))) as HttpError;
    expect(e.code).toBe('UNAUTHORIZED');
    expect(e.message).toContain('revoked');
    expect(e.message).not.toContain(API_KEY);
    expect(e.details).not.toContain(API_KEY);
  });

  test('malformed JSON → ValidationError, not retried', async () => {
    handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", size: }');
    const e = await rejection(client().request({ path: '/v1/x', schema: Item }));
    expect(isValidationError(e)).toBe(true);
    expect((e as Error).message).toMatch(/not valid JSON/);
    expect(hits).toHaveLength(1);
  });

  test('wrong-shaped JSON → ValidationError naming the field', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        items: [
          { id: 'a', size: 1 },
          { id: 7, size: 2 },
        ],
      });
    const e = await rejection(
      client().request({ path: '/v1/x', schema: z.object({ items: z.array(Item) }) }),
    );
    expect(isValidationError(e)).toBe(true);
    if (!isValidationError(e)) return;
    expect(e.issues[0]!.path).toEqual(['items', 1, 'id']);
    expect(e.shortMessage).toContain('items[1].id');
    expect(hits).toHaveLength(1);
  });

  test('a body over maxResponseBytes is refused, with or without Content-Length', async () => {
    handler = (_req, res) => json(res, 200, { id: 'x'.repeat(5000), size: 1 });
    const e1 = await rejection(client({ maxResponseBytes: 1000 }).request({ path: '/v1/x', schema: Item }));
    expect(isValidationError(e1)).toBe(true);
    // Chunked and endless: the client must stop reading at the cap rather than buffer forever.
    let stopped = false;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const t = setInterval(() => res.write(Buffer.alloc(16_384, 32)), 1);
      res.on('close', () => {
        clearInterval(t);
        stopped = true;
      });
    };
    const e2 = await rejection(
      client({ timeout: 10_000 }).request({ path: '/v1/x', schema: Item, maxResponseBytes: 200_000 }),
    );
    expect(isValidationError(e2)).toBe(true);
    await expect.poll(() => stopped).toBe(true);
  });
});

describe('retries only where safe', () => {
  test('GET is retried on 503 and succeeds', async () => {
    handler = (_req, res, hit) =>
      hit < 3 ? apiError(res, 503, 'busy') : json(res, 200, { id: 'ok', size: hit });
    expect(await client().request({ path: '/v1/x', schema: Item })).toEqual({ id: 'ok', size: 3 });
    expect(hits).toHaveLength(3);
  });

  test('GET gives up after limit + 1 attempts with the last HttpError', async () => {
    handler = (_req, res) => apiError(res, 500, 'boom');
    const e = (await rejection(client().request({ path: '/v1/x', schema: Item }))) as HttpError;
    expect(e.code).toBe('SERVER_ERROR');
    expect(e.requestId).toBe('req-3');
    expect(hits).toHaveLength(3);
  });

  test.each(['PUT', 'DELETE'])('%s is idempotent and retried', async (method) => {
    handler = (_req, res, hit) =>
      hit === 1 ? apiError(res, 502, 'bad') : json(res, 200, { id: method, size: 0 });
    expect(await client().request({ method, path: '/v1/x', json: {}, schema: Item })).toEqual({
      id: method,
      size: 0,
    });
    expect(hits.map((h) => h.method)).toEqual([method, method]);
  });

  test.each(['POST', 'PATCH'])(
    '%s without an idempotency key is sent once, whatever happens',
    async (method) => {
      handler = (_req, res) => apiError(res, 503, 'busy');
      const e1 = await rejection(client().request({ method, path: '/v1/x', json: { a: 1 }, schema: Item }));
      expect(isHttpError(e1)).toBe(true);
      expect(hits).toHaveLength(1);
      hits = [];
      handler = (req) => req.socket.destroy();
      const e2 = await rejection(client().request({ method, path: '/v1/x', json: { a: 1 }, schema: Item }));
      expect(isNetworkError(e2)).toBe(true);
      expect(hits).toHaveLength(1);
      expect(hits[0]!.headers['idempotency-key']).toBeUndefined();
    },
  );

  test('POST with idempotencyKey: true is retried with one generated key on every attempt', async () => {
    handler = (req, res, hit) => {
      if (hit === 1) return apiError(res, 503, 'busy');
      if (hit === 2) return req.socket.destroy();
      json(res, 201, { id: String(req.headers['idempotency-key']), size: hit });
    };
    const out = await client().request({
      method: 'POST',
      path: '/v1/contributions',
      json: { file: 'a' },
      idempotencyKey: true,
      schema: Item,
    });
    const keys = new Set(hits.map((h) => h.headers['idempotency-key']));
    expect(hits).toHaveLength(3);
    expect(keys.size).toBe(1);
    expect(out.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.id).toBe([...keys][0]);
    // Every attempt carried the same body.
    expect(new Set(hits.map((h) => h.body.toString())).size).toBe(1);
  });

  test('two calls with idempotencyKey: true get different keys; a string key is used as given', async () => {
    handler = (_req, res) => json(res, 200, { id: 'x', size: 0 });
    const c = client();
    await c.request({ method: 'POST', path: '/v1/a', idempotencyKey: true, schema: Item });
    await c.request({ method: 'POST', path: '/v1/a', idempotencyKey: true, schema: Item });
    await c.request({ method: 'POST', path: '/v1/a', idempotencyKey: 'order-42', schema: Item });
    const [k1, k2, k3] = hits.map((h) => h.headers['idempotency-key']);
    expect(k1).not.toBe(k2);
    expect(k3).toBe('order-42');
  });

  test('429 with Retry-After in seconds waits that long (told to beforeRetry) and retries', async () => {
    const retries: BeforeRetryState[] = [];
    handler = (_req, res, hit) =>
      hit === 1
        ? apiError(res, 429, 'slow_down', { 'retry-after': '1' })
        : json(res, 200, { id: 'y', size: 1 });
    const out = await client({ hooks: { beforeRetry: [(s) => void retries.push(s)] } }).request({
      method: 'POST',
      path: '/v1/x',
      idempotencyKey: 'k-1',
      schema: Item,
    });
    expect(out.id).toBe('y');
    expect(retries.map((r) => [r.attempt, r.delay])).toEqual([[2, 1000]]);
    expect(isHttpError(retries[0]!.error) && (retries[0]!.error as HttpError).retryAfter).toBe(1);
  });

  test('429 with Retry-After as an HTTP date is honoured', async () => {
    const delays: number[] = [];
    handler = (_req, res, hit) =>
      hit === 1
        ? apiError(res, 429, 'slow_down', { 'retry-after': new Date(Date.now() + 2_000).toUTCString() })
        : json(res, 200, { id: 'z', size: 1 });
    await client({ hooks: { beforeRetry: [(s) => void delays.push(s.delay)] } }).request({
      path: '/v1/x',
      schema: Item,
    });
    // HTTP dates have one-second resolution, so the wait is somewhere in (0, 2] s.
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThanOrEqual(2_000);
  });

  test('a Retry-After longer than maxRetryAfter is not waited for', async () => {
    handler = (_req, res) => apiError(res, 429, 'slow_down', { 'retry-after': '3600' });
    const e = (await rejection(
      client({ retry: { limit: 3, maxRetryAfter: 5_000 } }).request({
        path: '/v1/x',
        schema: Item,
      }),
    )) as HttpError;
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.retryAfter).toBe(3600);
    expect(hits).toHaveLength(1);
  });
});

describe('connection faults, slow and hung servers', () => {
  test('a reset before the response → NetworkError after retrying a GET', async () => {
    handler = (req) => req.socket.destroy();
    const e = await rejection(client().request({ path: '/v1/x', schema: Item }));
    expect(isNetworkError(e)).toBe(true);
    expect((e as Error).message).not.toContain(API_KEY);
    expect(hits).toHaveLength(3);
  });

  test('a reset in the middle of the body is retried for a GET and then succeeds', async () => {
    handler = (_req, res, hit) => {
      if (hit > 1) return json(res, 200, { id: 'whole', size: hit });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id": "par');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    expect(await client().request({ path: '/v1/x', schema: Item })).toEqual({ id: 'whole', size: 2 });
    expect(hits).toHaveLength(2);
  });

  test('a reset in the middle of a POST body without a key → NetworkError, sent once', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id"');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const e = await rejection(client().request({ method: 'POST', path: '/v1/x', json: {}, schema: Item }));
    expect(isNetworkError(e)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  test('a server that never answers → TimeoutError per attempt, retried for a GET', async () => {
    handler = () => undefined;
    const e = await rejection(client({ timeout: 150 }).request({ path: '/v1/x', schema: Item }));
    expect(isTimeoutError(e)).toBe(true);
    expect(hits).toHaveLength(3);
  });

  test('a response whose body never ends → TimeoutError (the timeout covers the body)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    };
    const e = await rejection(
      client({ timeout: 150, retry: false }).request({ path: '/v1/x', schema: Item }),
    );
    expect(isTimeoutError(e)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  test('a slow server within the timeout is fine', async () => {
    handler = (_req, res) => setTimeout(() => json(res, 200, { id: 'slow', size: 1 }), 100);
    expect(await client({ timeout: 5_000 }).request({ path: '/v1/x', schema: Item })).toEqual({
      id: 'slow',
      size: 1,
    });
  });

  test('aborting during a hung request → AbortError, no further attempts', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
    };
    const ac = new AbortController();
    const p = client({ timeout: false }).request({ path: '/v1/x', schema: Item, signal: ac.signal });
    await expect.poll(() => hits.length).toBe(1);
    ac.abort();
    const e = await rejection(p);
    expect(isAbortError(e)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  test('aborting during the backoff wait → AbortError without another attempt', async () => {
    handler = (_req, res) => apiError(res, 503, 'busy', { 'retry-after': '30' });
    const ac = new AbortController();
    const p = client().request({
      path: '/v1/x',
      schema: Item,
      signal: ac.signal,
    });
    await expect.poll(() => hits.length).toBe(1);
    setTimeout(() => ac.abort(new Error('user gave up')), 20);
    const e = await rejection(p);
    expect(isAbortError(e)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  test('an already-aborted signal sends nothing', async () => {
    const e = await rejection(client().request({ path: '/v1/x', schema: Item, signal: AbortSignal.abort() }));
    expect(isAbortError(e)).toBe(true);
    expect(hits).toHaveLength(0);
  });

  test('a refused connection → NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await rejection(
      createClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false }).request({
        path: '/v1/x',
        schema: Item,
      }),
    );
    expect(isNetworkError(e)).toBe(true);
    expect(isOpenLedgerError(e)).toBe(true);
  });
});

describe('cleanup', () => {
  // Runs last in this file: everything the faults above left behind must be gone.
  test('the server closes with no socket left open and no unhandled rejection raised', async () => {
    // Idle keep-alive sockets belong to the client's pool; drop them, then the server must close.
    server.closeIdleConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    await expect.poll(() => [...sockets].filter((s) => !s.destroyed).length, { timeout: 2_000 }).toBe(0);
    // Give stray promise rejections a few turns of the event loop to surface.
    await new Promise((r) => setTimeout(r, 100));
    expect(unhandled).toEqual([]);
  });
});
