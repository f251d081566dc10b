import { AbortError, ValidationError } from '@openledger/core';
import { checkQuota } from '../quota/checkQuota.js';
import type { DatanetSpec } from '../spec/defineDatanet.js';
import { type DatanetFormat, FORMAT_KIND, PLAIN_TEXT_FORMATS } from '../spec/formats.js';
import { classifyText, formatFromName, sniff } from './detect.js';
import { createSha256, toHex } from './hash.js';
import { ChunkMerkle } from './merkle.js';
import { CsvScanner, concat, JsonlScanner, type ScanContext, type Scanner, TextScanner } from './scan.js';
import { openSource } from './source.js';
import type {
  ContributionDecoder,
  ContributionInput,
  ContributionIssue,
  ContributionMeta,
  QuotaUsage,
  ValidationProgress,
  ValidationReport,
} from './types.js';

/**
 * Default Merkle chunk size of validation reports: 64 KiB.
 *
 * @example
 * import { MERKLE_CHUNK_SIZE } from '@openledger/datanet';
 * Math.ceil(1_000_000 / MERKLE_CHUNK_SIZE); // leaves of a 1 MB file: 16
 */
export const MERKLE_CHUNK_SIZE = 65_536;
const SNIFF_BYTES = 4_096;

/** Context of {@link validateContribution}. */
export interface ValidateContributionParameters {
  /** Contributor address (for messages and server logs; quotas come from `usage`). */
  contributor?: string;
  /** Today's usage for quota checks; omit for a fresh day. */
  usage?: QuotaUsage | null;
  /** Clock for the quota day; defaults to now. */
  now?: Date | number;
  /** sha256 (`0x` hex) of content already in the datanet: a set, an array, or a lookup. */
  existingHashes?:
    | ReadonlySet<string>
    | readonly string[]
    | ((hash: `0x${string}`) => boolean | Promise<boolean>);
  /** Stops validation with an `AbortError`. */
  signal?: AbortSignal;
  /** Called after each chunk read. */
  onProgress?: (progress: ValidationProgress) => void;
  /** Decoders for binary formats, from `@openledger/datanet/pdf`, `/docx`, `/image`, `/audio`. */
  decoders?: readonly ContributionDecoder[];
  /** File name used for the extension check when the input carries none (streams, bytes). */
  fileName?: string;
  /** Cap on issues listed in the report (default 100); more are counted in `omittedIssues`. */
  maxIssues?: number;
  /** Merkle chunk size in bytes (default 64 KiB). */
  chunkSize?: number;
}

/** What {@link validateContribution} resolves to. */
export type ValidateContributionReturnType = ValidationReport;

function isComplete(spec: DatanetSpec): boolean {
  const s = spec as Partial<DatanetSpec> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    Array.isArray(s.formats) &&
    typeof s.limits?.maxLineBytes === 'number' &&
    typeof s.rules?.minTextChars === 'number' &&
    typeof s.rules.image === 'object' &&
    typeof s.rules.audio === 'object'
  );
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError({ operation: 'Contribution validation', cause: signal.reason });
}

/**
 * Judge a file against a datanet spec before upload (browser) or at entry (server), cheapest
 * checks first: format by content, size and quotas, decoding, rows, content rules. Streams in
 * bounded memory; the report's `issues` carry stable codes. `spec` must be complete (from
 * `defineDatanet` or `DatanetSpecSchema.parse`). Throws only for misuse (incomplete spec,
 * unsupported input) and `AbortError` when `signal` fires.
 *
 * @example
 * import { defineDatanet, validateContribution } from '@openledger/datanet';
 * const spec = defineDatanet({ id: 'notes', name: 'Notes', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * const file = new File(['Call me Ishmael. Some years ago...'], 'ch1.txt');
 * const report = await validateContribution(spec, file, { contributor: '0xabc', now: new Date() });
 * if (report.status === 'rejected') console.log(report.issues.map((i) => i.code));
 */
export async function validateContribution(
  spec: DatanetSpec,
  file: ContributionInput,
  context: ValidateContributionParameters = {},
): Promise<ValidateContributionReturnType> {
  // A complete spec (defaults applied) keeps zod out of this function's bundle.
  if (!isComplete(spec))
    throw new ValidationError(
      'validateContribution needs a complete datanet spec: pass the result of defineDatanet() or DatanetSpecSchema.parse().',
      { docsPath: '/datanet/validation' },
    );
  const s = spec;
  const { signal, onProgress, decoders = [] } = context;
  const maxIssues = context.maxIssues ?? 100;
  const chunkSize = context.chunkSize ?? MERKLE_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 2 ** 30)
    throw new ValidationError(`chunkSize must be an integer from 1 to 2^30, got ${chunkSize}.`, {
      docsPath: '/datanet/validation',
    });
  const now = context.now ?? Date.now();
  if (signal?.aborted) throw abortError(signal);

  const issues: ContributionIssue[] = [];
  let omitted = 0;
  const emit = (i: ContributionIssue) => {
    if (issues.length < maxIssues) issues.push(i);
    else omitted++;
  };
  const meta: ContributionMeta = {};
  let format: DatanetFormat | null = null;
  let bytes = 0;
  let contentHash: `0x${string}` | null = null;
  let merkleRoot: `0x${string}` | null = null;
  let chunks = 0;
  let quota = checkQuota(s, context.usage, null, now);
  const ctx: ScanContext = { spec: s, emit, rows: 0, badRows: 0, stopped: false };

  const report = (): ValidationReport => {
    const errors = issues.some((i) => i.severity === 'error');
    const warnings = issues.filter((i) => i.severity === 'warning' && i.row === undefined).length;
    const rowFactor = ctx.rows > 0 ? (ctx.rows - ctx.badRows) / ctx.rows : 1;
    const score = errors ? 0 : Math.max(0, Math.min(1, rowFactor * Math.max(0.5, 1 - 0.05 * warnings)));
    return {
      status: errors ? 'rejected' : 'accepted',
      score: Math.round(score * 1e6) / 1e6,
      issues,
      omittedIssues: omitted,
      kind: format ? FORMAT_KIND[format] : null,
      format,
      bytes,
      rows: ctx.rows,
      contentHash,
      merkleRoot,
      chunkSize,
      chunks,
      quota,
      meta,
    };
  };

  const src = await openSource(file, context.fileName);
  const onAbort = () => void src.close().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // 1. Format by content: read just enough for the magic bytes.
    const pending: Uint8Array[] = [];
    let headLen = 0;
    while (headLen < SNIFF_BYTES) {
      const c = await src.next();
      if (signal?.aborted) throw abortError(signal);
      if (!c) break;
      pending.push(c);
      headLen += c.length;
    }
    if (headLen === 0) {
      emit({ code: 'FILE_EMPTY', severity: 'error', message: 'The file is empty.' });
      quota = checkQuota(s, context.usage, 0, now);
      return report();
    }
    const head = pending.length === 1 ? pending[0]!.subarray(0, SNIFF_BYTES) : joinHead(pending, SNIFF_BYTES);
    const sn = sniff(head);
    const claimed = formatFromName(src.name);
    if (sn.binary) format = sn.binary;
    else if (sn.textLike) {
      if (s.kind === 'text') format = classifyText(sn, head, s.formats, claimed);
    } else {
      emit({
        code: 'FORMAT_UNKNOWN',
        severity: 'error',
        message: 'The content is not a format any datanet accepts (binary data without a known signature).',
      });
      return report();
    }
    const detectedKind = format ? FORMAT_KIND[format] : 'text';
    if (detectedKind !== s.kind) {
      emit({
        code: 'KIND_MISMATCH',
        severity: 'error',
        message: `The content is ${format ?? 'text'} (${detectedKind}), but this datanet takes ${s.kind}.`,
      });
    } else if (format && !s.formats.includes(format)) {
      emit({
        code: 'FORMAT_NOT_ALLOWED',
        severity: 'error',
        message: `The content is ${format}; this datanet accepts ${s.formats.join(', ')}.`,
      });
    }
    if (claimed && format && claimed !== format && !sameFamily(claimed, format)) {
      emit({
        code: 'EXTENSION_MISMATCH',
        severity: 'error',
        message: `The file is named .${src.name!.split('.').pop()} but its content is ${format}.`,
      });
    }
    if (issues.some((i) => i.severity === 'error')) return report();

    // 2. Size caps and quotas: up front when the size is known, else while streaming.
    quota = checkQuota(s, context.usage, src.size, now);
    for (const i of quota.issues) emit(i);
    if (!quota.ok) return report();
    const cap = quota.maxBytesNow;
    const f = format!;
    const decoder = PLAIN_TEXT_FORMATS.includes(f) ? null : decoders.find((d) => d.formats.includes(f));
    if (!PLAIN_TEXT_FORMATS.includes(f) && !decoder) {
      emit({
        code: 'DECODER_NOT_LOADED',
        severity: 'error',
        message: `Checking ${f} files needs its decoder: pass decoders: [${decoderHint(f)}()] from '@openledger/datanet/${decoderPath(f)}'.`,
      });
      return report();
    }

    // 3-4. Stream: hash, Merkle leaves, and decode/scan in one pass.
    const sha = createSha256();
    const merkle = new ChunkMerkle(chunkSize);
    const scanner: Scanner | null =
      f === 'jsonl'
        ? new JsonlScanner(ctx)
        : f === 'csv'
          ? new CsvScanner(ctx)
          : decoder
            ? null
            : new TextScanner(ctx);
    const buffered: Uint8Array[] = [];
    const totalBytes = src.size;
    let chunk: Uint8Array | null = null;
    let idx = 0;
    for (;;) {
      if (idx < pending.length) chunk = pending[idx++]!;
      else chunk = await src.next();
      if (signal?.aborted) throw abortError(signal);
      if (!chunk) break;
      if (bytes + chunk.length > cap) {
        bytes += chunk.length;
        quota = checkQuota(s, context.usage, bytes, now);
        for (const i of quota.issues)
          emit({ ...i, message: `${i.message} (stopped reading at ${bytes} bytes)` });
        return report();
      }
      bytes += chunk.length;
      sha.update(chunk);
      merkle.update(chunk);
      if (scanner) scanner.push(chunk);
      else buffered.push(chunk);
      onProgress?.({ bytes, totalBytes, rows: ctx.rows });
    }
    scanner?.end();
    contentHash = toHex(sha.digest());
    const root = merkle.root();
    merkleRoot = toHex(root);
    chunks = merkle.leaves.length;
    quota = checkQuota(s, context.usage, bytes, now);

    if (decoder) {
      const all = concat(buffered, bytes);
      buffered.length = 0;
      let result: Awaited<ReturnType<ContributionDecoder['decode']>>;
      try {
        result = await decoder.decode(all, { spec: s, format: f, signal });
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        result = {
          issues: [
            {
              code: 'CORRUPT',
              severity: 'error',
              message: `The ${f} decoder failed: ${String((e as Error)?.message ?? e).slice(0, 200)}`,
            },
          ],
        };
      }
      for (const i of result.issues) emit(i);
      Object.assign(meta, result.meta);
      if (result.text !== undefined && FORMAT_KIND[f] === 'text') nearEmptyText(result.text, s, emit);
    } else if (scanner instanceof TextScanner) {
      meta.text = { chars: scanner.chars, lines: scanner.lines };
      if (!ctx.stopped && scanner.nonSpace < s.rules.minTextChars)
        emit({
          code: 'NEAR_EMPTY',
          severity: 'error',
          message: `The file has fewer than ${s.rules.minTextChars} non-blank characters.`,
        });
    } else if (s.rows) {
      // 5. File-level row rules.
      if (ctx.rows < s.rows.minRows && !ctx.stopped)
        emit({
          code: 'TOO_FEW_ROWS',
          severity: 'error',
          message: `The file has ${ctx.rows} rows; at least ${s.rows.minRows} are required.`,
        });
      if (s.rows.maxErrorRate > 0 && ctx.rows > 0 && ctx.badRows / ctx.rows > s.rows.maxErrorRate)
        forceEmit(issues, {
          code: 'TOO_MANY_ROW_ERRORS',
          severity: 'error',
          message: `${ctx.badRows} of ${ctx.rows} rows failed; at most ${Math.round(s.rows.maxErrorRate * 100)}% may.`,
        });
    }
    if (
      s.rules.rejectDuplicateFiles &&
      context.existingHashes &&
      (await isKnown(context.existingHashes, contentHash))
    )
      forceEmit(issues, {
        code: 'DUPLICATE_CONTENT',
        severity: 'error',
        message: 'This exact file is already in the datanet.',
      });
    return report();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await src.close().catch(() => {});
  }
}

function forceEmit(issues: ContributionIssue[], i: ContributionIssue): void {
  // File-level verdicts must be visible even when row issues filled the list.
  issues.push(i);
}

async function isKnown(
  known: NonNullable<ValidateContributionParameters['existingHashes']>,
  hash: `0x${string}`,
): Promise<boolean> {
  if (typeof known === 'function') return Boolean(await known(hash));
  if (Array.isArray(known)) return known.some((h) => String(h).toLowerCase() === hash);
  const set = known as ReadonlySet<string>;
  return set.has(hash) || set.has(hash.slice(2)) || set.has(hash.toUpperCase());
}

function nearEmptyText(text: string, s: DatanetSpec, emit: (i: ContributionIssue) => void): void {
  let n = 0;
  for (let i = 0; i < text.length && n < s.rules.minTextChars; i++) if (text.charCodeAt(i) > 0x20) n++;
  if (n < s.rules.minTextChars)
    emit({
      code: 'NEAR_EMPTY',
      severity: 'error',
      message: `The document has fewer than ${s.rules.minTextChars} non-blank characters of text.`,
    });
}

const TEXT_FAMILY = /* @__PURE__ */ new Set<DatanetFormat>(['txt', 'md', 'jsonl', 'csv']);
function sameFamily(a: DatanetFormat, b: DatanetFormat): boolean {
  return TEXT_FAMILY.has(a) && TEXT_FAMILY.has(b);
}

function decoderPath(f: DatanetFormat): string {
  return f === 'pdf' ? 'pdf' : f === 'docx' ? 'docx' : FORMAT_KIND[f] === 'image' ? 'image' : 'audio';
}
function decoderHint(f: DatanetFormat): string {
  return `${decoderPath(f)}Decoder`;
}

function joinHead(parts: Uint8Array[], max: number): Uint8Array {
  const out = new Uint8Array(
    Math.min(
      max,
      parts.reduce((n, p) => n + p.length, 0),
    ),
  );
  let o = 0;
  for (const p of parts) {
    if (o >= out.length) break;
    const take = Math.min(p.length, out.length - o);
    out.set(p.subarray(0, take), o);
    o += take;
  }
  return out;
}
