import { createHash, randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import * as zc from 'zod/v4/core';
import { ApiError, DevnetError } from '../errors.js';
import type { Migration } from '../storage/types.js';
import type { ApiRouter, RouteContext, RouteModule } from './context.js';
import type { HttpMethod, RouteDefinition, RouteHandler } from './defineRoute.js';
import { errorResponse, toIssues } from './errorBody.js';
import { buildOpenApiDocument, type RegisteredRoute } from './openapi.js';

/** Options of {@link createApiApp}. */
export interface CreateApiAppOptions {
  modules: readonly RouteModule[];
  ctx: RouteContext;
  /** Default largest request body in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
  /** `info.version` of the OpenAPI document. */
  version?: string;
  /**
   * Origins browsers may call the API from (CORS). Default `'*'`: the devnet listens on
   * loopback and browser examples and extensions run on other origins. `false` disables CORS.
   */
  corsOrigin?: string | string[] | false;
}

/** The devnet's HTTP API before it listens. */
export interface ApiApp {
  app: Hono;
  routes: readonly RegisteredRoute[];
  /** The OpenAPI 3.1 document of every registered route. */
  openapi(serverUrl?: string): Record<string, unknown>;
}

/**
 * Storage the API itself needs (idempotency keys), applied before the modules' migrations
 * under the module name `devnet`.
 *
 * @example
 * import { apiMigrations, createPgliteStorage, runMigrations } from '@openledger/devnet';
 * const storage = await createPgliteStorage();
 * await runMigrations(storage, [{ name: 'devnet', migrations: apiMigrations }]);
 */
export const apiMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency keys',
    sql: `create table _devnet_idempotency (
            scope text not null,
            key text not null,
            fingerprint text not null,
            status integer,
            content_type text,
            body text,
            created_at timestamptz not null default now(),
            primary key (scope, key)
          )`,
  },
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/**
 * Build the Hono app of the OpenLedger API from route modules: request ids on every
 * response, one JSON error shape, validated requests, checked responses, `Idempotency-Key`
 * replay for unsafe methods, `/openapi.json`, and the modules' operations.
 *
 * @example
 * import { createApiApp, defaultRouteModules } from '@openledger/devnet';
 * declare const ctx: import('@openledger/devnet').RouteContext;
 * const { app } = await createApiApp({ modules: defaultRouteModules, ctx });
 * const res = await app.request('/v1/health');
 */
export async function createApiApp(options: CreateApiAppOptions): Promise<ApiApp> {
  const { ctx } = options;
  const app = new Hono();
  const registered: RegisteredRoute[] = [];
  const seen = new Set<string>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId' as never, id as never);
    c.header('x-request-id', id);
    await next();
    // Responses built outside `c` (raw `Response`s) must carry the id too.
    if (c.res.headers.get('x-request-id') !== id) {
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set('x-request-id', id);
    }
  });
  if (options.corsOrigin !== false) {
    app.use(
      '*',
      cors({
        origin: options.corsOrigin ?? '*',
        allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: [
          'authorization',
          'content-type',
          'idempotency-key',
          'x-request-id',
          'x-openledger-sdk',
          'x-payment',
          'upload-offset',
          'upload-length',
        ],
        exposeHeaders: [
          'x-request-id',
          'idempotent-replayed',
          'retry-after',
          'location',
          'etag',
          'upload-offset',
          'x-payment-response',
        ],
        maxAge: 600,
      }),
    );
  }
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => toErrorResponse(c, err, ctx));

  for (const module of options.modules) {
    const router: ApiRouter = {
      app,
      handle(route, handler) {
        const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
        if (seen.has(key)) {
          throw new DevnetError(
            'ROUTE_CONFLICT',
            `Two routes answer ${route.method.toUpperCase()} ${route.path}.`,
            {
              metaMessages: [`Second one from route module "${module.name}".`],
            },
          );
        }
        seen.add(key);
        const operationId = route.operationId ?? defaultOperationId(route.method, route.path);
        if (registered.some((r) => r.operationId === operationId)) {
          throw new DevnetError('ROUTE_CONFLICT', `Two routes share operationId "${operationId}".`);
        }
        registered.push({ route, tag: module.name, operationId });
        const limit = route.maxBodyBytes ?? options.maxBodyBytes ?? DEFAULT_MAX_BODY;
        app.on(
          route.method.toUpperCase(),
          toHonoPath(route.path),
          bodyLimit({
            maxSize: limit,
            onError: (c) =>
              errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes.`),
          }),
          (c) => serve(c, route, handler as RouteHandler<RouteDefinition>, ctx),
        );
      },
    };
    await module.register(router, ctx);
  }

  const version = options.version ?? '0.1.0';
  let doc: Record<string, unknown> | undefined;
  const openapi = (serverUrl?: string) => {
    doc ??= buildOpenApiDocument(registered, {
      title: 'OpenLedger API (devnet)',
      version,
      description: 'The reference OpenLedger HTTP API served by @openledger/devnet.',
    });
    return serverUrl ? { ...doc, servers: [{ url: serverUrl }] } : doc;
  };
  app.get('/openapi.json', (c) => c.json(openapi(new URL(c.req.url).origin)));
  return { app, routes: registered, openapi };
}

async function serve(
  c: Context,
  route: RouteDefinition,
  handler: RouteHandler<RouteDefinition>,
  ctx: RouteContext,
): Promise<Response> {
  const requestId = c.get('requestId' as never) as string;
  const key = c.req.header('idempotency-key');
  if (key === undefined || route.method === 'get' || route.idempotency === false) {
    return answer(c, route, handler, ctx, requestId);
  }

  if (!IDEMPOTENCY_KEY.test(key)) {
    return errorResponse(
      c,
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be 1-255 printable ASCII characters.',
    );
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const fingerprint = createHash('sha256')
    .update(
      `${route.method} ${c.req.path}?${new URL(c.req.url).search}\n${c.req.header('content-type') ?? ''}\n`,
    )
    .update(bytes)
    .digest('hex');
  // Keys are per caller: the same key from two API keys names two different requests.
  const scope = createHash('sha256')
    .update(c.req.header('authorization') ?? '')
    .digest('hex');
  const claimed = await ctx.storage.query(
    'insert into _devnet_idempotency (scope, key, fingerprint) values ($1, $2, $3) on conflict (scope, key) do nothing returning key',
    [scope, key, fingerprint],
  );
  if (claimed.rowCount === 0) {
    const { rows } = await ctx.storage.query<{
      fingerprint: string;
      status: number | null;
      content_type: string | null;
      body: string | null;
    }>(
      'select fingerprint, status, content_type, body from _devnet_idempotency where scope = $1 and key = $2',
      [scope, key],
    );
    const prior = rows[0];
    if (prior && prior.fingerprint !== fingerprint) {
      return errorResponse(
        c,
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request.',
      );
    }
    if (!prior || prior.status === null) {
      return errorResponse(
        c,
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'A request with this Idempotency-Key is in progress.',
        undefined,
        {
          'retry-after': '1',
        },
      );
    }
    return new Response(prior.body, {
      status: prior.status,
      headers: {
        ...(prior.content_type ? { 'content-type': prior.content_type } : {}),
        'idempotent-replayed': 'true',
        'x-request-id': requestId,
      },
    });
  }
  let res: Response;
  try {
    res = await answer(c, route, handler, ctx, requestId);
  } catch (err) {
    await ctx.storage.query('delete from _devnet_idempotency where scope = $1 and key = $2', [scope, key]);
    throw err;
  }
  // Keep what a retry must see again; let conflicts, rate limits and server errors be retried for real.
  const keep = res.status < 500 && res.status !== 409 && res.status !== 429;
  if (keep) {
    const body = res.status === 204 ? null : await res.clone().text();
    await ctx.storage.query(
      'update _devnet_idempotency set status = $3, content_type = $4, body = $5 where scope = $1 and key = $2',
      [scope, key, res.status, res.headers.get('content-type'), body],
    );
  } else {
    await ctx.storage.query('delete from _devnet_idempotency where scope = $1 and key = $2', [scope, key]);
  }
  return res;
}

async function answer(
  c: Context,
  route: RouteDefinition,
  handler: RouteHandler<RouteDefinition>,
  ctx: RouteContext,
  requestId: string,
): Promise<Response> {
  try {
    const req = route.request ?? {};
    const params = req.params ? zc.safeParse(req.params, c.req.param()) : undefined;
    if (params && !params.success) {
      return errorResponse(c, 400, 'INVALID_PARAMS', 'Invalid path parameters.', {
        issues: toIssues(params.error),
      });
    }
    const query = req.query ? zc.safeParse(req.query, queryObject(c)) : undefined;
    if (query && !query.success) {
      return errorResponse(c, 400, 'INVALID_QUERY', 'Invalid query parameters.', {
        issues: toIssues(query.error),
      });
    }
    const headers = req.headers ? zc.safeParse(req.headers, c.req.header()) : undefined;
    if (headers && !headers.success) {
      return errorResponse(c, 400, 'INVALID_HEADERS', 'Invalid request headers.', {
        issues: toIssues(headers.error),
      });
    }
    let body: unknown;
    if (req.body) {
      const parsed = await readBody(c, req.body);
      if (parsed instanceof Response) return parsed;
      body = parsed.value;
    }
    const result = await handler({
      params: params?.data,
      query: query?.data,
      headers: headers?.data,
      body,
      c,
      ctx,
      requestId,
    } as never);
    if (result instanceof Response) return result;
    return respond(
      c,
      route,
      result as { status: number; body: unknown; headers?: Record<string, string> },
      ctx,
    );
  } catch (err) {
    return toErrorResponse(c, err, ctx);
  }
}

async function readBody(
  c: Context,
  spec: NonNullable<RouteDefinition['request']>['body'],
): Promise<{ value: unknown } | Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (spec instanceof zc.$ZodType || spec === undefined) {
    const schema = spec as zc.$ZodType;
    const text = await c.req.text();
    if (text.length === 0) {
      const empty = zc.safeParse(schema, undefined);
      if (empty.success) return { value: empty.data };
      return errorResponse(c, 422, 'VALIDATION_FAILED', 'A JSON request body is required.', {
        issues: toIssues(empty.error),
      });
    }
    if (type !== 'application/json' && !type.endsWith('+json')) {
      return errorResponse(
        c,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Expected application/json, got "${type || 'none'}".`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return errorResponse(c, 400, 'INVALID_JSON', 'The request body is not valid JSON.', {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    const result = zc.safeParse(schema, json);
    if (!result.success) {
      return errorResponse(c, 422, 'VALIDATION_FAILED', 'The request body does not match the schema.', {
        issues: toIssues(result.error),
      });
    }
    return { value: result.data };
  }
  if (type !== spec.contentType.toLowerCase()) {
    return errorResponse(
      c,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Expected ${spec.contentType}, got "${type || 'none'}".`,
    );
  }
  if (!spec.schema) return { value: undefined };
  let value: unknown;
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    try {
      value = await c.req.parseBody({ all: true });
    } catch (err) {
      return errorResponse(c, 400, 'INVALID_BODY', 'The form body could not be parsed.', {
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  } else {
    value = new Uint8Array(await c.req.arrayBuffer());
  }
  const result = zc.safeParse(spec.schema, value);
  if (!result.success) {
    return errorResponse(c, 422, 'VALIDATION_FAILED', 'The request body does not match the schema.', {
      issues: toIssues(result.error),
    });
  }
  return { value: result.data };
}

function respond(
  c: Context,
  route: RouteDefinition,
  result: { status: number; body: unknown; headers?: Record<string, string> },
  ctx: RouteContext,
): Response {
  const spec = route.responses[result.status];
  if (spec === undefined) {
    ctx.logger.error('handler returned an undeclared status', { route: route.path, status: result.status });
    return errorResponse(
      c,
      500,
      'RESPONSE_INVALID',
      `The server answered an undeclared status ${result.status}.`,
    );
  }
  const schema = spec === null ? undefined : spec instanceof zc.$ZodType ? spec : spec.schema;
  if (schema) {
    // The wire format is the schema's input side: what a client parses with the same schema.
    const check = zc.safeParse(schema, result.body);
    if (!check.success) {
      ctx.logger.error('handler response does not match its schema', {
        route: `${route.method} ${route.path}`,
        issues: toIssues(check.error),
      });
      return errorResponse(
        c,
        500,
        'RESPONSE_INVALID',
        'The server produced a response that breaks its own schema.',
        {
          issues: toIssues(check.error),
        },
      );
    }
  }
  if (spec === null || result.body === undefined) {
    return c.body(null, result.status as StatusCode, result.headers);
  }
  const contentType =
    spec instanceof zc.$ZodType ? 'application/json' : (spec.contentType ?? 'application/json');
  if (contentType === 'application/json') {
    return c.json(result.body as object, result.status as ContentfulStatusCode, result.headers);
  }
  return c.body(result.body as string, result.status as ContentfulStatusCode, {
    'content-type': contentType,
    ...result.headers,
  });
}

function toErrorResponse(c: Context, err: unknown, ctx: RouteContext): Response {
  if (err instanceof ApiError) {
    return errorResponse(c, err.status, err.code, err.shortMessage, err.body, err.headers);
  }
  ctx.logger.error('unhandled error in route', {
    path: c.req.path,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return errorResponse(c, 500, 'INTERNAL', 'Internal server error.');
}

function queryObject(c: Context): Record<string, string | string[]> {
  const all = c.req.queries();
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(all)) out[k] = v.length === 1 ? (v[0] as string) : v;
  return out;
}

function toHonoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s && !/^v\d+$/.test(s))
    .map((s) => {
      const param = /^\{(.+)\}$/.exec(s);
      const word = param ? `by-${param[1]}` : s;
      return word
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]?.toUpperCase() + w.slice(1))
        .join('');
    });
  return method + words.join('');
}
