import type { DatanetSpec } from '../spec/defineDatanet.js';
import type { DatanetFormat, DatanetKind } from '../spec/formats.js';

/**
 * Stable codes of the issues a {@link ValidationReport} can carry. Apps switch on these;
 * messages are for humans and may change.
 */
export type ContributionIssueCode =
  // format and kind (checked first, from the content's magic bytes / structure)
  | 'FORMAT_UNKNOWN'
  | 'FORMAT_NOT_ALLOWED'
  | 'KIND_MISMATCH'
  | 'EXTENSION_MISMATCH'
  | 'DECODER_NOT_LOADED'
  // size and quotas
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'QUOTA_CONTRIBUTOR_BYTES'
  | 'QUOTA_CONTRIBUTOR_FILES'
  | 'QUOTA_DATANET_BYTES'
  // decoding
  | 'INVALID_UTF8'
  | 'UTF8_BOM'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'PDF_HAS_IMAGES'
  | 'PDF_ENCRYPTED'
  | 'PDF_NO_TEXT'
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_RATIO'
  | 'IMAGE_TOO_SMALL'
  | 'IMAGE_TOO_LARGE'
  | 'AUDIO_TOO_SHORT'
  | 'AUDIO_TOO_LONG'
  | 'AUDIO_UNSUPPORTED_CODEC'
  // rows (JSONL / CSV)
  | 'LINE_TOO_LONG'
  | 'INVALID_JSON'
  | 'ROW_SCHEMA'
  | 'ROW_NOT_OBJECT'
  | 'CSV_RAGGED_ROW'
  | 'CSV_UNTERMINATED_QUOTE'
  | 'CSV_BAD_HEADER'
  | 'FIELD_TOO_SHORT'
  | 'FIELD_TOO_LONG'
  | 'LANGUAGE_MISSING'
  | 'LANGUAGE_NOT_ALLOWED'
  | 'DUPLICATE_ROW'
  | 'TOO_FEW_ROWS'
  | 'TOO_MANY_ROWS'
  | 'TOO_MANY_ROW_ERRORS'
  // content
  | 'NEAR_EMPTY'
  | 'DUPLICATE_CONTENT';

/** One finding about a contribution. Errors reject the file; warnings only lower its score. */
export interface ContributionIssue {
  code: ContributionIssueCode;
  severity: 'error' | 'warning';
  message: string;
  /** 1-based data row (JSONL line / CSV record after the header), where one applies. */
  row?: number;
  /** Field path inside the row, e.g. `['messages', 0, 'content']`. */
  path?: Array<string | number>;
  /** Byte offset into the file where the problem starts. */
  offset?: number;
}

/** Quota numbers for the contributor's and the datanet's current UTC day. */
export interface QuotaUsage {
  /** UTC day these counts are for, `YYYY-MM-DD`. Counts for another day are treated as zero. */
  day: string;
  /** Bytes this contributor uploaded today, across all datanets. */
  contributorBytes: number;
  /** Files this contributor uploaded today, across all datanets. */
  contributorFiles: number;
  /** Bytes uploaded to this datanet today, by everyone. */
  datanetBytes: number;
}

/** What {@link checkQuota} found: the caps, what is used, and what is left today. */
export interface QuotaCheck {
  ok: boolean;
  /** UTC day the numbers are for, `YYYY-MM-DD`. */
  day: string;
  /** When today's quotas reset (next UTC midnight), ISO 8601. */
  resetsAt: string;
  /** Largest file that would be accepted right now: min of the per-file cap and every quota left. */
  maxBytesNow: number;
  file: { bytes: number | null; limit: number };
  contributorBytes: { used: number; limit: number; remaining: number };
  contributorFiles: { used: number; limit: number; remaining: number };
  datanetBytes: { used: number; limit: number; remaining: number };
  issues: ContributionIssue[];
}

/** Facts a decoder learned about a file. */
export interface ContributionMeta {
  /** Text files: characters (code points) and lines; PDF: pages. */
  text?: { chars: number; lines: number; pages?: number };
  image?: { width: number; height: number; bitDepth?: number; channels?: number; frames?: number };
  audio?: { codec: string; sampleRate: number; channels: number; durationSeconds: number; bitrate?: number };
}

/**
 * The verdict on one contribution. `status` is `rejected` as soon as any issue has severity
 * `error`. Hashes are `0x`-prefixed lower-case hex; they are `null` when validation stopped
 * before reading the whole file (a file rejected on format or size is not read to the end).
 */
export interface ValidationReport {
  status: 'accepted' | 'rejected';
  /** 0..1 for accepted files (see README "Scores"); 0 for rejected ones. */
  score: number;
  issues: ContributionIssue[];
  /** Issues left out of `issues` once `maxIssues` was reached. */
  omittedIssues: number;
  kind: DatanetKind | null;
  /** Format detected from the content (never from the file name alone). */
  format: DatanetFormat | null;
  /** Bytes read. Equals the file size when `contentHash` is set. */
  bytes: number;
  /** Data rows checked (JSONL lines / CSV records); 0 for other formats. */
  rows: number;
  /** sha256 of the whole file. */
  contentHash: `0x${string}` | null;
  /** RFC 6962 Merkle tree hash (sha256) over `chunkSize`-byte chunks of the file. */
  merkleRoot: `0x${string}` | null;
  chunkSize: number;
  chunks: number;
  quota: QuotaCheck;
  meta: ContributionMeta;
}

/** Progress of a running validation. */
export interface ValidationProgress {
  bytes: number;
  /** Total bytes, when the input's size is known up front. */
  totalBytes: number | null;
  rows: number;
}

/** What a decoder is given. */
export interface DecodeContext {
  spec: DatanetSpec;
  format: DatanetFormat;
  signal?: AbortSignal | undefined;
}

/** What a decoder returns: issues (errors reject the file) and facts about the content. */
export interface DecodeResult {
  issues: ContributionIssue[];
  meta?: ContributionMeta;
  /** Extracted text (PDF, DOCX): checked against the near-empty rule. */
  text?: string;
}

/**
 * Plug-in that understands binary formats (PDF, DOCX, images, audio). Shipped behind the
 * subpaths `@openledger/datanet/pdf`, `/docx`, `/image`, `/audio` so the core bundle stays small.
 */
export interface ContributionDecoder {
  /** Short name for messages, e.g. `pdf`. */
  name: string;
  formats: readonly DatanetFormat[];
  /** Decode the whole file (at most `limits.maxFileBytes`, already size-checked). */
  decode(bytes: Uint8Array, context: DecodeContext): DecodeResult | Promise<DecodeResult>;
}

/**
 * Inputs `validateContribution` accepts: a `Blob`/`File`, a Web `ReadableStream`, bytes,
 * any async iterable of byte chunks (a Node `Readable`), or — in Node only — a file path.
 */
export type ContributionInput =
  | Blob
  | ReadableStream<Uint8Array>
  | Uint8Array
  | ArrayBuffer
  | AsyncIterable<Uint8Array>
  | string;
