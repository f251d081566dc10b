import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { JsonSchema } from '../spec/defineDatanet.js';
import { codePointLength, compileJsonSchema, type RowProblem } from './jsonSchema.js';

const schemas: JsonSchema[] = [
  {
    type: 'object',
    required: ['instruction', 'output'],
    properties: {
      instruction: { type: 'string', minLength: 2, maxLength: 6 },
      output: { type: ['string', 'null'] },
      n: { type: 'integer', minimum: 0, exclusiveMaximum: 10 },
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
    },
    additionalProperties: false,
  },
  {
    type: 'object',
    properties: { x: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^[a-z]+$' }] } },
  },
  {
    type: 'object',
    properties: { k: { const: 'v' }, m: { type: 'number', multipleOf: 0.5 } },
    required: ['k'],
  },
  { type: 'object', additionalProperties: { type: 'boolean' }, minProperties: 1 },
];

const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('a', 'b', 'ab', 'abcdefg', 'Zz', '🐳🐳', '', 'v'),
    fc.integer({ min: -3, max: 12 }),
    fc.constantFrom(0.5, 1.25, null, true, false),
    fc.array(tie('any'), { maxLength: 4 }),
    tie('obj'),
  ),
  obj: fc.dictionary(
    fc.constantFrom('instruction', 'output', 'n', 'tags', 'x', 'k', 'm', 'extra'),
    tie('any'),
    {
      maxKeys: 5,
    },
  ),
}));

describe('compileJsonSchema', () => {
  test('property: agrees with zod.fromJSONSchema on every value', () => {
    for (const schema of schemas) {
      const ours = compileJsonSchema(schema);
      const reference = z.fromJSONSchema(schema as never);
      fc.assert(
        fc.property(value.obj, (v) => {
          const out: RowProblem[] = [];
          expect(ours(v, [], out)).toBe(reference.safeParse(v).success);
          expect(out.length > 0).toBe(!reference.safeParse(v).success);
        }),
        { numRuns: 300 },
      );
    }
  });

  test('names the failing field path', () => {
    const out: RowProblem[] = [];
    compileJsonSchema(schemas[0]!)({ instruction: 'x', output: 1, tags: ['a', 'c'] }, [], out);
    expect(out.map((p) => p.path)).toEqual([['instruction'], ['output'], ['tags', 1]]);
  });

  test('refuses schemas it cannot fully enforce', () => {
    expect(() => compileJsonSchema({ $ref: '#/defs/x' })).toThrowError(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(() => compileJsonSchema({ type: 'object', propertyNames: { pattern: 'x' } })).toThrow(
      /propertyNames/,
    );
    expect(() => compileJsonSchema({ type: 'strin' })).toThrow(/strin/);
  });

  test('counts lengths in code points', () => {
    expect(codePointLength('🐳a')).toBe(2);
    const out: RowProblem[] = [];
    expect(compileJsonSchema({ type: 'string', maxLength: 2 })('🐳🐳', [], out)).toBe(true);
    expect(compileJsonSchema({ type: 'string', minLength: 3 })('🐳🐳', [], out)).toBe(false);
  });
});
