import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';

// Response schemas use zod/mini so that an app importing one action bundles a few kB of zod
// rather than all of it; request bodies (parsed by the devnet) use classic zod.
function hexSchema(pattern: RegExp, message: string): z.ZodMiniType<`0x${string}`, `0x${string}`> {
  return z.string().check(z.regex(pattern, message)) as unknown as z.ZodMiniType<
    `0x${string}`,
    `0x${string}`
  >;
}

/**
 * A 0x-prefixed 32-byte hex string (lowercase), the wire form of content hashes and Merkle roots.
 *
 * @example
 * import { Bytes32Schema } from '@openledger/datanet';
 * Bytes32Schema.parse(`0x${'ab'.repeat(32)}`);
 */
export const Bytes32Schema = /* @__PURE__ */ (() =>
  hexSchema(/^0x[0-9a-f]{64}$/, 'expected 0x followed by 64 lowercase hex digits'))();

/**
 * A 0x-prefixed 20-byte account address, compared case-insensitively (kept lowercase on the wire).
 *
 * @example
 * import { AddressSchema } from '@openledger/datanet';
 * AddressSchema.parse('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'); // lowercased
 */
export const AddressSchema = /* @__PURE__ */ (() =>
  z.pipe(
    z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address')),
    z.transform((s: string) => s.toLowerCase() as `0x${string}`),
  ))();

/**
 * ISO-8601 timestamp as the API sends it.
 *
 * @example
 * import { TimestampSchema } from '@openledger/datanet';
 * TimestampSchema.parse('2026-01-01T00:00:00.000Z');
 */
export const TimestampSchema = /* @__PURE__ */ (() => z.iso.datetime({ offset: true }))();

/**
 * The shape of one page of a cursor-paginated list: `items`, and `nextCursor` to pass back
 * for the next page (`null` on the last page).
 *
 * @example
 * import { pageSchema, ContributionSchema } from '@openledger/datanet';
 * const ContributionPageSchema = pageSchema(ContributionSchema);
 */
export function pageSchema<T extends core.$ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string().check(z.minLength(1))) });
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  nextCursor: string | null;
}

/**
 * Body of every API error: `{ error: { code, message, details? } }` (with an `x-request-id` header).
 *
 * @example
 * import { ApiErrorBodySchema } from '@openledger/datanet';
 * ApiErrorBodySchema.parse({ error: { code: 'DATANET_NOT_FOUND', message: 'No such datanet.' } });
 */
export const ApiErrorBodySchema = /* @__PURE__ */ (() =>
  z.object({
    error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
  }))();

/**
 * Stable `error.code` values the datanet routes answer with. Each comes with one HTTP status.
 *
 * @example
 * import { DatanetApiErrorCode } from '@openledger/datanet';
 * DatanetApiErrorCode.OffsetMismatch; // 'OFFSET_MISMATCH'
 */
export const DatanetApiErrorCode = {
  /** 400: the request body, query or a header is malformed. */
  InvalidRequest: 'INVALID_REQUEST',
  /** 401: no or an unknown API key. */
  Unauthorized: 'UNAUTHORIZED',
  /** 403: the account may not do this (e.g. review in someone else's datanet). */
  Forbidden: 'FORBIDDEN',
  /** 404 */
  DatanetNotFound: 'DATANET_NOT_FOUND',
  /** 404 */
  ContributionNotFound: 'CONTRIBUTION_NOT_FOUND',
  /** 404 */
  UploadNotFound: 'UPLOAD_NOT_FOUND',
  /** 404 */
  VersionNotFound: 'VERSION_NOT_FOUND',
  /** 409: a datanet with this id exists already. */
  DatanetExists: 'DATANET_EXISTS',
  /** 409: a chunk started past the bytes the server holds; `details.offset` says where to resume. */
  OffsetMismatch: 'OFFSET_MISMATCH',
  /** 409: `complete` before every byte arrived; `details.offset` says how many did. */
  UploadIncomplete: 'UPLOAD_INCOMPLETE',
  /** 413: a chunk is larger than the server takes in one request, or runs past the declared size. */
  ChunkTooLarge: 'CHUNK_TOO_LARGE',
  /** 422: the received bytes do not hash to the declared `contentHash`. */
  ContentHashMismatch: 'CONTENT_HASH_MISMATCH',
  /** 400: a mutating request without the `Idempotency-Key` header it needs. */
  IdempotencyKeyRequired: 'IDEMPOTENCY_KEY_REQUIRED',
  /** 422: an `Idempotency-Key` reused with a different request. */
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** 409: the contribution was reviewed already, or is not pending review. */
  NotReviewable: 'NOT_REVIEWABLE',
  /** 409: no accepted contribution changed since the last version. */
  NothingToPublish: 'NOTHING_TO_PUBLISH',
} as const;

/** One of the {@link DatanetApiErrorCode} values. */
export type DatanetApiErrorCode = (typeof DatanetApiErrorCode)[keyof typeof DatanetApiErrorCode];
