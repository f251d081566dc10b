import {
  AbortError,
  createIdempotencyKey,
  isAbortError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  type OpenLedgerClient,
  ValidationError,
} from '@openledger/core';
import * as z from 'zod/mini';
import { type Contribution, ContributionSchema } from '../api/contribution.js';
import { UPLOAD_OFFSET_HEADER, type Upload, UploadSchema } from '../api/upload.js';
import type { DatanetSpec } from '../spec/defineDatanet.js';
import { createSha256 } from '../validate/hash.js';
import type { ContributionDecoder, QuotaUsage, ValidationReport } from '../validate/types.js';
import { validateContribution } from '../validate/validateContribution.js';

const DEFAULT_CHUNK_BYTES = 256 * 1024;

// The API sends specs with every default applied, which is what validateContribution needs.
// Reading one through this envelope (zod/mini) keeps the full spec schema, and classic zod,
// out of the bundle of an app that only uploads.
const SpecEnvelopeSchema = /* @__PURE__ */ (() =>
  z.object({
    spec: z.looseObject({
      id: z.string(),
      kind: z.enum(['text', 'image', 'audio']),
      formats: z.array(z.string()),
      limits: z.looseObject({
        maxFileBytes: z.number(),
        contributorBytesPerDay: z.number(),
        datanetBytesPerDay: z.number(),
        contributorFilesPerDay: z.number(),
        maxLineBytes: z.number(),
      }),
      rules: z.looseObject({}),
      review: z.looseObject({}),
    }),
  }))();
const HASH_READ_BYTES = 1 << 20;

/** Progress of {@link submitContribution}: which phase, and bytes the server confirmed holding. */
export interface SubmitContributionProgress {
  phase: 'validating' | 'uploading' | 'completing';
  /** Bytes read (validating) or confirmed received by the server (uploading). */
  bytes: number;
  totalBytes: number;
  /** 0..1 within the phase. */
  percent: number;
}

/** Parameters of {@link submitContribution}. */
export interface SubmitContributionParameters {
  datanetId: string;
  /** The file: a `File`/`Blob` (in Node, `await fs.openAsBlob(path)`) or its bytes. */
  file: Blob | Uint8Array | ArrayBuffer;
  /** Required unless `file` is a `File` with a name. */
  fileName?: string;
  mediaType?: string;
  /** The datanet's spec, to validate locally without fetching it first. */
  spec?: DatanetSpec;
  /** Upload without validating locally first; the server validates at entry either way. */
  skipValidation?: boolean;
  /** Decoders for binary formats (`@openledger/datanet/pdf`, …) used by local validation. */
  decoders?: readonly ContributionDecoder[];
  /** Today's usage, when known, so local validation can warn about quotas before uploading. */
  usage?: QuotaUsage;
  /**
   * Names this file's upload: the same key always resumes the same upload and returns the same
   * contribution, also from another process after a crash. Default: a fresh random key per call.
   */
  idempotencyKey?: string;
  /** Bytes per `PUT` (default 256 KiB, at most what the server allows). */
  chunkSize?: number;
  /** Failed attempts in a row (no byte of progress in between) before giving up. Default 8. */
  maxAttempts?: number;
  onProgress?: (progress: SubmitContributionProgress) => void;
  signal?: AbortSignal;
}

/**
 * What {@link submitContribution} resolves to. `submitted: false` when local validation rejected
 * the file (nothing was uploaded); otherwise the contribution the server recorded, which may
 * still be `rejected_at_entry` (e.g. the daily quota ran out meanwhile).
 */
export type SubmitContributionReturnType =
  | { submitted: false; report: ValidationReport; contribution: null; idempotencyKey: null }
  | {
      submitted: true;
      /** The local validation report, unless `skipValidation`. */
      report: ValidationReport | null;
      contribution: Contribution;
      idempotencyKey: string;
      /** How many times the upload resumed after a failure. */
      resumes: number;
    };

/**
 * Validate a file locally, then upload it in chunks to a datanet and record it as a
 * contribution. The upload resumes from the byte offset the server holds after a dropped
 * connection or a server error, and one `Idempotency-Key` names the file, so retries (or a
 * second call with the same `idempotencyKey`) never create a second contribution.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { submitContribution } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'oldev_…' });
 * const file = new File(['Call me Ishmael. Some years ago, never mind how long.'], 'ch1.txt');
 * const result = await submitContribution(client, {
 *   datanetId: 'notes',
 *   file,
 *   onProgress: (p) => console.log(p.phase, Math.round(p.percent * 100)),
 * });
 * if (!result.submitted) console.log(result.report.issues);
 * else console.log(result.contribution.status); // 'pending_review'
 */
export async function submitContribution(
  client: OpenLedgerClient,
  params: SubmitContributionParameters,
): Promise<SubmitContributionReturnType> {
  const { signal, onProgress } = params;
  const blob = toBlob(params.file);
  const fileName = params.fileName ?? (blob as { name?: unknown }).name;
  if (typeof fileName !== 'string' || fileName.length === 0)
    throw new ValidationError('submitContribution needs a `fileName` (or a `File` that has one).', {
      issues: [{ path: ['fileName'], message: 'required' }],
    });
  const size = blob.size;
  const mediaType = params.mediaType ?? (blob.type || undefined);

  let report: ValidationReport | null = null;
  let contentHash: `0x${string}`;
  if (params.skipValidation) {
    contentHash = await hashBlob(blob, signal);
  } else {
    const spec =
      params.spec ??
      ((
        await client.request({
          path: `/v1/datanets/${encodeURIComponent(params.datanetId)}`,
          schema: SpecEnvelopeSchema,
          signal,
        })
      ).spec as unknown as DatanetSpec);
    report = await validateContribution(spec, blob, {
      fileName,
      now: new Date(),
      ...(params.usage ? { usage: params.usage } : {}),
      ...(params.decoders ? { decoders: params.decoders } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (p) =>
        onProgress?.({
          phase: 'validating',
          bytes: p.bytes,
          totalBytes: size,
          percent: size ? p.bytes / size : 1,
        }),
    });
    if (report.status === 'rejected')
      return { submitted: false, report, contribution: null, idempotencyKey: null };
    contentHash = report.contentHash ?? (await hashBlob(blob, signal));
  }

  const key = params.idempotencyKey ?? createIdempotencyKey();
  const maxAttempts = params.maxAttempts ?? 8;
  let failures = 0;
  let resumes = 0;
  // Retry an operation that is safe to repeat until it succeeds, counting failures that made
  // no progress; the client already retried each request, so these are longer outages.
  const persist = async <T>(op: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await op();
      } catch (e) {
        if (!isTransient(e) || ++failures >= maxAttempts) throw e;
        await sleep(Math.min(2_000, 50 * 2 ** failures), signal);
      }
    }
  };

  let upload = await persist(() =>
    client.request({
      method: 'POST',
      path: `/v1/datanets/${encodeURIComponent(params.datanetId)}/uploads`,
      json: { fileName, size, contentHash, ...(mediaType ? { mediaType } : {}) },
      schema: UploadSchema,
      idempotencyKey: key,
      signal,
    }),
  );
  const uploadPath = `/v1/uploads/${encodeURIComponent(upload.id)}`;
  const chunkSize = Math.max(1, Math.min(params.chunkSize ?? DEFAULT_CHUNK_BYTES, upload.maxChunkBytes));
  const reportUpload = (u: Upload) =>
    onProgress?.({
      phase: 'uploading',
      bytes: u.offset,
      totalBytes: size,
      percent: size ? u.offset / size : 1,
    });
  if (upload.offset > 0 && upload.status === 'open') resumes++;

  for (;;) {
    while (upload.status === 'open' && upload.offset < size) {
      if (signal?.aborted) throw new AbortError({ operation: 'Contribution upload', cause: signal.reason });
      reportUpload(upload);
      const start = upload.offset;
      const chunk = new Uint8Array(await blob.slice(start, Math.min(size, start + chunkSize)).arrayBuffer());
      try {
        upload = await client.request({
          method: 'PUT',
          path: uploadPath,
          body: chunk,
          headers: { 'content-type': 'application/octet-stream', [UPLOAD_OFFSET_HEADER]: String(start) },
          schema: UploadSchema,
          signal,
        });
        if (upload.offset > start) failures = 0;
      } catch (e) {
        // The server is the source of truth for the offset: ask it, then continue from there.
        if (!(isTransient(e) || isOffsetMismatch(e))) throw e;
        if (isTransient(e) && ++failures >= maxAttempts) throw e;
        if (isTransient(e)) await sleep(Math.min(2_000, 50 * 2 ** failures), signal);
        upload = await persist(() => client.request({ path: uploadPath, schema: UploadSchema, signal }));
        resumes++;
      }
    }
    reportUpload(upload);
    onProgress?.({ phase: 'completing', bytes: size, totalBytes: size, percent: 1 });
    try {
      const contribution =
        upload.status === 'complete' && upload.contributionId
          ? await persist(() =>
              client.request({
                path: `/v1/contributions/${encodeURIComponent(upload.contributionId!)}`,
                schema: ContributionSchema,
                signal,
              }),
            )
          : await persist(() =>
              client.request({
                method: 'POST',
                path: `${uploadPath}/complete`,
                schema: ContributionSchema,
                idempotencyKey: `${key}:complete`,
                signal,
              }),
            );
      return { submitted: true, report, contribution, idempotencyKey: key, resumes };
    } catch (e) {
      // Bytes went missing or arrived corrupted: the server says from where to send again.
      if (!isHttpError(e) || !['UPLOAD_INCOMPLETE', 'CONTENT_HASH_MISMATCH'].includes(apiCode(e.body) ?? ''))
        throw e;
      if (++failures >= maxAttempts) throw e;
      upload = await persist(() => client.request({ path: uploadPath, schema: UploadSchema, signal }));
      resumes++;
    }
  }
}

function toBlob(file: Blob | Uint8Array | ArrayBuffer): Blob {
  if (typeof Blob !== 'undefined' && file instanceof Blob) return file;
  if (file instanceof ArrayBuffer) return new Blob([file]);
  if (file instanceof Uint8Array) return new Blob([file as Uint8Array<ArrayBuffer>]);
  throw new ValidationError('`file` must be a Blob, a File, a Uint8Array or an ArrayBuffer.', {
    issues: [{ path: ['file'], message: 'unsupported input' }],
  });
}

async function hashBlob(blob: Blob, signal: AbortSignal | undefined): Promise<`0x${string}`> {
  const h = createSha256();
  for (let at = 0; at < blob.size; at += HASH_READ_BYTES) {
    if (signal?.aborted)
      throw new AbortError({ operation: 'Hashing the contribution', cause: signal.reason });
    h.update(new Uint8Array(await blob.slice(at, at + HASH_READ_BYTES).arrayBuffer()));
  }
  let hex = '';
  for (const b of h.digest()) hex += b.toString(16).padStart(2, '0');
  return `0x${hex}`;
}

function isTransient(e: unknown): boolean {
  if (isAbortError(e)) return false;
  if (isNetworkError(e) || isTimeoutError(e)) return true;
  return isHttpError(e) && (e.status >= 500 || e.status === 429 || e.status === 408);
}

function apiCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function isOffsetMismatch(e: unknown): boolean {
  return isHttpError(e) && e.status === 409 && apiCode(e.body) === 'OFFSET_MISMATCH';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new AbortError({ operation: 'Contribution upload', cause: signal.reason }));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortError({ operation: 'Contribution upload', cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
