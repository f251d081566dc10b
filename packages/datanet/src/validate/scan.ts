import type { DatanetSpec } from '../spec/defineDatanet.js';
import { FingerprintSet, fingerprintBytes, fingerprintString, RowChecker } from './rows.js';
import type { ContributionIssue } from './types.js';
import { findInvalidUtf8, StrictUtf8Stream } from './utf8.js';

/** State shared by the scanners and the orchestrator. */
export interface ScanContext {
  spec: DatanetSpec;
  emit(issue: ContributionIssue): void;
  /** Data rows seen (JSONL lines with content / CSV records after the header). */
  rows: number;
  /** Rows that failed a check. */
  badRows: number;
  /** Set when the scan can no longer judge the rest (e.g. invalid UTF-8 in CSV). */
  stopped: boolean;
}

/** Consumes a file's bytes chunk by chunk. */
export interface Scanner {
  push(chunk: Uint8Array): void;
  end(): void;
}

function rowSeverity(spec: DatanetSpec): 'error' | 'warning' {
  return (spec.rows?.maxErrorRate ?? 0) > 0 ? 'warning' : 'error';
}

/** Join byte chunks of known total length; a single chunk is returned as it is, without a copy. */
export function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * JSONL: splits on `\n` at the byte level (zero-copy within a chunk), caps line length while
 * the line is still arriving (a 1 GB line costs at most `maxLineBytes` of memory), decodes
 * each line with a fatal TextDecoder, parses, checks, and fingerprints for duplicates.
 */
export class JsonlScanner implements Scanner {
  private readonly ctx: ScanContext;
  private readonly checker: RowChecker;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly maxLine: number;
  private readonly maxRows: number;
  private readonly severity: 'error' | 'warning';
  private readonly seen: FingerprintSet | null;
  private parts: Uint8Array[] = [];
  private partLen = 0;
  private overflow = false;
  private lineStart = 0;
  private pos = 0;
  private lineNo = 0;

  constructor(ctx: ScanContext) {
    this.ctx = ctx;
    this.checker = new RowChecker(ctx.spec);
    this.maxLine = ctx.spec.limits.maxLineBytes;
    this.maxRows = ctx.spec.rows!.maxRows;
    this.severity = rowSeverity(ctx.spec);
    this.seen = ctx.spec.rows!.noDuplicateRows ? new FingerprintSet() : null;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const nl = chunk.indexOf(0x0a, i);
      const stop = nl === -1 ? n : nl;
      if (!this.overflow) {
        if (this.partLen + (stop - i) > this.maxLine) {
          this.overflow = true;
          this.parts = [];
          this.partLen = 0;
        } else if (nl === -1 || this.partLen > 0) {
          // Copy: the chunk may be reused by its producer once we return.
          this.parts.push(chunk.slice(i, stop));
          this.partLen += stop - i;
        }
      }
      if (nl === -1) {
        this.pos += n - i;
        return;
      }
      this.lineNo++;
      if (this.overflow) this.tooLong(this.pos + (stop - i));
      else if (this.partLen > 0) {
        const line = concat(this.parts, this.partLen);
        this.parts = [];
        this.partLen = 0;
        this.line(line, 0, line.length);
      } else this.line(chunk, i, stop);
      this.pos += stop - i + 1;
      this.lineStart = this.pos;
      this.overflow = false;
      i = stop + 1;
    }
  }

  end(): void {
    if (this.overflow) {
      this.lineNo++;
      this.tooLong(this.pos);
    } else if (this.partLen > 0) {
      this.lineNo++;
      const line = concat(this.parts, this.partLen);
      this.parts = [];
      this.partLen = 0;
      this.line(line, 0, line.length);
    }
  }

  private tooLong(endPos: number): void {
    const ctx = this.ctx;
    ctx.rows++;
    ctx.badRows++;
    ctx.emit({
      code: 'LINE_TOO_LONG',
      severity: 'error',
      row: ctx.rows,
      offset: this.lineStart,
      message: `Line ${this.lineNo} is ${endPos - this.lineStart} bytes; the limit is ${this.maxLine}.`,
    });
  }

  private line(b: Uint8Array, start: number, end: number): void {
    const ctx = this.ctx;
    if (ctx.stopped) return;
    const offset = this.lineStart;
    if (
      this.lineNo === 1 &&
      end - start >= 3 &&
      b[start] === 0xef &&
      b[start + 1] === 0xbb &&
      b[start + 2] === 0xbf
    )
      start += 3;
    if (end > start && b[end - 1] === 0x0d) end--;
    let s = start;
    while (s < end && (b[s] === 0x20 || b[s] === 0x09 || b[s] === 0x0d)) s++;
    if (s === end) return; // blank lines carry no row
    ctx.rows++;
    const row = ctx.rows;
    if (row > this.maxRows) {
      if (row === this.maxRows + 1)
        ctx.emit({
          code: 'TOO_MANY_ROWS',
          severity: 'error',
          row,
          offset,
          message: `More than ${this.maxRows} rows; the rest are not checked.`,
        });
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(start === 0 && end === b.length ? b : b.subarray(start, end));
    } catch {
      const at = findInvalidUtf8(b, start, end, true);
      ctx.badRows++;
      ctx.emit({
        code: 'INVALID_UTF8',
        severity: 'error',
        row,
        offset: offset + Math.max(0, at - start),
        message: `Row ${row} is not valid UTF-8 (byte offset ${offset + Math.max(0, at - start)}).`,
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      ctx.badRows++;
      ctx.emit({
        code: 'INVALID_JSON',
        severity: this.severity,
        row,
        offset,
        message: `Row ${row} is not valid JSON: ${String((e as Error).message).slice(0, 160)}`,
      });
      return;
    }
    let ok = this.checker.checkRow(value, row, offset, this.severity, ctx.emit);
    if (this.seen) {
      const [h1, h2] = fingerprintBytes(b, s, end);
      if (!this.seen.add(h1, h2)) {
        ok = false;
        ctx.emit({
          code: 'DUPLICATE_ROW',
          severity: this.severity,
          row,
          offset,
          message: `Row ${row} repeats an earlier row.`,
        });
      }
    }
    if (!ok) ctx.badRows++;
  }
}

const UNFINISHED = 'The file ends in the middle of a UTF-8 character (it starts at byte offset $).';

/** Stop the scan with INVALID_UTF8 at `offset` (`$` in the message stands for it). */
function invalidUtf8(ctx: ScanContext, offset: number, message: string): void {
  ctx.stopped = true;
  ctx.emit({ code: 'INVALID_UTF8', severity: 'error', offset, message: message.replace('$', `${offset}`) });
}

/**
 * CSV (RFC 4180): a streaming state machine over decoded text. The first record is the
 * header; quoted fields may hold commas, quotes (doubled) and newlines; a record longer than
 * `maxLineBytes` characters is skipped with LINE_TOO_LONG, so memory stays bounded.
 */
export class CsvScanner implements Scanner {
  private readonly ctx: ScanContext;
  private readonly checker: RowChecker;
  private readonly maxLen: number;
  private readonly maxRows: number;
  private readonly severity: 'error' | 'warning';
  private readonly seen: FingerprintSet | null;
  private readonly coerce: Map<string, string>;
  private header: string[] | null = null;
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private afterQuote = false;
  private recordLen = 0;
  private overflow = false;
  private fieldStarted = false;
  private readonly utf8 = new StrictUtf8Stream();
  private first = true;
  private pendingCR = false;

  constructor(ctx: ScanContext) {
    this.ctx = ctx;
    this.checker = new RowChecker(ctx.spec);
    this.maxLen = ctx.spec.limits.maxLineBytes;
    this.maxRows = ctx.spec.rows!.maxRows;
    this.severity = rowSeverity(ctx.spec);
    this.seen = ctx.spec.rows!.noDuplicateRows ? new FingerprintSet() : null;
    this.coerce = coercions(ctx.spec.rows!.schema);
  }

  push(chunk: Uint8Array): void {
    if (this.ctx.stopped) return;
    let text = this.utf8.push(chunk);
    if (typeof text === 'number') {
      invalidUtf8(this.ctx, text, 'The file is not valid UTF-8 (byte offset $); the rest is not checked.');
      return;
    }
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.chars(text);
  }

  end(): void {
    if (this.ctx.stopped) return;
    const rest = this.utf8.end();
    if (typeof rest === 'number') {
      invalidUtf8(this.ctx, rest, UNFINISHED);
      return;
    }
    if (rest) this.chars(rest);
    if (this.inQuotes) {
      this.ctx.emit({
        code: 'CSV_UNTERMINATED_QUOTE',
        severity: 'error',
        row: this.ctx.rows + 1,
        message: 'The file ends inside a quoted field.',
      });
      return;
    }
    if (this.fieldStarted || this.fields.length > 0) this.finishRecord();
  }

  private chars(t: string): void {
    const n = t.length;
    for (let i = 0; i < n; i++) {
      const c = t.charCodeAt(i);
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === 0x0a) continue;
      }
      if (this.inQuotes) {
        if (c === 0x22) {
          this.inQuotes = false;
          this.afterQuote = true;
        } else this.add(t, i, c);
        continue;
      }
      if (this.afterQuote && c === 0x22) {
        // A doubled quote inside a quoted field.
        this.inQuotes = true;
        this.afterQuote = false;
        this.add(t, i, c);
        continue;
      }
      this.afterQuote = false;
      if (c === 0x2c) {
        this.endField();
      } else if (c === 0x0a || c === 0x0d) {
        if (c === 0x0d) this.pendingCR = true;
        this.endField();
        this.finishRecord();
      } else if (c === 0x22 && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else this.add(t, i, c);
    }
  }

  private add(t: string, i: number, _c: number): void {
    this.fieldStarted = true;
    this.recordLen++;
    if (this.overflow) return;
    if (this.recordLen > this.maxLen) {
      this.overflow = true;
      this.field = '';
      this.fields = [];
      return;
    }
    this.field += t[i];
  }

  private endField(): void {
    this.recordLen++;
    if (!this.overflow) this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }

  private finishRecord(): void {
    const ctx = this.ctx;
    const fields = this.fields;
    const overflow = this.overflow;
    const len = this.recordLen;
    this.fields = [];
    this.field = '';
    this.fieldStarted = false;
    this.overflow = false;
    this.recordLen = 0;
    if (!overflow && fields.length === 1 && fields[0] === '') return; // blank line
    if (this.header === null) {
      if (overflow) {
        ctx.stopped = true;
        ctx.emit({ code: 'CSV_BAD_HEADER', severity: 'error', message: 'The header record is too long.' });
        return;
      }
      const names = fields.map((f) => f.trim());
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (names.some((n) => n === '') || dup !== undefined) {
        ctx.stopped = true;
        ctx.emit({
          code: 'CSV_BAD_HEADER',
          severity: 'error',
          row: 0,
          message:
            dup !== undefined
              ? `The header repeats the column "${dup.slice(0, 50)}".`
              : 'The header has an empty column name.',
        });
        return;
      }
      this.header = names;
      return;
    }
    ctx.rows++;
    const row = ctx.rows;
    if (row > this.maxRows) {
      if (row === this.maxRows + 1)
        ctx.emit({
          code: 'TOO_MANY_ROWS',
          severity: 'error',
          row,
          message: `More than ${this.maxRows} rows; the rest are not checked.`,
        });
      return;
    }
    if (overflow) {
      ctx.badRows++;
      ctx.emit({
        code: 'LINE_TOO_LONG',
        severity: 'error',
        row,
        message: `Record ${row} is ${len} characters; the limit is ${this.maxLen}.`,
      });
      return;
    }
    const h = this.header;
    if (fields.length !== h.length) {
      ctx.badRows++;
      ctx.emit({
        code: 'CSV_RAGGED_ROW',
        severity: this.severity,
        row,
        message: `Record ${row} has ${fields.length} fields; the header has ${h.length}.`,
      });
      return;
    }
    // Null prototype: a "__proto__" column is just a column.
    const obj = Object.create(null) as Record<string, unknown>;
    for (let k = 0; k < h.length; k++) {
      const name = h[k]!;
      const raw = fields[k]!;
      const want = this.coerce.get(name);
      if (want && raw !== '') obj[name] = coerceCell(raw, want);
      else if (!want || raw !== '') obj[name] = raw;
    }
    let ok = this.checker.checkRow(obj, row, undefined, this.severity, ctx.emit);
    if (this.seen) {
      const [h1, h2] = fingerprintString(fields.join('\u0000'));
      if (!this.seen.add(h1, h2)) {
        ok = false;
        ctx.emit({
          code: 'DUPLICATE_ROW',
          severity: this.severity,
          row,
          message: `Record ${row} repeats an earlier one.`,
        });
      }
    }
    if (!ok) ctx.badRows++;
  }
}

function coerceCell(raw: string, type: string): unknown {
  const t = raw.trim();
  if (type === 'boolean') return t === 'true' ? true : t === 'false' ? false : raw;
  if (type === 'null') return t === '' || t === 'null' ? null : raw;
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : raw;
}

/** Columns a JSON Schema row schema types as number/integer/boolean: CSV cells are coerced. */
function coercions(schema: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const props = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (!props || typeof props !== 'object' || '~standard' in (schema as object)) return out;
  for (const [k, v] of Object.entries(props)) {
    const t = Array.isArray(v?.type) ? v.type.find((x: unknown) => x !== 'string') : v?.type;
    if (t === 'number' || t === 'integer' || t === 'boolean') out.set(k, t);
  }
  return out;
}

/**
 * Plain text (TXT / Markdown): strict streaming UTF-8, counting code points, lines and
 * non-whitespace characters (for the near-empty rule).
 */
export class TextScanner implements Scanner {
  private readonly ctx: ScanContext;
  private readonly utf8 = new StrictUtf8Stream();
  chars = 0;
  lines = 0;
  nonSpace = 0;
  private readonly want: number;

  constructor(ctx: ScanContext) {
    this.ctx = ctx;
    this.want = ctx.spec.rules.minTextChars;
  }

  push(chunk: Uint8Array): void {
    if (this.ctx.stopped) return;
    const text = this.utf8.push(chunk);
    if (typeof text === 'number') {
      invalidUtf8(this.ctx, text, 'The file is not valid UTF-8 (byte offset $).');
      return;
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if ((c & 0xc0) !== 0x80) this.chars++;
      if (c === 0x0a) this.lines++;
    }
    if (this.nonSpace < this.want) {
      for (let i = 0; i < text.length && this.nonSpace < this.want; i++) {
        const c = text.charCodeAt(i);
        if (!(c <= 0x20 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b) || c === 0x3000))
          this.nonSpace++;
      }
    }
  }

  end(): void {
    if (this.ctx.stopped) return;
    const rest = this.utf8.end();
    if (typeof rest === 'number') {
      invalidUtf8(this.ctx, rest, UNFINISHED);
      return;
    }
    if (this.utf8.lastByte >= 0 && this.utf8.lastByte !== 0x0a) this.lines++;
  }
}
