import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { z as zm } from 'zod/mini';
import { defineRoute } from './defineRoute.js';
import { buildOpenApiDocument, type RegisteredRoute } from './openapi.js';

const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .meta({ id: 'Address', description: 'An EVM address.' });
const Contribution = z
  .object({
    id: z.string().min(1),
    contributor: Address,
    bytes: z.number().int().nonnegative(),
    status: z.enum(['pending', 'accepted', 'rejected']),
    tags: z.array(z.string().max(8)).max(3),
    note: z.string().nullable().optional(),
  })
  .meta({ id: 'Contribution' });

interface Op {
  requestBody: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content: Record<string, { schema: unknown }> }>;
}

const routes: RegisteredRoute[] = [
  {
    tag: 'contributions',
    operationId: 'submitContribution',
    route: defineRoute({
      method: 'post',
      path: '/v1/datanets/{datanetId}/contributions',
      summary: 'Submit',
      request: {
        params: z.object({ datanetId: z.string().describe('The datanet.') }),
        query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
        headers: z.object({ 'idempotency-key': z.string().optional() }),
        body: Contribution,
      },
      responses: { 201: Contribution, 409: null },
    }),
  },
  {
    tag: 'contributions',
    operationId: 'uploadFile',
    route: defineRoute({
      method: 'put',
      path: '/v1/uploads/{id}',
      summary: 'Upload bytes',
      request: { params: z.object({ id: z.string() }), body: { contentType: 'application/octet-stream' } },
      responses: { 204: null, 200: { contentType: 'text/plain', description: 'progress' } },
    }),
  },
  {
    tag: 'mini',
    operationId: 'miniOp',
    route: defineRoute({
      method: 'get',
      path: '/v1/mini',
      summary: 'zod/mini schemas',
      request: { query: zm.object({ limit: zm.optional(zm.string()) }) },
      responses: { 200: zm.object({ items: zm.array(zm.string()) }) },
    }),
  },
];

const doc = buildOpenApiDocument(routes, { title: 't', version: '1', serverUrl: 'http://127.0.0.1:1' }) as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

describe('buildOpenApiDocument', () => {
  test('is a valid OpenAPI 3.1 document (official JSON Schema, independent validator)', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('turns path, query and header schemas into parameters with their required flags', () => {
    const op = doc.paths['/v1/datanets/{datanetId}/contributions']?.post as {
      parameters: Record<string, unknown>[];
    };
    expect(op.parameters).toEqual([
      {
        name: 'datanetId',
        in: 'path',
        required: true,
        description: 'The datanet.',
        schema: { type: 'string' },
      },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'idempotency-key', in: 'header', required: false, schema: { type: 'string' } },
    ]);
  });

  test('schemas with an id become components, referenced from operations and from each other', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Address', 'Contribution', 'ErrorBody']);
    const op = doc.paths['/v1/datanets/{datanetId}/contributions']?.post as unknown as Op;
    expect(op.requestBody.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Contribution',
    });
    expect(doc.components.schemas.Contribution?.properties).toMatchObject({
      contributor: { $ref: '#/components/schemas/Address' },
    });
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  test('accepts schemas from zod/mini', () => {
    const op = doc.paths['/v1/mini']?.get as unknown as Op & { parameters: unknown[] };
    expect(op.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, schema: { type: 'string' } },
    ]);
    expect(op.responses['200']?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'string' } } },
    });
  });

  test('documents the standard error responses with the shared error body', () => {
    const op = doc.paths['/v1/datanets/{datanetId}/contributions']?.post as unknown as Op;
    expect(Object.keys(op.responses).sort()).toEqual(['201', '400', '409', '413', '415', '422', '500']);
    expect(op.responses['422']?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    const upload = doc.paths['/v1/uploads/{id}']?.put as unknown as Op;
    expect(upload.requestBody.content).toHaveProperty('application/octet-stream');
    expect(upload.responses['200']?.content).toHaveProperty('text/plain');
  });

  test('the generated JSON Schema accepts exactly what zod accepts (checked with Ajv on random values)', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries(doc.components.schemas))
      ajv.addSchema(schema, `#/components/schemas/${name}`);
    const validate = ajv.compile({ $ref: '#/components/schemas/Contribution' });
    // Per field: values on both sides of each constraint.
    const field = {
      id: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
      contributor: fc.oneof(
        fc.stringMatching(/^0x[0-9a-fA-F]{40}$/),
        fc.stringMatching(/^0x[0-9a-f]{39}$/),
        fc.constant('0xZZ'),
      ),
      bytes: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double({ noNaN: true, min: -2, max: 2 })),
      status: fc.constantFrom('pending', 'accepted', 'rejected', 'lost'),
      tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
      note: fc.option(fc.string(), { nil: null }),
    };
    const requiredKeys = ['id', 'contributor', 'bytes', 'status'] as const;
    const valid = fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 3 }),
        contributor: fc.stringMatching(/^0x[0-9a-fA-F]{40}$/),
        bytes: fc.nat(5),
        status: fc.constantFrom('pending', 'accepted', 'rejected'),
        tags: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        note: fc.option(fc.string(), { nil: null }),
      },
      { requiredKeys: [...requiredKeys] },
    );
    // Random records are almost all invalid in several fields at once (zod accepted 1.6% of
    // them, none at all on about one seed in 700), and a field the JSON Schema got wrong
    // hides behind another that fails anyway. So half the values are a valid record with a
    // single field redrawn from both sides of its constraint.
    const near = fc.oneof(
      fc.record(field, { requiredKeys: [...requiredKeys] }),
      fc
        .tuple(valid, fc.constantFrom(...(Object.keys(field) as (keyof typeof field)[])), fc.record(field))
        .map(([v, k, f]) => ({ ...v, [k]: f[k] })),
    );
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(near, (value) => {
        const ours = Contribution.safeParse(value).success;
        expect(validate(value)).toBe(ours);
        if (ours) accepted++;
        else rejected++;
      }),
      { numRuns: 400 },
    );
    // Both verdicts must have been exercised for the comparison to mean anything.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
