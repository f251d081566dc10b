import * as zc from 'zod';
import * as z from 'zod/mini';
import { AddressSchema, Bytes32Schema, TimestampSchema } from './common.js';

/**
 * Body of `POST /v1/datanets/:id/uploads`, which opens a resumable upload session. The
 * request's `Idempotency-Key` names the file: the same key always returns the same session
 * (with the bytes received so far), so a retried or restarted upload never makes a second
 * contribution.
 *
 * @example
 * import { CreateUploadBodySchema } from '@openledger/datanet';
 * CreateUploadBodySchema.parse({ fileName: 'a.txt', size: 5, contentHash: `0x${'00'.repeat(32)}` });
 */
export const CreateUploadBodySchema = /* @__PURE__ */ (() =>
  zc.object({
    fileName: zc.string().min(1).max(255),
    size: zc.number().int().nonnegative(),
    /** sha256 of the whole file; the server checks the received bytes against it. */
    contentHash: zc.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x followed by 64 lowercase hex digits'),
    mediaType: zc.string().max(255).optional(),
  }))();

/** See {@link CreateUploadBodySchema}. */
export type CreateUploadBody = zc.infer<typeof CreateUploadBodySchema>;

/**
 * A resumable upload session. `offset` is how many bytes the server holds: a client that lost
 * its connection reads it (`GET /v1/uploads/:id`) and continues from there with
 * `PUT /v1/uploads/:id` and an `Upload-Offset` header. Once `complete`, `contributionId` names
 * the contribution it became.
 *
 * @example
 * import { UploadSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const u = UploadSchema.parse(json);
 * console.log(`${u.offset} of ${u.size} bytes received`);
 */
export const UploadSchema = /* @__PURE__ */ (() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    datanetId: z.string().check(z.minLength(1)),
    contributor: AddressSchema,
    fileName: z.string(),
    size: z.int().check(z.gte(0)),
    offset: z.int().check(z.gte(0)),
    contentHash: Bytes32Schema,
    status: z.enum(['open', 'complete']),
    contributionId: z.nullable(z.string()),
    /** The largest chunk the server accepts in one `PUT`. */
    maxChunkBytes: z.int().check(z.gt(0)),
    createdAt: TimestampSchema,
  }))();

/** See {@link UploadSchema}. */
export type Upload = z.infer<typeof UploadSchema>;

/**
 * Header carrying the byte offset a `PUT /v1/uploads/:id` chunk starts at.
 *
 * @example
 * import { UPLOAD_OFFSET_HEADER } from '@openledger/datanet';
 * const headers = { [UPLOAD_OFFSET_HEADER]: '0' };
 */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';
