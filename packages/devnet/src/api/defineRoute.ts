import type { Context } from 'hono';
import type * as zc from 'zod/v4/core';
import type { RouteContext } from './context.js';

/** HTTP methods a route can answer. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Any zod 4 schema, from `zod` or `zod/mini`. */
export type Schema = zc.$ZodType;

/** An object schema (from `zod` or `zod/mini`) for path, query or header parameters. */
export type ParamsSchema = zc.$ZodObject;

/**
 * A request body: a zod schema means `application/json`; the object form names another
 * media type (`multipart/form-data` bodies are parsed into an object and checked against
 * `schema`; other types are left to the handler, which reads `c.req`).
 */
export type BodySpec = Schema | { contentType: string; schema?: Schema; description?: string };

/** A response: a zod schema (JSON), `null` (no body, e.g. 204), or the object form. */
export type ResponseSpec = Schema | null | { description?: string; contentType?: string; schema?: Schema };

/** What a route accepts. */
export interface RouteRequest {
  params?: ParamsSchema;
  query?: ParamsSchema;
  headers?: ParamsSchema;
  body?: BodySpec;
}

/** The description of one API operation, from which validation and OpenAPI both derive. */
export interface RouteDefinition<
  M extends HttpMethod = HttpMethod,
  P extends string = string,
  Req extends RouteRequest = RouteRequest,
  Res extends Record<number, ResponseSpec> = Record<number, ResponseSpec>,
> {
  method: M;
  /** OpenAPI-style path with `{name}` parameters, e.g. `/v1/datanets/{id}`. */
  path: P;
  /** One line for the OpenAPI document. */
  summary: string;
  description?: string;
  /** Groups the operation in the OpenAPI document; defaults to the route module's name. */
  tags?: string[];
  /** Defaults to a camelCase name derived from method and path. */
  operationId?: string;
  request?: Req;
  /** Success and documented error responses by status. */
  responses: Res;
  /** Largest accepted request body in bytes (413 beyond). Default 16 MiB. */
  maxBodyBytes?: number;
  deprecated?: boolean;
  /**
   * Replay the stored response when a POST/PUT/PATCH/DELETE is retried with the same
   * `Idempotency-Key` (per `Authorization`). Default true; set false for a route that
   * implements idempotency itself.
   */
  idempotency?: boolean;
}

type Out<S> = S extends Schema ? zc.output<S> : undefined;
type BodyOut<B> = B extends Schema
  ? zc.output<B>
  : B extends { schema: infer S extends Schema }
    ? zc.output<S>
    : undefined;

/** The validated input a handler receives. */
export interface HandlerInput<Req extends RouteRequest> {
  params: Out<Req['params']>;
  query: Out<Req['query']>;
  headers: Out<Req['headers']>;
  body: BodyOut<Req['body']>;
  /** The Hono context: raw request, `c.req.arrayBuffer()` for binary bodies, etc. */
  c: Context;
  ctx: RouteContext;
  /** This request's id (also sent as `x-request-id`). */
  requestId: string;
}

type ResponseBody<S> = S extends Schema
  ? zc.input<S>
  : S extends { schema: infer T extends Schema }
    ? zc.input<T>
    : S extends null
      ? undefined
      : unknown;

/** What a handler returns: a status with its body (checked against that status's schema), or any `Response`. */
export type HandlerResult<Res extends Record<number, ResponseSpec>> =
  | {
      [S in keyof Res & number]: {
        status: S;
        body: ResponseBody<Res[S]>;
        headers?: Record<string, string>;
      };
    }[keyof Res & number]
  | Response;

/** The function that answers a route. Throw `ApiError` for error responses. */
export type RouteHandler<R extends RouteDefinition> =
  R extends RouteDefinition<HttpMethod, string, infer Req, infer Res>
    ? (input: HandlerInput<Req>) => HandlerResult<Res> | Promise<HandlerResult<Res>>
    : never;

/**
 * Describe one API operation once: its request schemas drive validation (400/422 on bad
 * input) and its response schemas check what the handler sends, and both go into `/openapi.json`.
 *
 * @example
 * import { z } from 'zod';
 * import { defineRoute } from '@openledger/devnet';
 * export const getNote = defineRoute({
 *   method: 'get',
 *   path: '/v1/notes/{id}',
 *   summary: 'Read a note',
 *   request: { params: z.object({ id: z.string() }) },
 *   responses: { 200: z.object({ id: z.string(), text: z.string() }) },
 * });
 */
export function defineRoute<
  const M extends HttpMethod,
  const P extends string,
  Req extends RouteRequest,
  Res extends Record<number, ResponseSpec>,
>(route: RouteDefinition<M, P, Req, Res>): RouteDefinition<M, P, Req, Res> {
  return route;
}
