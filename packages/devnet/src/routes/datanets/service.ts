import { createHash, randomBytes } from 'node:crypto';
import {
  type Contribution,
  type ContributionOutcome,
  type ContributionStatus,
  type CreateUploadBody,
  checkQuota,
  type Datanet,
  type DatanetLeaderboard,
  type DatanetSpec,
  DatanetSpecSchema,
  type LeaderboardPolicy,
  type MembershipProof,
  type Page,
  type QuotaUsage,
  type ContributorRanking as RankedLeaderboard,
  type Review,
  type ReviewBody,
  type Upload,
  type ValidationReport,
  type Version,
} from '@openledger/datanet';
import { ApiError } from '../../errors.js';
import type { DevnetQueryable, DevnetStorage } from '../../storage/types.js';
import { KeyedMutex } from './mutex.js';

/** How long Idempotency-Keys and unfinished upload sessions are kept: 24 hours. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;
/** How often, at most, expired keys and sessions are swept (on the next write). */
export const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** Largest chunk one `PUT /v1/uploads/:id` may carry. */
export const MAX_CHUNK_BYTES = 1 << 20;
/** Default and largest page size of list routes. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** Advisory lock every contribution-recording transaction takes: quotas are checked under it. */
const RECORD_LOCK = 0x6f6c_646e;
/** Leaderboards refresh hourly, the published rule. */
const LEADERBOARD_REFRESH_MS = 3_600_000;
type Hex = `0x${string}`;

/** What the entry check needs besides the spec and the bytes. */
export interface EntryContext {
  contributor: Hex;
  fileName: string;
  mediaType: string | null;
  usage: QuotaUsage | null;
  now: Date;
}

/** The pieces of the datanet package and core the service runs; injected so tests can swap clocks. */
export interface DatanetServiceDeps {
  storage: DevnetStorage;
  /** Clock; default `() => new Date()`. */
  now?: () => Date;
  /** Runs `validateContribution` on the received bytes. */
  validate(spec: DatanetSpec, bytes: Uint8Array, context: EntryContext): Promise<ValidationReport>;
  /** `rankContributors`. */
  rank(events: ContributionOutcome[], policy: LeaderboardPolicy): RankedLeaderboard;
  /** Merkle root over bytes32 leaves (OpenZeppelin-compatible). */
  merkleRoot(leaves: readonly Hex[]): Hex;
  /** Proof for the leaf at `index` in `leaves`. */
  merkleProof(leaves: readonly Hex[], index: number): Hex[];
}

interface DatanetRow {
  seq: string | number;
  id: string;
  owner: string;
  spec: unknown;
  latest_version: number | null;
  created_at: string;
}
interface UploadRow {
  id: string;
  datanet_id: string;
  contributor: string;
  idempotency_key: string;
  request_hash: string;
  file_name: string;
  media_type: string | null;
  size: string | number;
  content_hash: string;
  received: string | number;
  status: 'open' | 'complete';
  contribution_id: string | null;
  created_at: string;
}
interface ContributionRow {
  seq: string | number;
  id: string;
  datanet_id: string;
  upload_id: string;
  contributor: string;
  file_name: string;
  media_type: string | null;
  bytes: string | number;
  content_hash: string;
  status: ContributionStatus;
  score: number | null;
  report: ValidationReport;
  review: Review | null;
  day: string;
  created_at: string;
}
interface VersionRow {
  datanet_id: string;
  version: number;
  merkle_root: string;
  leaves: Array<[string, string]>;
  published_by: string;
  created_at: string;
}

/** Issue codes whose verdict only the atomic check at recording time may give. */
const RECHECKED = new Set([
  'DUPLICATE_CONTENT',
  'FILE_TOO_LARGE',
  'QUOTA_CONTRIBUTOR_BYTES',
  'QUOTA_CONTRIBUTOR_FILES',
  'QUOTA_DATANET_BYTES',
]);

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
const sha256Hex = (data: Uint8Array | string): Hex => `0x${createHash('sha256').update(data).digest('hex')}`;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Stable hash of a request (method, path, JSON body) for idempotency-key reuse checks. */
export function requestHash(parts: readonly unknown[]): string {
  return sha256Hex(JSON.stringify(parts, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export function encodeCursor(seq: string | number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ApiError(400, 'INVALID_REQUEST', 'Invalid cursor.');
  return Number(m[1]);
}

export function parseLimit(limit: string | undefined): number {
  if (limit === undefined || limit === '') return DEFAULT_LIMIT;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
    throw new ApiError(400, 'INVALID_REQUEST', `limit must be an integer in 1..${MAX_LIMIT}.`);
  return n;
}

/**
 * The datanet API's logic over the storage seam, independent of HTTP: contribution lifecycle,
 * resumable uploads, atomic quota checks, idempotent writes, versions and the leaderboard.
 */
export class DatanetService {
  readonly #db: DevnetStorage;
  readonly #deps: DatanetServiceDeps;
  readonly #now: () => Date;
  readonly #specs = new Map<string, DatanetSpec>();
  readonly #uploadLocks = new KeyedMutex();
  readonly #keyLocks = new KeyedMutex();
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(deps: DatanetServiceDeps) {
    this.#db = deps.storage;
    this.#deps = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  // ---- retention ----

  /**
   * Forget Idempotency-Keys and unfinished upload sessions (with their chunks) older than
   * {@link RETENTION_MS}, at most once per {@link SWEEP_EVERY_MS}: run before writes, so a
   * long-lived devnet does not keep every abandoned upload's bytes. Finished uploads stay (they
   * are the history of contributions and cost no chunk storage).
   */
  async #sweepIfDue(): Promise<void> {
    const now = this.#now().getTime();
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    const cutoff = new Date(now - RETENTION_MS).toISOString();
    await this.#db.query('delete from dn_idempotency where created_at < $1', [cutoff]);
    await this.#db.query("delete from dn_uploads where status = 'open' and created_at < $1", [cutoff]);
  }

  // ---- idempotency ----

  /**
   * Run a write once per (account, key): a repeat with the same request returns the stored
   * result, a repeat with a different request is refused, concurrent repeats wait for the first.
   * The result is stored in the same transaction as the write it describes.
   */
  async idempotent<T>(
    account: string,
    key: string | undefined,
    hash: string,
    fn: (tx: DevnetQueryable) => Promise<{ status: number; body: T }>,
  ): Promise<{ status: number; body: T }> {
    if (key === undefined) return this.#db.transaction(fn);
    await this.#sweepIfDue();
    if (key.length < 1 || key.length > 255)
      throw new ApiError(400, 'INVALID_REQUEST', 'Idempotency-Key must be 1..255 characters.');
    return this.#keyLocks.run(`${account}\u0000${key}`, async () => {
      const prior = await this.#db.query<{ request_hash: string; status: number; body: T }>(
        'select request_hash, status, body from dn_idempotency where account = $1 and key = $2',
        [account, key],
      );
      const row = prior.rows[0];
      if (row) {
        if (row.request_hash !== hash)
          throw new ApiError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used for a different request.',
          );
        return { status: row.status, body: row.body };
      }
      return this.#db.transaction(async (tx) => {
        const result = await fn(tx);
        await tx.query(
          'insert into dn_idempotency (account, key, request_hash, status, body, created_at) values ($1, $2, $3, $4, $5, $6)',
          [account, key, hash, result.status, JSON.stringify(result.body), this.#now().toISOString()],
        );
        return result;
      });
    });
  }

  // ---- datanets ----

  async createDatanet(tx: DevnetQueryable, account: Hex, spec: DatanetSpec): Promise<Datanet> {
    if (spec.owner.toLowerCase() !== account)
      throw new ApiError(403, 'FORBIDDEN', 'spec.owner must be the calling account.');
    const r = await tx.query<DatanetRow>(
      `insert into dn_datanets (id, owner, spec, created_at) values ($1, $2, $3, $4)
       on conflict (id) do nothing returning *`,
      [spec.id, account, JSON.stringify(spec), this.#now().toISOString()],
    );
    const row = r.rows[0];
    if (!row) throw new ApiError(409, 'DATANET_EXISTS', `A datanet with id "${spec.id}" exists already.`);
    return this.#toDatanet(tx, row);
  }

  async getDatanet(id: string): Promise<Datanet> {
    return this.#toDatanet(this.#db, await this.#datanetRow(this.#db, id));
  }

  async listDatanets(q: { cursor?: string; limit?: string; owner?: string }): Promise<Page<Datanet>> {
    const after = decodeCursor(q.cursor);
    const limit = parseLimit(q.limit);
    const r = await this.#db.query<DatanetRow>(
      `select * from dn_datanets where seq > $1 and ($2::text is null or owner = $2) order by seq limit $3`,
      [after, q.owner?.toLowerCase() ?? null, limit + 1],
    );
    const rows = r.rows.slice(0, limit);
    return {
      items: await Promise.all(rows.map((row) => this.#toDatanet(this.#db, row))),
      nextCursor: r.rows.length > limit ? encodeCursor(rows[rows.length - 1]!.seq) : null,
    };
  }

  async spec(id: string, db: DevnetQueryable = this.#db): Promise<DatanetSpec> {
    const cached = this.#specs.get(id);
    if (cached) return cached;
    const row = await this.#datanetRow(db, id);
    const spec = DatanetSpecSchema.parse(row.spec);
    this.#specs.set(id, spec);
    return spec;
  }

  async #datanetRow(db: DevnetQueryable, id: string): Promise<DatanetRow> {
    const r = await db.query<DatanetRow>('select * from dn_datanets where id = $1', [id]);
    if (!r.rows[0]) throw new ApiError(404, 'DATANET_NOT_FOUND', `No datanet with id "${id}".`);
    return r.rows[0];
  }

  async #toDatanet(db: DevnetQueryable, row: DatanetRow): Promise<Datanet> {
    const c = await db.query<{ status: ContributionStatus; n: string | number }>(
      'select status, count(*) as n from dn_contributions where datanet_id = $1 group by status',
      [row.id],
    );
    const n = (s: ContributionStatus) => Number(c.rows.find((x) => x.status === s)?.n ?? 0);
    return {
      id: row.id,
      spec: DatanetSpecSchema.parse(row.spec),
      latestVersion: row.latest_version,
      counts: {
        pendingReview: n('pending_review'),
        accepted: n('accepted'),
        rejected: n('rejected'),
        rejectedAtEntry: n('rejected_at_entry'),
      },
      createdAt: row.created_at,
    };
  }

  // ---- uploads ----

  /**
   * Open (or, for a known key, return) the upload session of one file. A file over the per-file
   * cap, or one today's quotas already rule out, is recorded at once as rejected at entry
   * (nothing to upload) and its session is returned complete.
   */
  async createUpload(
    account: Hex,
    datanetId: string,
    key: string | undefined,
    body: CreateUploadBody,
  ): Promise<{ created: boolean; upload: Upload }> {
    if (key === undefined || key.length < 1 || key.length > 255)
      throw new ApiError(
        400,
        'IDEMPOTENCY_KEY_REQUIRED',
        'Opening an upload needs an Idempotency-Key (1..255 chars).',
      );
    const spec = await this.spec(datanetId);
    await this.#sweepIfDue();
    const hash = requestHash([datanetId, body.fileName, body.size, body.contentHash, body.mediaType ?? null]);
    return this.#keyLocks.run(`${account}\u0000${key}`, async () => {
      const prior = await this.#db.query<UploadRow>(
        'select * from dn_uploads where contributor = $1 and idempotency_key = $2',
        [account, key],
      );
      if (prior.rows[0]) {
        if (prior.rows[0].request_hash !== hash)
          throw new ApiError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was used for a different file.',
          );
        return { created: false, upload: toUpload(prior.rows[0]) };
      }
      const now = this.#now();
      const id = newId('upl');
      const inserted = await this.#db.query<UploadRow>(
        `insert into dn_uploads (id, datanet_id, contributor, idempotency_key, request_hash, file_name, media_type,
           size, content_hash, status, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10)
         returning *`,
        [
          id,
          datanetId,
          account,
          key,
          hash,
          body.fileName,
          body.mediaType ?? null,
          body.size,
          body.contentHash,
          now.toISOString(),
        ],
      );
      // Usage only grows within a day, so a rejection on a snapshot stands under the lock too.
      const { usage } = await this.#usage(this.#db, account, datanetId, now);
      const quota = checkQuota(spec, usage, body.size, now);
      if (!quota.ok) {
        const report: ValidationReport = {
          status: 'rejected',
          score: 0,
          issues: quota.issues,
          omittedIssues: 0,
          kind: null,
          format: null,
          bytes: 0,
          rows: 0,
          contentHash: null,
          merkleRoot: null,
          chunkSize: 0,
          chunks: 0,
          quota,
          meta: {},
        };
        await this.#record(id, spec, report);
        return { created: true, upload: await this.getUpload(account, id) };
      }
      return { created: true, upload: toUpload(inserted.rows[0]!) };
    });
  }

  async getUpload(account: Hex, uploadId: string, db: DevnetQueryable = this.#db): Promise<Upload> {
    return toUpload(await this.#uploadRow(db, account, uploadId));
  }

  async #uploadRow(db: DevnetQueryable, account: Hex, uploadId: string, lock = false): Promise<UploadRow> {
    const r = await db.query<UploadRow>(
      `select * from dn_uploads where id = $1${lock ? ' for update' : ''}`,
      [uploadId],
    );
    const row = r.rows[0];
    // Someone else's upload answers like a missing one: ids are not secrets, but sessions are.
    if (!row || row.contributor !== account)
      throw new ApiError(404, 'UPLOAD_NOT_FOUND', `No upload with id "${uploadId}" for this account.`);
    return row;
  }

  /**
   * Append a chunk that starts at `offset`. A chunk the server already holds (a retry whose
   * answer was lost) is acknowledged without change; one that starts past the held bytes is
   * refused with the offset to resume from.
   */
  async putChunk(account: Hex, uploadId: string, offset: number, data: Uint8Array): Promise<Upload> {
    return this.#uploadLocks.run(uploadId, async () => {
      const row = await this.#uploadRow(this.#db, account, uploadId);
      const received = Number(row.received);
      const size = Number(row.size);
      if (row.status === 'complete') return toUpload(row);
      if (offset > received)
        throw new ApiError(409, 'OFFSET_MISMATCH', `The server holds ${received} bytes; resume from there.`, {
          body: { offset: received },
        });
      const end = offset + data.length;
      if (end > size)
        throw new ApiError(
          413,
          'CHUNK_TOO_LARGE',
          `The chunk runs past the declared size of ${size} bytes.`,
          {
            body: { offset: received, size },
          },
        );
      if (end <= received) return toUpload(row);
      // One statement, so the chunk and the new offset commit together; the `received` guard
      // makes a concurrent writer (another process on a shared database) fail instead of interleave.
      const u = await this.#db.query<UploadRow>(
        `with chunk as (insert into dn_upload_chunks (upload_id, start, data) values ($1, $2, $3))
         update dn_uploads set received = $4 where id = $1 and received = $2 and status = 'open' returning *`,
        [uploadId, received, data.subarray(received - offset), end],
      );
      if (!u.rows[0])
        throw new ApiError(409, 'OFFSET_MISMATCH', 'The upload moved on meanwhile; resume from its offset.');
      return toUpload(u.rows[0]);
    });
  }

  /**
   * Finish an upload: check the bytes against the declared hash, run `validateContribution`
   * again at entry, then record the contribution under the quota lock. Repeats return the
   * contribution the first call recorded.
   */
  async completeUpload(account: Hex, uploadId: string): Promise<Contribution> {
    return this.#uploadLocks.run(uploadId, async () => {
      const row = await this.#uploadRow(this.#db, account, uploadId);
      if (row.status === 'complete') return this.getContribution(row.contribution_id!);
      const received = Number(row.received);
      if (received < Number(row.size))
        throw new ApiError(409, 'UPLOAD_INCOMPLETE', `Only ${received} of ${row.size} bytes arrived.`, {
          body: { offset: received },
        });
      const chunks = await this.#db.query<{ data: Uint8Array }>(
        'select data from dn_upload_chunks where upload_id = $1 order by start',
        [uploadId],
      );
      // A plain Uint8Array, not a Buffer: decoders (pdf.js) refuse Buffers, whose slice() is a view.
      const bytes = new Uint8Array(Number(row.size));
      let at = 0;
      for (const c of chunks.rows) {
        bytes.set(c.data, at);
        at += c.data.length;
      }
      if (sha256Hex(bytes) !== row.content_hash) {
        await this.#db.transaction(async (tx) => {
          await tx.query('delete from dn_upload_chunks where upload_id = $1', [uploadId]);
          await tx.query('update dn_uploads set received = 0 where id = $1', [uploadId]);
        });
        throw new ApiError(
          422,
          'CONTENT_HASH_MISMATCH',
          'The received bytes do not match contentHash; upload again.',
          {
            body: { offset: 0 },
          },
        );
      }
      const spec = await this.spec(row.datanet_id);
      const now = this.#now();
      // Quotas are judged under the recording lock below; validation here judges the content.
      const report = await this.#deps.validate(spec, bytes, {
        contributor: account,
        fileName: row.file_name,
        mediaType: row.media_type,
        usage: null,
        now,
      });
      return this.#record(uploadId, spec, report, bytes);
    });
  }

  async #usage(
    db: DevnetQueryable,
    contributor: string,
    datanetId: string,
    now: Date,
    contentHash: string | null = null,
  ): Promise<{ usage: QuotaUsage; duplicate: boolean }> {
    const day = utcDay(now);
    const r = await db.query<{ cb: string | number; cf: string | number; db: string | number; dup: boolean }>(
      `select coalesce(sum(bytes) filter (where contributor = $1), 0) as cb,
              count(*) filter (where contributor = $1) as cf,
              coalesce(sum(bytes) filter (where datanet_id = $2), 0) as db,
              exists (select 1 from dn_contributions where datanet_id = $2 and content_hash = $4
                        and status in ('pending_review', 'accepted')) as dup
         from dn_contributions
        where day = $3 and status <> 'rejected_at_entry' and (contributor = $1 or datanet_id = $2)`,
      [contributor, datanetId, day, contentHash],
    );
    const u = r.rows[0]!;
    return {
      usage: {
        day,
        contributorBytes: Number(u.cb),
        contributorFiles: Number(u.cf),
        datanetBytes: Number(u.db),
      },
      duplicate: u.dup === true,
    };
  }

  /**
   * Record the contribution an upload became. Quotas and duplicates are decided here, under one
   * advisory lock held to commit, so concurrent uploads can never overrun a quota.
   */
  async #record(
    uploadId: string,
    spec: DatanetSpec,
    report: ValidationReport,
    bytes?: Uint8Array,
  ): Promise<Contribution> {
    const row = await this.#db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [RECORD_LOCK]);
      const up = (await tx.query<UploadRow>('select * from dn_uploads where id = $1 for update', [uploadId]))
        .rows[0]!;
      if (up.status === 'complete') return null;
      const now = this.#now();
      const contributor = up.contributor;
      const size = Number(up.size);
      const { usage, duplicate } = await this.#usage(tx, contributor, spec.id, now, up.content_hash);
      const quota = checkQuota(spec, usage, size, now);
      let final: ValidationReport = { ...report, quota };
      // Only a file whose bytes were checked can pass; the quota and duplicate verdicts are decided here.
      if (bytes && report.issues.every((i) => i.severity !== 'error' || RECHECKED.has(i.code))) {
        const issues = [...report.issues.filter((i) => !RECHECKED.has(i.code)), ...quota.issues];
        if (spec.rules.rejectDuplicateFiles && duplicate)
          issues.push({
            code: 'DUPLICATE_CONTENT',
            severity: 'error',
            message: 'The same file is already in this datanet.',
          });
        const rejected = issues.some((i) => i.severity === 'error');
        final = {
          ...final,
          issues,
          status: rejected ? 'rejected' : 'accepted',
          score: rejected ? 0 : report.score,
        };
      }
      const auto = spec.review.mode === 'auto';
      const status: ContributionStatus =
        final.status === 'rejected' ? 'rejected_at_entry' : auto ? 'accepted' : 'pending_review';
      const review: Review | null =
        status === 'accepted'
          ? {
              decision: 'accept',
              reviewer: null,
              reason: 'auto-accept policy',
              reviewedAt: now.toISOString(),
            }
          : null;
      const inserted = await tx.query<ContributionRow>(
        `insert into dn_contributions (id, datanet_id, upload_id, contributor, file_name, media_type, bytes,
           content_hash, status, score, report, review, day, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning *`,
        [
          newId('ctb'),
          spec.id,
          uploadId,
          contributor,
          up.file_name,
          up.media_type,
          size,
          up.content_hash,
          status,
          status === 'rejected_at_entry' ? null : final.score,
          JSON.stringify(final),
          review === null ? null : JSON.stringify(review),
          utcDay(now),
          now.toISOString(),
        ],
      );
      const c = inserted.rows[0]!;
      if (status !== 'rejected_at_entry' && bytes)
        await tx.query('insert into dn_blobs (content_hash, data) values ($1, $2) on conflict do nothing', [
          up.content_hash,
          bytes,
        ]);
      await tx.query(
        `with gone as (delete from dn_upload_chunks where upload_id = $1)
         update dn_uploads set status = 'complete', contribution_id = $2, received = size where id = $1`,
        [uploadId, c.id],
      );
      return c;
    });
    if (row) return toContribution(row);
    // Another request recorded this upload first: answer with what it recorded.
    const up = await this.#db.query<UploadRow>('select * from dn_uploads where id = $1', [uploadId]);
    return this.getContribution(up.rows[0]!.contribution_id!);
  }

  // ---- contributions ----

  async getContribution(id: string, db: DevnetQueryable = this.#db): Promise<Contribution> {
    const r = await db.query<ContributionRow>('select * from dn_contributions where id = $1', [id]);
    if (!r.rows[0]) throw new ApiError(404, 'CONTRIBUTION_NOT_FOUND', `No contribution with id "${id}".`);
    return toContribution(r.rows[0]);
  }

  async getContent(id: string): Promise<Uint8Array> {
    const c = await this.getContribution(id);
    const r = await this.#db.query<{ data: Uint8Array }>(
      'select data from dn_blobs where content_hash = $1',
      [c.contentHash],
    );
    if (!r.rows[0])
      throw new ApiError(404, 'CONTRIBUTION_NOT_FOUND', 'This contribution has no stored content.');
    return r.rows[0].data;
  }

  async listContributions(
    datanetId: string,
    q: { cursor?: string; limit?: string; status?: string; contributor?: string },
  ): Promise<Page<Contribution>> {
    await this.#datanetRow(this.#db, datanetId);
    const after = decodeCursor(q.cursor);
    const limit = parseLimit(q.limit);
    const r = await this.#db.query<ContributionRow>(
      `select * from dn_contributions
        where datanet_id = $1 and seq > $2 and ($3::text is null or status = $3) and ($4::text is null or contributor = $4)
        order by seq limit $5`,
      [datanetId, after, q.status ?? null, q.contributor?.toLowerCase() ?? null, limit + 1],
    );
    const rows = r.rows.slice(0, limit);
    return {
      items: rows.map(toContribution),
      nextCursor: r.rows.length > limit ? encodeCursor(rows[rows.length - 1]!.seq) : null,
    };
  }

  /**
   * The owner's decision. Repeating the same decision returns the contribution unchanged;
   * a different decision on a decided contribution is refused (decisions are final).
   */
  async review(tx: DevnetQueryable, account: Hex, id: string, body: ReviewBody): Promise<Contribution> {
    const r = await tx.query<ContributionRow>('select * from dn_contributions where id = $1 for update', [
      id,
    ]);
    const row = r.rows[0];
    if (!row) throw new ApiError(404, 'CONTRIBUTION_NOT_FOUND', `No contribution with id "${id}".`);
    const spec = await this.spec(row.datanet_id, tx);
    if (spec.owner.toLowerCase() !== account)
      throw new ApiError(403, 'FORBIDDEN', 'Only the datanet owner reviews contributions.');
    const wanted = body.decision === 'accept' ? 'accepted' : 'rejected';
    if (row.status === wanted && row.review?.decision === body.decision) return toContribution(row);
    if (row.status !== 'pending_review')
      throw new ApiError(409, 'NOT_REVIEWABLE', `The contribution is ${row.status}, not pending review.`, {
        body: { status: row.status },
      });
    const review: Review = {
      decision: body.decision,
      reviewer: account,
      reason: body.reason ?? null,
      reviewedAt: this.#now().toISOString(),
    };
    const u = await tx.query<ContributionRow>(
      'update dn_contributions set status = $2, review = $3 where id = $1 returning *',
      [id, wanted, JSON.stringify(review)],
    );
    return toContribution(u.rows[0]!);
  }

  // ---- versions ----

  /** Publish version N+1 over the content hashes of every accepted contribution, in acceptance-record order. */
  async publishVersion(tx: DevnetQueryable, account: Hex, datanetId: string): Promise<Version> {
    await tx.query('select pg_advisory_xact_lock($1)', [RECORD_LOCK]);
    const dn = (await tx.query<DatanetRow>('select * from dn_datanets where id = $1 for update', [datanetId]))
      .rows[0];
    if (!dn) throw new ApiError(404, 'DATANET_NOT_FOUND', `No datanet with id "${datanetId}".`);
    if (dn.owner !== account)
      throw new ApiError(403, 'FORBIDDEN', 'Only the datanet owner publishes versions.');
    const acc = await tx.query<{ id: string; content_hash: string }>(
      `select id, content_hash from dn_contributions where datanet_id = $1 and status = 'accepted' order by seq`,
      [datanetId],
    );
    const leaves: Array<[string, string]> = acc.rows.map((r) => [r.id, r.content_hash]);
    if (leaves.length === 0)
      throw new ApiError(409, 'NOTHING_TO_PUBLISH', 'The datanet has no accepted contribution yet.');
    if (dn.latest_version !== null) {
      const last = await this.#versionRow(tx, datanetId, dn.latest_version);
      if (JSON.stringify(last.leaves) === JSON.stringify(leaves))
        throw new ApiError(
          409,
          'NOTHING_TO_PUBLISH',
          `Nothing was accepted since version ${dn.latest_version}.`,
        );
    }
    const version = (dn.latest_version ?? 0) + 1;
    const root = this.#deps.merkleRoot(leaves.map((l) => l[1] as Hex));
    const r = await tx.query<VersionRow>(
      `insert into dn_versions (datanet_id, version, merkle_root, leaves, published_by, created_at)
       values ($1, $2, $3, $4, $5, $6) returning *`,
      [datanetId, version, root, JSON.stringify(leaves), account, this.#now().toISOString()],
    );
    await tx.query('update dn_datanets set latest_version = $2 where id = $1', [datanetId, version]);
    return toVersion(r.rows[0]!);
  }

  async #versionRow(db: DevnetQueryable, datanetId: string, version: number): Promise<VersionRow> {
    const r = await db.query<VersionRow>('select * from dn_versions where datanet_id = $1 and version = $2', [
      datanetId,
      version,
    ]);
    if (!r.rows[0])
      throw new ApiError(404, 'VERSION_NOT_FOUND', `Datanet "${datanetId}" has no version ${version}.`);
    return r.rows[0];
  }

  async getVersion(datanetId: string, version: number | 'latest'): Promise<Version> {
    let n = version;
    if (n === 'latest') {
      const dn = await this.#datanetRow(this.#db, datanetId);
      if (dn.latest_version === null)
        throw new ApiError(404, 'VERSION_NOT_FOUND', `Datanet "${datanetId}" has no published version.`);
      n = dn.latest_version;
    }
    return toVersion(await this.#versionRow(this.#db, datanetId, n));
  }

  async listVersions(datanetId: string, q: { cursor?: string; limit?: string }): Promise<Page<Version>> {
    await this.#datanetRow(this.#db, datanetId);
    const after = decodeCursor(q.cursor);
    const limit = parseLimit(q.limit);
    const r = await this.#db.query<VersionRow>(
      'select * from dn_versions where datanet_id = $1 and version > $2 order by version limit $3',
      [datanetId, after, limit + 1],
    );
    const rows = r.rows.slice(0, limit);
    return {
      items: rows.map(toVersion),
      nextCursor: r.rows.length > limit ? encodeCursor(rows[rows.length - 1]!.version) : null,
    };
  }

  async getProof(datanetId: string, version: number, contributionId: string): Promise<MembershipProof> {
    const row = await this.#versionRow(this.#db, datanetId, version);
    const index = row.leaves.findIndex((l) => l[0] === contributionId);
    if (index === -1)
      throw new ApiError(
        404,
        'CONTRIBUTION_NOT_FOUND',
        `Contribution "${contributionId}" is not in version ${version}.`,
      );
    const leaves = row.leaves.map((l) => l[1] as Hex);
    return {
      datanetId,
      version,
      contributionId,
      merkleRoot: row.merkle_root as Hex,
      contentHash: leaves[index]!,
      proof: this.#deps.merkleProof(leaves, index),
    };
  }

  // ---- leaderboard ----

  /**
   * The leaderboard of the current refresh bucket. `rankContributors` only counts owner decisions
   * made before the bucket started, so the board is fixed for the whole interval; it is cached per
   * bucket and recomputed on the first read of the next one.
   */
  async getLeaderboard(datanetId: string): Promise<DatanetLeaderboard> {
    await this.#datanetRow(this.#db, datanetId);
    const now = this.#now().getTime();
    const bucket = new Date(Math.floor(now / LEADERBOARD_REFRESH_MS) * LEADERBOARD_REFRESH_MS).toISOString();
    const cached = await this.#db.query<{ computed_at: string; entries: DatanetLeaderboard }>(
      'select computed_at, entries from dn_leaderboards where datanet_id = $1',
      [datanetId],
    );
    if (cached.rows[0]?.computed_at === bucket) return cached.rows[0].entries;
    const rows = await this.#db.query<Pick<ContributionRow, 'contributor' | 'status' | 'score' | 'review'>>(
      `select contributor, status, score, review from dn_contributions
        where datanet_id = $1 and status in ('accepted', 'rejected') order by seq`,
      [datanetId],
    );
    const events: ContributionOutcome[] = rows.rows.map((r) => ({
      contributor: r.contributor,
      status: r.status as 'accepted' | 'rejected',
      at: r.review!.reviewedAt,
      ...(r.score === null ? {} : { score: r.score }),
    }));
    const ranked = this.#deps.rank(events, { now, refreshMs: LEADERBOARD_REFRESH_MS });
    const board: DatanetLeaderboard = {
      datanetId,
      computedAt: new Date(ranked.asOf).toISOString(),
      nextRefreshAt: new Date(ranked.nextRefresh).toISOString(),
      windowStart: new Date(ranked.windowStart).toISOString(),
      entries: ranked.entries.map((e) => ({ ...e, contributor: e.contributor as Hex })),
    };
    await this.#db.query(
      `insert into dn_leaderboards (datanet_id, computed_at, next_refresh_at, entries) values ($1, $2, $3, $4)
       on conflict (datanet_id) do update set computed_at = $2, next_refresh_at = $3, entries = $4`,
      [datanetId, board.computedAt, board.nextRefreshAt, JSON.stringify(board)],
    );
    return board;
  }
}

function toUpload(r: UploadRow): Upload {
  return {
    id: r.id,
    datanetId: r.datanet_id,
    contributor: r.contributor as Hex,
    fileName: r.file_name,
    size: Number(r.size),
    offset: Number(r.received),
    contentHash: r.content_hash as Hex,
    status: r.status,
    contributionId: r.contribution_id,
    maxChunkBytes: MAX_CHUNK_BYTES,
    createdAt: r.created_at,
  };
}

function toContribution(r: ContributionRow): Contribution {
  return {
    id: r.id,
    datanetId: r.datanet_id,
    contributor: r.contributor as Hex,
    fileName: r.file_name,
    mediaType: r.media_type,
    bytes: Number(r.bytes),
    contentHash: r.content_hash as Hex,
    status: r.status,
    score: r.score,
    report: r.report as unknown as Contribution['report'],
    review: r.review,
    createdAt: r.created_at,
  };
}

function toVersion(r: VersionRow): Version {
  return {
    datanetId: r.datanet_id,
    version: r.version,
    merkleRoot: r.merkle_root as Hex,
    leafCount: r.leaves.length,
    publishedBy: r.published_by as Hex,
    createdAt: r.created_at,
  };
}
