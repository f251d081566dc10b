// zod/mini keeps the same checks with a fraction of classic zod's bundle: a browser extension
// that only verifies records should not carry all of zod.
import * as z from 'zod/mini';

// Schemas are built inside pure IIFEs so bundlers drop them from bundles that never use them.
const hex32 = /* @__PURE__ */ (() =>
  z.string().check(z.regex(/^0x[0-9a-f]{64}$/, 'expected a lower-case 0x-prefixed 32-byte hex string')))();
const address = /* @__PURE__ */ (() =>
  z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address')))();

/** Which datanet version trained an adapter, and with what weight. */
export const LineageEntrySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    datanetId: z.string().check(z.minLength(1)),
    version: z.int().check(z.nonnegative()),
    weight: z.number().check(z.nonnegative()),
  }))();

/** An adapter used for the inference, with its weight in the output and its training lineage. */
export const AdapterLineageSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    adapterId: z.string().check(z.minLength(1)),
    weight: z.number().check(z.nonnegative()),
    lineage: z.array(LineageEntrySchema),
  }))();

/** One credited training contribution. `share`s of a record sum to 1 (or the list is empty). */
export const RecordContributionSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    contributionId: z.string().check(z.minLength(1)),
    datanetId: z.string().check(z.minLength(1)),
    contributor: address,
    score: z.number(),
    share: z.number().check(z.gte(0), z.lte(1)),
  }))();

/**
 * The signed statement of which training contributions an inference is attributed to.
 *
 * @example
 * import { AttributionRecordSchema } from '@openledger/attribution';
 * const parsed = AttributionRecordSchema.safeParse(JSON.parse('{}'));
 * if (!parsed.success) console.log(parsed.error.issues[0]?.path);
 */
export const AttributionRecordSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    /** Record format version. */
    version: z.literal(1),
    inferenceId: z.string().check(z.minLength(1)),
    modelId: z.string().check(z.minLength(1)),
    adapters: z.array(AdapterLineageSchema),
    method: z.strictObject({
      name: z.enum(['span', 'influence', 'tracin', 'datainf', 'representer', 'embedding-similarity']),
      params: z.record(z.string(), z.json()),
    }),
    /** Hash of the span index the evidence refers to (span attribution), else null. */
    indexHash: z.nullable(hex32),
    contributions: z.array(RecordContributionSchema),
    /** keccak256 of the canonical JSON of the evidence (spans, or per-example scores). */
    evidenceHash: hex32,
    /** ISO-8601 time the record was made. */
    createdAt: z.iso.datetime(),
  }))();

/** A parsed {@link AttributionRecordSchema}. */
export type AttributionRecord = z.infer<typeof AttributionRecordSchema>;
/** A record's adapter with lineage. */
export type AdapterLineage = z.infer<typeof AdapterLineageSchema>;
/** A credited contribution inside a record. */
export type RecordContribution = z.infer<typeof RecordContributionSchema>;
