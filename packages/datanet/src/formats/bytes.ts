import type { ContributionIssue, ContributionIssueCode } from '../validate/types.js';

/** Thrown inside the format parsers to stop at the first structural problem. */
export class FormatProblem {
  readonly code: ContributionIssueCode;
  readonly message: string;
  readonly offset: number | undefined;
  constructor(code: ContributionIssueCode, message: string, offset?: number) {
    this.code = code;
    this.message = message;
    this.offset = offset;
  }
}

/** Convert a parser's FormatProblem into a report issue; anything else is re-thrown. */
export function problemToIssue(e: unknown): ContributionIssue {
  if (e instanceof FormatProblem)
    return e.offset === undefined
      ? { code: e.code, severity: 'error', message: e.message }
      : { code: e.code, severity: 'error', message: e.message, offset: e.offset };
  throw e;
}

/** Bounds-checked little/big-endian reads that raise TRUNCATED instead of reading past the end. */
export class Reader {
  readonly b: Uint8Array;
  readonly what: string;
  constructor(b: Uint8Array, what: string) {
    this.b = b;
    this.what = what;
  }
  need(at: number, n: number): void {
    if (at < 0 || n < 0 || at + n > this.b.length)
      throw new FormatProblem(
        'TRUNCATED',
        `The ${this.what} file ends early (needed ${n} bytes at offset ${at}).`,
        at,
      );
  }
  u8(at: number): number {
    this.need(at, 1);
    return this.b[at]!;
  }
  u16le(at: number): number {
    this.need(at, 2);
    return this.b[at]! | (this.b[at + 1]! << 8);
  }
  u16be(at: number): number {
    this.need(at, 2);
    return (this.b[at]! << 8) | this.b[at + 1]!;
  }
  u24le(at: number): number {
    this.need(at, 3);
    return this.b[at]! | (this.b[at + 1]! << 8) | (this.b[at + 2]! << 16);
  }
  u32le(at: number): number {
    this.need(at, 4);
    return (this.b[at]! | (this.b[at + 1]! << 8) | (this.b[at + 2]! << 16) | (this.b[at + 3]! << 24)) >>> 0;
  }
  u32be(at: number): number {
    this.need(at, 4);
    return ((this.b[at]! << 24) | (this.b[at + 1]! << 16) | (this.b[at + 2]! << 8) | this.b[at + 3]!) >>> 0;
  }
  i32le(at: number): number {
    return this.u32le(at) | 0;
  }
  ascii(at: number, n: number): string {
    this.need(at, n);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.b[at + i]!);
    return s;
  }
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO-HDLC, as PNG and ZIP use it). */
export function crc32(b: Uint8Array, start = 0, end = b.length, seed = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~seed;
  for (let i = start; i < end; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
