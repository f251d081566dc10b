import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { z as zm } from 'zod/mini';
import { devnetChain } from '../chain.js';
import { ApiError, isDevnetError } from '../errors.js';
import { notesRoutes } from '../fixtures/notesRoutes.js';
import { silentLogger } from '../logger.js';
import { createPgliteStorage } from '../storage/createPgliteStorage.js';
import { runMigrations } from '../storage/runMigrations.js';
import type { DevnetStorage } from '../storage/types.js';
import { defineRouteModule, type RouteContext } from './context.js';
import { apiMigrations, createApiApp } from './createApiApp.js';
import { defineRoute } from './defineRoute.js';
import { ErrorBodySchema } from './errorBody.js';

let storage: DevnetStorage;
let ctx: RouteContext;
let app: Awaited<ReturnType<typeof createApiApp>>['app'];
const logged: string[] = [];

const ItemBody = z.object({
  name: z.string().min(1),
  qty: z.number().int().positive(),
  tags: z.array(z.string()).max(3).optional(),
});

const probe = defineRouteModule({
  name: 'probe',
  migrations: [
    {
      version: 1,
      name: 'counter',
      sql: 'create table probe_calls (n serial primary key, what text not null)',
    },
  ],
  register(api, ctx) {
    api.handle(
      defineRoute({
        method: 'post',
        path: '/v1/items/{shelf}',
        summary: 'Create an item',
        request: {
          params: z.object({ shelf: z.string().regex(/^[a-z]+$/) }),
          query: z.object({
            dryRun: z.enum(['true', 'false']).optional(),
            n: z.coerce.number().int().max(10).optional(),
          }),
          body: ItemBody,
        },
        responses: { 201: z.object({ shelf: z.string(), name: z.string(), call: z.number() }) },
        maxBodyBytes: 1024,
      }),
      async ({ params, body }) => {
        const { rows } = await ctx.storage.query<{ n: number }>(
          'insert into probe_calls (what) values ($1) returning n',
          [body.name],
        );
        return { status: 201, body: { shelf: params.shelf, name: body.name, call: rows[0]!.n } };
      },
    );
    api.handle(
      defineRoute({
        method: 'post',
        path: '/v1/flaky',
        summary: 'Fails with 503 once',
        responses: { 200: z.object({ call: z.number() }) },
      }),
      async () => {
        const { rows } = await ctx.storage.query<{ n: number }>(
          "insert into probe_calls (what) values ('flaky') returning n",
        );
        const n = rows[0]!.n;
        if ((await ctx.storage.query("select 1 from probe_calls where what = 'flaky'")).rowCount === 1) {
          throw new ApiError(503, 'TRY_AGAIN', 'Busy.', { headers: { 'retry-after': '1' } });
        }
        return { status: 200, body: { call: n } };
      },
    );
    api.handle(
      defineRoute({
        method: 'get',
        path: '/v1/teapot',
        summary: 'ApiError with details',
        responses: { 200: z.object({}) },
      }),
      () => {
        throw new ApiError(418, 'TEAPOT', 'I am a teapot.', {
          body: { spout: 1 },
          headers: { 'x-extra': 'yes' },
        });
      },
    );
    api.handle(
      defineRoute({ method: 'get', path: '/v1/boom', summary: 'Throws', responses: { 200: z.object({}) } }),
      () => {
        throw new Error('secret internals');
      },
    );
    api.handle(
      defineRoute({
        method: 'get',
        path: '/v1/liar',
        summary: 'Breaks its schema',
        responses: { 200: z.object({ n: z.number() }) },
      }),
      // @ts-expect-error the handler deliberately breaks its own schema
      () => ({ status: 200, body: { n: 'not a number' } }),
    );
    api.handle(
      defineRoute({
        method: 'get',
        path: '/v1/raw',
        summary: 'Raw response',
        responses: { 200: { contentType: 'text/plain' } },
      }),
      () => new Response('raw', { headers: { 'content-type': 'text/plain' } }),
    );
    api.handle(
      defineRoute({
        method: 'delete',
        path: '/v1/items/{id}',
        summary: 'No content',
        request: { params: z.object({ id: z.string() }) },
        responses: { 204: null },
      }),
      () => ({ status: 204, body: undefined }),
    );
    api.handle(
      defineRoute({
        method: 'post',
        path: '/v1/mini/{id}',
        summary: 'Schemas from zod/mini',
        request: {
          params: zm.object({ id: zm.string().check(zm.minLength(2)) }),
          body: zm.object({ n: zm.int(), label: zm.optional(zm.string()) }),
        },
        responses: { 200: zm.object({ id: zm.string(), doubled: zm.int() }) },
      }),
      ({ params, body }) => ({ status: 200, body: { id: params.id, doubled: body.n * 2 } }),
    );
    api.handle(
      defineRoute({
        method: 'get',
        path: '/v1/clock',
        summary: 'Clock',
        responses: { 200: z.object({ now: z.string() }) },
      }),
      ({ ctx }) => ({ status: 200, body: { now: ctx.now().toISOString() } }),
    );
  },
});

beforeAll(async () => {
  storage = await createPgliteStorage();
  const modules = [probe, notesRoutes];
  await runMigrations(storage, [
    { name: 'devnet', migrations: apiMigrations },
    ...modules.map((m) => ({ name: m.name, migrations: m.migrations ?? [] })),
  ]);
  ctx = {
    storage,
    chain: devnetChain(1337, 'http://127.0.0.1:1'),
    rpcUrl: 'http://127.0.0.1:1',
    accounts: [],
    contracts: {},
    logger: { ...silentLogger, error: (m) => logged.push(m) },
    now: () => new Date('2030-01-02T03:04:05.000Z'),
  };
  ({ app } = await createApiApp({ modules, ctx }));
});
afterAll(() => storage.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function errorOf(res: Response) {
  expect(res.headers.get('content-type')).toContain('application/json');
  return ErrorBodySchema.parse(await res.json()).error;
}

describe('requests are validated against their schemas', () => {
  test('a valid request reaches the handler with parsed input', async () => {
    const res = await post('/v1/items/fruit?n=3', { name: 'apple', qty: 2 });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ shelf: 'fruit', name: 'apple' });
  });

  test('bad path parameters are a 400 INVALID_PARAMS', async () => {
    const res = await post('/v1/items/FRUIT', { name: 'a', qty: 1 });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_PARAMS');
  });

  test('bad query parameters are a 400 INVALID_QUERY naming the parameter', async () => {
    const res = await post('/v1/items/fruit?n=99', { name: 'a', qty: 1 });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe('INVALID_QUERY');
    expect(err.details).toMatchObject({ issues: [{ path: ['n'] }] });
  });

  test('unparsable JSON is a 400 INVALID_JSON', async () => {
    const res = await post('/v1/items/fruit', '{"name": ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_JSON');
  });

  test('a body of another media type is a 415', async () => {
    const res = await app.request('/v1/items/fruit', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('a body that breaks the schema is a 422 listing each issue with its path', async () => {
    const res = await post('/v1/items/fruit', { name: '', qty: 1.5, tags: ['a', 'b', 'c', 'd'] });
    expect(res.status).toBe(422);
    const err = await errorOf(res);
    expect(err.code).toBe('VALIDATION_FAILED');
    const paths = (err.details as { issues: { path: unknown[] }[] }).issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['name', 'qty', 'tags']);
  });

  test('a missing required body is a 422', async () => {
    const res = await app.request('/v1/items/fruit', { method: 'POST' });
    expect(res.status).toBe(422);
  });

  test('a body over the route limit is a 413, also without Content-Length (streamed)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(5000), qty: 1 });
    const res = await post('/v1/items/fruit', big);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(500)));
        controller.close();
      },
    });
    const streamed = await app.request('/v1/items/fruit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  test('arbitrary JSON bodies and query strings never cause a 5xx, and every answer has the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.string({ maxLength: 20 }), async (body, q) => {
        const res = await post(`/v1/items/fruit?n=${encodeURIComponent(q)}`, body);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('x-request-id')).toBeTruthy();
        if (res.status >= 400) await errorOf(res);
      }),
      { numRuns: 60 },
    );
  });
});

test('schemas from zod/mini validate requests too', async () => {
  const ok = await post('/v1/mini/ab', { n: 21 });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ id: 'ab', doubled: 42 });
  const bad = await post('/v1/mini/ab', { n: 1.5 });
  expect(bad.status).toBe(422);
  expect((await errorOf(bad)).details).toMatchObject({ issues: [{ path: ['n'] }] });
  expect((await post('/v1/mini/a', { n: 1 })).status).toBe(400);
});

describe('responses', () => {
  test('every response carries an x-request-id, echoing a sane incoming one', async () => {
    for (const path of ['/v1/clock', '/v1/nope', '/v1/boom', '/v1/raw', '/v1/teapot']) {
      const res = await app.request(path);
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    const echoed = await app.request('/v1/clock', { headers: { 'x-request-id': 'abc.123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc.123');
    const replaced = await app.request('/v1/clock', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });

  test('browsers on other origins may call the API (CORS preflight and exposed headers)', async () => {
    const pre = await app.request('/v1/items/fruit', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const res = await app.request('/v1/clock', { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  test('an unknown route is a 404 NOT_FOUND in the error shape', async () => {
    const res = await app.request('/v1/nope');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('NOT_FOUND');
  });

  test('ApiError sets status, code, details and headers', async () => {
    const res = await app.request('/v1/teapot');
    expect(res.status).toBe(418);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await errorOf(res)).toEqual({ code: 'TEAPOT', message: 'I am a teapot.', details: { spout: 1 } });
  });

  test('an unexpected error is a 500 INTERNAL that does not leak its message', async () => {
    const res = await app.request('/v1/boom');
    expect(res.status).toBe(500);
    const err = await errorOf(res);
    expect(err.code).toBe('INTERNAL');
    expect(JSON.stringify(err)).not.toContain('secret internals');
  });

  test('a handler response that breaks its own schema is caught as 500 RESPONSE_INVALID and logged', async () => {
    const res = await app.request('/v1/liar');
    expect(res.status).toBe(500);
    expect((await errorOf(res)).code).toBe('RESPONSE_INVALID');
    expect(logged).toContain('handler response does not match its schema');
  });

  test('204 has no body; the injected clock reaches handlers', async () => {
    const del = await app.request('/v1/items/1', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect(await (await app.request('/v1/clock')).json()).toEqual({ now: '2030-01-02T03:04:05.000Z' });
  });
});

describe('Idempotency-Key', () => {
  const count = async (what: string) =>
    (await storage.query('select 1 from probe_calls where what = $1', [what])).rowCount;

  test('a retried POST with the same key and body is replayed, not executed twice', async () => {
    const a = await post('/v1/items/fruit', { name: 'idem', qty: 1 }, { 'idempotency-key': 'k-1' });
    const b = await post('/v1/items/fruit', { name: 'idem', qty: 1 }, { 'idempotency-key': 'k-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(await b.json()).toEqual(await a.json());
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('idem')).toBe(1);
  });

  test('the same key with a different body is a 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await post('/v1/items/fruit', { name: 'reuse', qty: 1 }, { 'idempotency-key': 'k-2' });
    const res = await post('/v1/items/fruit', { name: 'reuse', qty: 2 }, { 'idempotency-key': 'k-2' });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  test('keys are scoped by Authorization', async () => {
    await post(
      '/v1/items/fruit',
      { name: 'scoped', qty: 1 },
      { 'idempotency-key': 'k-3', authorization: 'Bearer a' },
    );
    const other = await post(
      '/v1/items/fruit',
      { name: 'scoped', qty: 1 },
      { 'idempotency-key': 'k-3', authorization: 'Bearer b' },
    );
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(await count('scoped')).toBe(2);
  });

  test('a 5xx is not stored: the retry runs the handler again', async () => {
    const first = await post('/v1/flaky', undefined, { 'idempotency-key': 'k-4' });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    const second = await post('/v1/flaky', undefined, { 'idempotency-key': 'k-4' });
    expect(second.status).toBe(200);
    expect(await count('flaky')).toBe(2);
  });

  test('a malformed key is a 400', async () => {
    const res = await post('/v1/items/fruit', { name: 'x', qty: 1 }, { 'idempotency-key': 'k'.repeat(300) });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
});

test('two routes answering the same method and path are refused', async () => {
  const route = defineRoute({ method: 'get', path: '/v1/x/{a}', summary: 'x', responses: { 200: null } });
  const other = defineRoute({
    method: 'get',
    path: '/v1/x/{b}',
    summary: 'y',
    operationId: 'other',
    responses: { 200: null },
  });
  const mod = defineRouteModule({
    name: 'dup',
    register(api) {
      api.handle(route, () => ({ status: 200, body: undefined }));
      api.handle(other, () => ({ status: 200, body: undefined }));
    },
  });
  const err = await createApiApp({ modules: [mod], ctx }).catch((e: unknown) => e);
  expect(isDevnetError(err) && err.code).toBe('ROUTE_CONFLICT');
});
