import { ValidationError } from '@openledger/core';
import * as z from 'zod';
import { DATANET_FORMATS, type DatanetFormat, DEFAULT_FORMATS, FORMAT_KIND } from './formats.js';

const MB = 1_000_000;

/** A JSON Schema (the subset `validateContribution` understands is documented in the README). */
export type JsonSchema = { [key: string]: unknown };

/**
 * Anything with a Standard Schema `~standard.validate` (zod 4 schemas qualify). Only usable
 * in-process: it does not survive JSON, so specs sent to the API carry JSON Schema instead.
 */
export interface StandardRowSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => unknown;
  };
}

function isStandardSchema(v: unknown): v is StandardRowSchema {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function'
  );
}

const JsonSchemaValue = /* @__PURE__ */ (() =>
  z.custom<JsonSchema>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !isStandardSchema(v),
    { message: 'Expected a JSON Schema object' },
  ))();
const StandardSchemaValue = /* @__PURE__ */ (() =>
  z.custom<StandardRowSchema>(isStandardSchema, {
    message: 'Expected a zod (Standard Schema) schema',
  }))();

const LengthRule = /* @__PURE__ */ (() =>
  z.object({
    /** Minimum length in characters (Unicode code points). */
    min: z.number().int().nonnegative().optional(),
    /** Maximum length in characters (Unicode code points). */
    max: z.number().int().positive().optional(),
  }))();

/**
 * Rules for structured (JSONL / CSV) text datanets.
 *
 * @example
 * import { RowRulesSchema } from '@openledger/datanet';
 * RowRulesSchema.parse({ schema: { type: 'object' } }).noDuplicateRows; // true
 */
export const RowRulesSchema = /* @__PURE__ */ (() =>
  z.object({
    /** Row schema: JSON Schema (serialisable) or an in-process zod schema. */
    schema: z.union([StandardSchemaValue, JsonSchemaValue]),
    /** Per-field length bounds on string fields, e.g. `{ output: { min: 1, max: 8000 } }`. */
    lengths: z.record(z.string(), LengthRule).default({}),
    /** Field that must hold a language tag on every row, e.g. `'language'`. */
    languageField: z.string().min(1).optional(),
    /** When set, the language field must be one of these BCP 47 tags (compared case-insensitively). */
    languages: z.array(z.string().min(2).max(35)).optional(),
    /** Reject files that repeat a row (byte-identical after trimming line endings). */
    noDuplicateRows: z.boolean().default(true),
    /** Minimum number of data rows in a file. */
    minRows: z.number().int().nonnegative().default(1),
    /** Maximum number of data rows in a file. */
    maxRows: z.number().int().positive().default(10_000_000),
    /** Fraction of rows allowed to fail before the file is rejected (0 = strict). */
    maxErrorRate: z.number().min(0).max(1).default(0),
  }))();

/**
 * Size caps and quotas; defaults are the rules OpenLedger publishes.
 *
 * @example
 * import { DatanetLimitsSchema } from '@openledger/datanet';
 * DatanetLimitsSchema.parse({}).contributorFilesPerDay; // 20
 */
export const DatanetLimitsSchema = /* @__PURE__ */ (() =>
  z.object({
    /** Bytes per file (default 5 MB). */
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(5 * MB),
    /** Bytes per contributor per UTC day, across datanets (default 10 MB). */
    contributorBytesPerDay: z
      .number()
      .int()
      .positive()
      .default(10 * MB),
    /** Bytes per datanet per UTC day (default 10 MB). */
    datanetBytesPerDay: z
      .number()
      .int()
      .positive()
      .default(10 * MB),
    /** Files per contributor per UTC day (default 20). */
    contributorFilesPerDay: z.number().int().positive().default(20),
    /** Bytes per line (JSONL) or record (CSV) before a row is refused (default 1 MiB). */
    maxLineBytes: z
      .number()
      .int()
      .positive()
      .default(1 << 20),
  }))();

/**
 * Content rules applied after decoding.
 *
 * @example
 * import { DatanetRulesSchema } from '@openledger/datanet';
 * DatanetRulesSchema.parse({}).image.minWidth; // 8
 */
export const DatanetRulesSchema = /* @__PURE__ */ (() =>
  z.object({
    /** Files with fewer non-whitespace characters (text) are refused as near-empty. */
    minTextChars: z.number().int().nonnegative().default(16),
    /** Reject a file whose sha256 is already in the datanet. */
    rejectDuplicateFiles: z.boolean().default(true),
    /** Images: bounds on dimensions in pixels. */
    image: z
      .object({
        minWidth: z.number().int().positive().default(8),
        minHeight: z.number().int().positive().default(8),
        maxWidth: z.number().int().positive().default(20_000),
        maxHeight: z.number().int().positive().default(20_000),
      })
      .prefault({}),
    /** Audio: bounds on duration in seconds. */
    audio: z
      .object({
        minSeconds: z.number().nonnegative().default(0.5),
        maxSeconds: z.number().positive().default(3_600),
      })
      .prefault({}),
  }))();

/**
 * How contributions that pass validation are reviewed.
 *
 * @example
 * import { ReviewPolicySchema } from '@openledger/datanet';
 * ReviewPolicySchema.parse({ mode: 'auto' });
 */
export const ReviewPolicySchema = /* @__PURE__ */ (() =>
  z.object({
    /** `owner`: the owner approves or rejects; `auto`: accepted on entry. */
    mode: z.enum(['owner', 'auto']).default('owner'),
  }))();

const Address = /* @__PURE__ */ (() =>
  z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'Expected a 0x-prefixed 20-byte address'))();

/**
 * zod schema of a datanet spec. `formats` defaults per `kind` (JSONL + CSV when `rows` is set),
 * limits default to OpenLedger's published rules, and every format must match the kind.
 *
 * @example
 * import { DatanetSpecSchema } from '@openledger/datanet';
 * const spec = DatanetSpecSchema.parse({ id: 'med-qa', name: 'Medical QA', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001' });
 */
export const DatanetSpecSchema = /* @__PURE__ */ (() =>
  z
    .object({
      /** URL-safe id: lower-case letters, digits, dashes. */
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Expected 2-63 of [a-z0-9-], starting alphanumeric'),
      name: z.string().min(1).max(100),
      summary: z.string().max(280).default(''),
      /** Markdown description. */
      description: z.string().max(20_000).default(''),
      tags: z.array(z.string().min(1).max(32)).max(16).default([]),
      owner: Address,
      kind: z.enum(['text', 'image', 'audio']),
      formats: z.array(z.enum(DATANET_FORMATS)).min(1).optional(),
      limits: DatanetLimitsSchema.prefault({}),
      rules: DatanetRulesSchema.prefault({}),
      rows: RowRulesSchema.optional(),
      review: ReviewPolicySchema.prefault({}),
    })
    .transform((s) => ({
      ...s,
      formats: [
        ...new Set(s.formats ?? (s.rows ? (['jsonl', 'csv'] as DatanetFormat[]) : DEFAULT_FORMATS[s.kind])),
      ],
    }))
    .superRefine((s, ctx) => {
      for (const [i, f] of s.formats.entries()) {
        if (FORMAT_KIND[f] !== s.kind)
          ctx.addIssue({
            code: 'custom',
            path: ['formats', i],
            message: `Format "${f}" is ${FORMAT_KIND[f]}, but the datanet kind is "${s.kind}"`,
          });
      }
      if (s.rows && !s.formats.some((f) => f === 'jsonl' || f === 'csv'))
        ctx.addIssue({ code: 'custom', path: ['rows'], message: 'Row rules need the jsonl or csv format' });
      if (!s.rows && s.formats.some((f) => f === 'jsonl' || f === 'csv'))
        ctx.addIssue({
          code: 'custom',
          path: ['formats'],
          message: 'jsonl/csv formats need row rules (`rows`)',
        });
    }))();

// Schemas are built inside pure IIFEs so bundlers drop them (and zod) when only the pure
// helpers (rankContributors, checkQuota) are imported.

/** A datanet spec as written by its owner (defaults not yet applied). */
export type DatanetSpecInput = z.input<typeof DatanetSpecSchema>;
/** A complete datanet spec with every default applied. */
export type DatanetSpec = z.output<typeof DatanetSpecSchema>;
/** Size caps and quotas of a datanet. */
export type DatanetLimits = z.output<typeof DatanetLimitsSchema>;
/** Content rules of a datanet. */
export type DatanetRules = z.output<typeof DatanetRulesSchema>;
/** Row rules of a structured datanet. */
export type RowRules = z.output<typeof RowRulesSchema>;

/**
 * Check a datanet spec and fill in OpenLedger's default formats, limits and rules.
 * Throws a `ValidationError` (from core) naming the offending field when the spec is invalid.
 *
 * @example
 * import { defineDatanet } from '@openledger/datanet';
 * const spec = defineDatanet({
 *   id: 'instruct-en', name: 'English instructions', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001',
 *   rows: { schema: { type: 'object', required: ['instruction', 'output'],
 *     properties: { instruction: { type: 'string' }, output: { type: 'string' } } } },
 * });
 * spec.limits.maxFileBytes; // 5_000_000
 */
export function defineDatanet(spec: DatanetSpecInput): DatanetSpec {
  const r = DatanetSpecSchema.safeParse(spec);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
    code: i.code,
  }));
  const first = issues[0];
  throw new ValidationError(
    `Invalid datanet spec${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}.`,
    { issues, docsPath: '/datanet/specs' },
  );
}
