import * as zc from 'zod/v4/core';
import type { BodySpec, RouteDefinition } from './defineRoute.js';
import { ErrorBodySchema } from './errorBody.js';

type Json = Record<string, unknown>;

/** A route as registered, with the tag of its module. */
export interface RegisteredRoute {
  route: RouteDefinition;
  tag: string;
  operationId: string;
}

/** Standard error responses every operation may return, beyond those it documents. */
const STANDARD_ERRORS: Record<string, string> = {
  '400': 'Malformed request: bad path or query parameters, or unparsable JSON.',
  '500': 'Unexpected server error.',
};
const BODY_ERRORS: Record<string, string> = {
  '413': 'Request body too large.',
  '415': 'Unsupported request media type.',
  '422': 'The request body does not match the schema; `error.details.issues` lists why.',
};

/**
 * Build an OpenAPI 3.1 document from registered routes. Schemas are generated with zod's
 * `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses) on the input side, i.e.
 * the JSON that travels on the wire; schemas with a `.meta({ id })` become shared components.
 *
 * @example
 * import { z } from 'zod';
 * import { buildOpenApiDocument, defineRoute } from '@openledger/devnet';
 * const route = defineRoute({ method: 'get', path: '/v1/ping', summary: 'Ping', responses: { 200: z.object({ ok: z.boolean() }) } });
 * const doc = buildOpenApiDocument([{ route, tag: 'ping', operationId: 'ping' }], { title: 'API', version: '1' });
 */
export function buildOpenApiDocument(
  routes: readonly RegisteredRoute[],
  info: { title: string; version: string; description?: string; serverUrl?: string },
): Json {
  const components: Record<string, Json> = {};
  const convert = (schema: zc.$ZodType): Json => hoist(toJson(schema), components);
  convert(ErrorBodySchema);
  const errorRef = { $ref: '#/components/schemas/ErrorBody' };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: errorRef } },
  });

  const paths: Record<string, Record<string, Json>> = {};
  const tags = new Set<string>();
  for (const { route, tag, operationId } of routes) {
    const op: Json = { operationId, summary: route.summary };
    if (route.description) op.description = route.description;
    const opTags = route.tags ?? [tag];
    for (const t of opTags) tags.add(t);
    op.tags = opTags;
    if (route.deprecated) op.deprecated = true;

    const parameters: Json[] = [];
    for (const [where, schema] of [
      ['path', route.request?.params],
      ['query', route.request?.query],
      ['header', route.request?.headers],
    ] as const) {
      if (!schema) continue;
      const converted = convert(schema);
      const json =
        typeof converted.$ref === 'string'
          ? (components[converted.$ref.slice('#/components/schemas/'.length)] ?? {})
          : converted;
      const props = (json.properties ?? {}) as Record<string, Json>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        const { description, ...rest } = prop;
        parameters.push({
          name,
          in: where,
          required: where === 'path' ? true : required.has(name),
          ...(typeof description === 'string' ? { description } : {}),
          schema: rest,
        });
      }
    }
    if (parameters.length) op.parameters = parameters;

    const body = route.request?.body;
    if (body) op.requestBody = requestBody(body, convert);

    const responses: Record<string, Json> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      if (spec === null) {
        responses[status] = { description: describeStatus(Number(status)) };
      } else if (spec instanceof zc.$ZodType) {
        responses[status] = {
          description: describeStatus(Number(status)),
          content: { 'application/json': { schema: convert(spec) } },
        };
      } else {
        const o = spec as { description?: string; contentType?: string; schema?: zc.$ZodType };
        responses[status] = {
          description: o.description ?? describeStatus(Number(status)),
          ...(o.schema || o.contentType
            ? {
                content: {
                  [o.contentType ?? 'application/json']: { schema: o.schema ? convert(o.schema) : {} },
                },
              }
            : {}),
        };
      }
    }
    const extra = { ...STANDARD_ERRORS, ...(body ? BODY_ERRORS : {}) };
    for (const [status, description] of Object.entries(extra)) {
      responses[status] ??= errorResponse(description);
    }
    op.responses = responses;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Json>)[route.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: { schemas: components },
  };
}

function requestBody(body: BodySpec, convert: (s: zc.$ZodType) => Json): Json {
  if (body instanceof zc.$ZodType) {
    return {
      required: !zc.safeParse(body, undefined).success,
      content: { 'application/json': { schema: convert(body) } },
    };
  }
  return {
    required: true,
    ...(body.description ? { description: body.description } : {}),
    content: { [body.contentType]: { schema: body.schema ? convert(body.schema) : {} } },
  };
}

function toJson(schema: zc.$ZodType): Json {
  return zc.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
  }) as Json;
}

function stripRoot(json: Json): Json {
  const { $schema: _s, $defs: _d, $id: _i, id: _id, ...rest } = json;
  return rest;
}

/** Move `$defs` into the document's components and point `$ref`s there. */
function hoist(json: Json, components: Record<string, Json>): Json {
  const defs = (json.$defs ?? {}) as Record<string, Json>;
  for (const [name, def] of Object.entries(defs)) {
    const rewritten = rewriteRefs(stripRoot(def)) as Json;
    components[name] ??= rewritten;
  }
  return rewriteRefs(stripRoot(json)) as Json;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
          ? `#/components/schemas/${v.slice('#/$defs/'.length)}`
          : rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function describeStatus(status: number): string {
  const text: Record<number, string> = {
    200: 'OK',
    201: 'Created',
    202: 'Accepted',
    204: 'No content',
    400: 'Bad request',
    401: 'Unauthorized',
    402: 'Payment required',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
    413: 'Payload too large',
    422: 'Unprocessable content',
    429: 'Too many requests',
  };
  return text[status] ?? `HTTP ${status}`;
}
