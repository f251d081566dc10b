import type { DatanetFormat } from '../spec/formats.js';
import { FORMAT_EXTENSIONS } from '../spec/formats.js';

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** Result of sniffing the first bytes of a file. */
export interface Sniff {
  /** Binary format recognised by its magic bytes, or null. */
  binary: DatanetFormat | null;
  /** True when the head looks like text (no NUL and no magic). */
  textLike: boolean;
  /** First non-whitespace byte of a text head (after an optional BOM), or -1. */
  firstChar: number;
}

/**
 * Recognise a format by magic bytes. Text files are not classified here (JSONL vs CSV vs TXT
 * needs the spec); `firstChar` helps with that.
 */
export function sniff(head: Uint8Array): Sniff {
  let binary: DatanetFormat | null = null;
  if (startsWith(head, ascii('%PDF-'))) binary = 'pdf';
  else if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) binary = 'docx';
  else if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) binary = 'png';
  else if (startsWith(head, [0xff, 0xd8, 0xff])) binary = 'jpeg';
  else if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) binary = 'webp';
  else if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WAVE'), 8)) binary = 'wav';
  else if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]))
    binary = 'tiff';
  else if (startsWith(head, ascii('fLaC'))) binary = 'flac';
  else if (startsWith(head, ascii('ID3')) || isMp3Sync(head)) binary = 'mp3';
  else if (isBmp(head)) binary = 'bmp';
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  let nul = false;
  for (let j = 0; j < head.length; j++)
    if (head[j] === 0) {
      nul = true;
      break;
    }
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
    i++;
  return { binary, textLike: binary === null && !nul, firstChar: i < head.length ? head[i]! : -1 };
}

function isMp3Sync(h: Uint8Array): boolean {
  if (h.length < 4 || h[0] !== 0xff || (h[1]! & 0xe0) !== 0xe0) return false;
  const version = (h[1]! >> 3) & 3;
  const layer = (h[1]! >> 1) & 3;
  const bitrate = h[2]! >> 4;
  const rate = (h[2]! >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

function isBmp(h: Uint8Array): boolean {
  if (h.length < 18 || h[0] !== 0x42 || h[1] !== 0x4d) return false;
  // Reserved words are zero and the DIB header size is one of the defined ones: "BM" text won't pass.
  if (h[6] !== 0 || h[7] !== 0 || h[8] !== 0 || h[9] !== 0) return false;
  const dib = h[14]! | (h[15]! << 8) | (h[16]! << 16) | (h[17]! << 24);
  return [12, 16, 40, 52, 56, 64, 108, 124].includes(dib);
}

/** Format a file name claims by its extension, or null when it has none we know. */
export function formatFromName(name: string | null): DatanetFormat | null {
  if (!name) return null;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  const ext = name.slice(dot + 1).toLowerCase();
  for (const [f, exts] of Object.entries(FORMAT_EXTENSIONS))
    if (exts.includes(ext)) return f as DatanetFormat;
  return null;
}

/**
 * Pick the text format for a UTF-8 file. A name's claim wins among the text formats the
 * datanet takes (the bytes are then held to that format); otherwise JSONL when the first
 * non-blank line parses as JSON (or starts like an object/array when it is longer than the
 * sniffed head), CSV when the datanet takes CSV; Markdown vs plain text by name.
 */
export function classifyText(
  s: Sniff,
  head: Uint8Array,
  allowed: readonly DatanetFormat[],
  claimed: DatanetFormat | null,
): DatanetFormat {
  if (claimed && TEXT.has(claimed) && allowed.includes(claimed)) return claimed;
  const structured = allowed.includes('jsonl') || allowed.includes('csv');
  if (structured) {
    if (!allowed.includes('csv')) return 'jsonl';
    if (!allowed.includes('jsonl')) return 'csv';
    return firstLineIsJson(head, s.firstChar) ? 'jsonl' : 'csv';
  }
  return allowed.includes('txt') || !allowed.includes('md') ? 'txt' : 'md';
}

const TEXT = /* @__PURE__ */ new Set<DatanetFormat>(['txt', 'md', 'jsonl', 'csv']);

function firstLineIsJson(head: Uint8Array, firstChar: number): boolean {
  if (firstChar === -1) return true;
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  for (;;) {
    const nl = head.indexOf(0x0a, start);
    if (nl === -1) return firstChar === 0x7b || firstChar === 0x5b;
    const line = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(start, nl)).trim();
    if (line) {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    }
    start = nl + 1;
  }
}
