import { z } from 'zod';

// Schemas are built inside pure IIFEs so bundlers drop them from bundles that never use them.
const hex32 = /* @__PURE__ */ (() =>
  z.string().regex(/^0x[0-9a-f]{64}$/, 'expected a lower-case 0x-prefixed 32-byte hex string'))();
const address = /* @__PURE__ */ (() =>
  z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address'))();

/** Which datanet version trained an adapter, and with what weight. */
export const LineageEntrySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    datanetId: z.string().min(1),
    version: z.number().int().nonnegative(),
    weight: z.number().finite().nonnegative(),
  }))();

/** An adapter used for the inference, with its weight in the output and its training lineage. */
export const AdapterLineageSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    adapterId: z.string().min(1),
    weight: z.number().finite().nonnegative(),
    lineage: z.array(LineageEntrySchema),
  }))();

/** One credited training contribution. `share`s of a record sum to 1 (or the list is empty). */
export const RecordContributionSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    contributionId: z.string().min(1),
    datanetId: z.string().min(1),
    contributor: address,
    score: z.number().finite(),
    share: z.number().finite().min(0).max(1),
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
    inferenceId: z.string().min(1),
    modelId: z.string().min(1),
    adapters: z.array(AdapterLineageSchema),
    method: z.strictObject({
      name: z.enum(['span', 'influence', 'tracin', 'datainf', 'representer', 'embedding-similarity']),
      params: z.record(z.string(), z.json()),
    }),
    /** Hash of the span index the evidence refers to (span attribution), else null. */
    indexHash: hex32.nullable(),
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
