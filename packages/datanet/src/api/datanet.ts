import * as z from 'zod';
import { DatanetSpecSchema } from '../spec/defineDatanet.js';
import { TimestampSchema } from './common.js';

/**
 * Counts of a datanet's contributions by status.
 *
 * @example
 * import { DatanetCountsSchema } from '@openledger/datanet';
 * DatanetCountsSchema.parse({ pendingReview: 1, accepted: 2, rejected: 0, rejectedAtEntry: 3 });
 */
export const DatanetCountsSchema = /* @__PURE__ */ (() =>
  z.object({
    pendingReview: z.number().int().nonnegative(),
    accepted: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    rejectedAtEntry: z.number().int().nonnegative(),
  }))();

/**
 * A datanet as the API returns it: its spec (defaults applied, `spec.owner` is the owner),
 * the latest published version number (`null` before the first) and counts by status.
 *
 * @example
 * import { DatanetSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const d = DatanetSchema.parse(json);
 * console.log(d.spec.name, d.counts.accepted);
 */
export const DatanetSchema = /* @__PURE__ */ (() =>
  z.object({
    id: z.string().min(1),
    spec: DatanetSpecSchema,
    latestVersion: z.number().int().positive().nullable(),
    counts: DatanetCountsSchema,
    createdAt: TimestampSchema,
  }))();

/** See {@link DatanetSchema}. */
export type Datanet = z.infer<typeof DatanetSchema>;

/**
 * Body of `POST /v1/datanets`. The spec must be JSON (row schemas as JSON Schema) and its
 * `owner` must be the calling account.
 *
 * @example
 * import { CreateDatanetBodySchema } from '@openledger/datanet';
 * declare const json: unknown;
 * CreateDatanetBodySchema.parse(json).spec.kind;
 */
export const CreateDatanetBodySchema = /* @__PURE__ */ (() => z.object({ spec: DatanetSpecSchema }))();
