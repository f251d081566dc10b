import * as zc from 'zod';
import * as z from 'zod/mini';
import { AddressSchema, Bytes32Schema, TimestampSchema } from './common.js';

/**
 * Where a contribution stands. `rejected_at_entry`: failed validation or quota at entry (kept
 * with its report, costs nothing, earns nothing); `pending_review`: passed entry, waits for the
 * owner; `accepted` / `rejected`: the owner's decision (or the spec's auto-accept policy).
 *
 * @example
 * import { ContributionStatusSchema } from '@openledger/datanet';
 * ContributionStatusSchema.options; // ['rejected_at_entry', 'pending_review', 'accepted', 'rejected']
 */
export const ContributionStatusSchema = /* @__PURE__ */ (() =>
  z.enum(['rejected_at_entry', 'pending_review', 'accepted', 'rejected']))();

/** One of the states in {@link ContributionStatusSchema}. */
export type ContributionStatus = z.infer<typeof ContributionStatusSchema>;

/**
 * Wire form of one validation issue. Extra fields a newer server adds are kept.
 *
 * @example
 * import { ValidationReportIssueSchema } from '@openledger/datanet';
 * ValidationReportIssueSchema.parse({ code: 'empty_file', message: 'The file is empty.' });
 */
export const ValidationReportIssueSchema = /* @__PURE__ */ (() =>
  z.looseObject({
    code: z.string(),
    message: z.string(),
    row: z.optional(z.int()),
    path: z.optional(z.array(z.union([z.string(), z.number()]))),
    offset: z.optional(z.int()),
  }))();

/**
 * Wire form of the `ValidationReport` that `validateContribution` returns, as the server
 * stores it with each contribution. Extra fields are kept.
 *
 * @example
 * import { ValidationReportWireSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const report = ValidationReportWireSchema.parse(json);
 */
export const ValidationReportWireSchema = /* @__PURE__ */ (() =>
  z.looseObject({
    status: z.enum(['accepted', 'rejected']),
    score: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(1)))),
    issues: z.array(ValidationReportIssueSchema),
    bytes: z.int().check(z.gte(0)),
  }))();

/** The report a contribution carries, as parsed from the wire. */
export type ValidationReportWire = z.infer<typeof ValidationReportWireSchema>;

/**
 * The owner's decision on a contribution. `reviewer` is `null` when the spec's auto-accept
 * policy decided.
 *
 * @example
 * import { ReviewSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * ReviewSchema.parse(json).decision; // 'accept' | 'reject'
 */
export const ReviewSchema = /* @__PURE__ */ (() =>
  z.object({
    decision: z.enum(['accept', 'reject']),
    reviewer: z.nullable(AddressSchema),
    reason: z.nullable(z.string()),
    reviewedAt: TimestampSchema,
  }))();

/** See {@link ReviewSchema}. */
export type Review = z.infer<typeof ReviewSchema>;

/**
 * A contribution as the API returns it. Immutable once recorded, except for its `status`
 * moving from `pending_review` to `accepted`/`rejected` (with `review` set).
 *
 * @example
 * import { ContributionSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const c = ContributionSchema.parse(json);
 * if (c.status === 'rejected_at_entry') console.log(c.report.issues);
 */
export const ContributionSchema = /* @__PURE__ */ (() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    datanetId: z.string().check(z.minLength(1)),
    contributor: AddressSchema,
    fileName: z.string(),
    mediaType: z.nullable(z.string()),
    bytes: z.int().check(z.gte(0)),
    /** sha256 of the file's bytes: the leaf a version's Merkle tree commits to. */
    contentHash: Bytes32Schema,
    status: ContributionStatusSchema,
    /** The validation score in 0..1 for files that passed entry, else `null`. */
    score: z.nullable(z.number().check(z.gte(0), z.lte(1))),
    report: ValidationReportWireSchema,
    review: z.nullable(ReviewSchema),
    createdAt: TimestampSchema,
  }))();

/** See {@link ContributionSchema}. */
export type Contribution = z.infer<typeof ContributionSchema>;

/**
 * Body of `POST /v1/contributions/:id/review`.
 *
 * @example
 * import { ReviewBodySchema } from '@openledger/datanet';
 * ReviewBodySchema.parse({ decision: 'reject', reason: 'off topic' });
 */
export const ReviewBodySchema = /* @__PURE__ */ (() =>
  zc.object({
    decision: zc.enum(['accept', 'reject']),
    reason: zc.string().max(2000).optional(),
  }))();

/** See {@link ReviewBodySchema}. */
export type ReviewBody = zc.infer<typeof ReviewBodySchema>;
