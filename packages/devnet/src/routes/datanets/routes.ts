import {
  ContributionSchema,
  ContributionStatusSchema,
  CreateDatanetBodySchema,
  CreateUploadBodySchema,
  DatanetLeaderboardSchema,
  DatanetSchema,
  MembershipProofSchema,
  pageSchema,
  ReviewBodySchema,
  UploadSchema,
  VersionSchema,
} from '@openledger/datanet';
import * as z from 'zod';
import type * as core from 'zod/v4/core';
import { defineRoute } from '../../api/defineRoute.js';
import { MAX_CHUNK_BYTES } from './service.js';

const ApiErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: `Error (${s})`, schema: ApiErrorBody }]));

/**
 * The datanet package's response schemas are zod/mini (small client bundles); the route seam
 * checks classic schemas by `instanceof`, so they travel in the object form, which it validates
 * with `safeParse` and documents with `z.toJSONSchema` all the same.
 */
const json = <S extends core.$ZodType>(schema: S) => ({
  schema: schema as unknown as z.ZodType<core.output<S>, core.input<S>>,
});

const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(255).optional() });
const PageQuery = {
  cursor: z.string().max(200).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
};
const DatanetParams = z.object({ datanetId: z.string().min(1).max(63) });
const UploadParams = z.object({ uploadId: z.string().min(1).max(64) });
const ContributionParams = z.object({ contributionId: z.string().min(1).max(64) });

export const createDatanetRoute = defineRoute({
  method: 'post',
  path: '/v1/datanets',
  summary: 'Create a datanet (the caller becomes its owner)',
  request: { headers: IdempotencyHeaders, body: CreateDatanetBodySchema },
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 201: json(DatanetSchema), ...errors(400, 401, 403, 409, 422) },
});

export const listDatanetsRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets',
  summary: 'List datanets, oldest first (cursor-paginated)',
  request: { query: z.object({ ...PageQuery, owner: z.string().optional() }) },
  responses: { 200: json(pageSchema(DatanetSchema)), ...errors(400) },
});

export const getDatanetRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}',
  summary: 'Read a datanet with its counts and latest version',
  request: { params: DatanetParams },
  responses: { 200: json(DatanetSchema), ...errors(404) },
});

export const createUploadRoute = defineRoute({
  method: 'post',
  path: '/v1/datanets/{datanetId}/uploads',
  summary: 'Open a resumable upload for one file (Idempotency-Key names the file)',
  description:
    'The same Idempotency-Key always returns the same session with the bytes received so far. A file over the per-file cap or today’s quota is recorded as rejected at entry at once and its session comes back complete.',
  request: { params: DatanetParams, headers: IdempotencyHeaders, body: CreateUploadBodySchema },
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 200: json(UploadSchema), 201: json(UploadSchema), ...errors(400, 401, 404, 422) },
});

export const getUploadRoute = defineRoute({
  method: 'get',
  path: '/v1/uploads/{uploadId}',
  summary: 'Read an upload session: how many bytes the server holds',
  request: { params: UploadParams },
  responses: { 200: json(UploadSchema), ...errors(401, 404) },
});

export const putChunkRoute = defineRoute({
  method: 'put',
  path: '/v1/uploads/{uploadId}',
  summary: 'Append bytes at the offset named by the Upload-Offset header',
  description:
    'A chunk the server already holds is acknowledged unchanged; one that starts past the held bytes answers 409 OFFSET_MISMATCH with details.offset to resume from.',
  request: {
    params: UploadParams,
    headers: z.object({ 'upload-offset': z.string().regex(/^\d{1,15}$/) }),
    body: { contentType: 'application/octet-stream', description: 'The chunk’s bytes.' },
  },
  maxBodyBytes: MAX_CHUNK_BYTES,
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 200: json(UploadSchema), ...errors(400, 401, 404, 409, 413) },
});

export const completeUploadRoute = defineRoute({
  method: 'post',
  path: '/v1/uploads/{uploadId}/complete',
  summary: 'Finish an upload: validate at entry, apply quotas, record the contribution',
  description: 'Idempotent by nature: repeating it returns the contribution the first call recorded.',
  request: { params: UploadParams, headers: IdempotencyHeaders },
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 200: json(ContributionSchema), ...errors(401, 404, 409, 422) },
});

export const listContributionsRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}/contributions',
  summary: 'List a datanet’s contributions, oldest first (cursor-paginated)',
  request: {
    params: DatanetParams,
    query: z.object({
      ...PageQuery,
      status: z.enum(ContributionStatusSchema.options).optional(),
      contributor: z.string().optional(),
    }),
  },
  responses: { 200: json(pageSchema(ContributionSchema)), ...errors(400, 404) },
});

export const getContributionRoute = defineRoute({
  method: 'get',
  path: '/v1/contributions/{contributionId}',
  summary: 'Read a contribution with its report and review',
  request: { params: ContributionParams },
  responses: { 200: json(ContributionSchema), ...errors(404) },
});

export const getContributionContentRoute = defineRoute({
  method: 'get',
  path: '/v1/contributions/{contributionId}/content',
  summary: 'Download the bytes of a contribution that passed entry',
  request: { params: ContributionParams },
  responses: { 200: { contentType: 'application/octet-stream', description: 'The file.' }, ...errors(404) },
});

export const reviewContributionRoute = defineRoute({
  method: 'post',
  path: '/v1/contributions/{contributionId}/review',
  summary: 'Accept or reject a pending contribution (datanet owner only)',
  request: { params: ContributionParams, headers: IdempotencyHeaders, body: ReviewBodySchema },
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 200: json(ContributionSchema), ...errors(401, 403, 404, 409, 422) },
});

export const publishVersionRoute = defineRoute({
  method: 'post',
  path: '/v1/datanets/{datanetId}/versions',
  summary: 'Publish the next version: a Merkle root over every accepted contribution (owner only)',
  request: { params: DatanetParams, headers: IdempotencyHeaders },
  // Idempotency is implemented by the service, in the same transaction as the write.
  idempotency: false,
  responses: { 201: json(VersionSchema), ...errors(401, 403, 404, 409, 422) },
});

export const listVersionsRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}/versions',
  summary: 'List a datanet’s versions (cursor-paginated)',
  request: { params: DatanetParams, query: z.object(PageQuery) },
  responses: { 200: json(pageSchema(VersionSchema)), ...errors(400, 404) },
});

const VersionParams = z.object({
  datanetId: z.string().min(1).max(63),
  version: z.union([z.literal('latest'), z.string().regex(/^[1-9]\d{0,8}$/)]),
});

export const getVersionRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}/versions/{version}',
  summary: 'Read one version (a number or `latest`)',
  request: { params: VersionParams },
  responses: { 200: json(VersionSchema), ...errors(404) },
});

export const getProofRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}/versions/{version}/proofs/{contributionId}',
  summary: 'Merkle proof that a contribution is in a version',
  request: {
    params: z.object({
      datanetId: z.string().min(1).max(63),
      version: z.string().regex(/^[1-9]\d{0,8}$/),
      contributionId: z.string().min(1).max(64),
    }),
  },
  responses: { 200: json(MembershipProofSchema), ...errors(404) },
});

export const getLeaderboardRoute = defineRoute({
  method: 'get',
  path: '/v1/datanets/{datanetId}/leaderboard',
  summary: 'The datanet’s leaderboard, recomputed at most once per refresh interval (hourly)',
  request: { params: DatanetParams },
  responses: { 200: json(DatanetLeaderboardSchema), ...errors(404) },
});
