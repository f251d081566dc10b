import { Unzip, UnzipInflate } from 'fflate';
import type { ContributionDecoder, DecodeResult } from '../validate/types.js';
import { FormatProblem, problemToIssue } from './bytes.js';

/** Options of {@link docxDecoder}. */
export interface DocxDecoderOptions {
  /** Most bytes `word/document.xml` may inflate to (default 50 MB). */
  maxDecompressedBytes?: number;
  /** Most inflated bytes per byte of the archive (default 100): zip bombs exceed it quickly. */
  maxRatio?: number;
}

// Feed the inflater small slices so a bomb is caught after at most ~16 MB of output.
const FEED = 16 * 1024;

/**
 * Decoder for DOCX: unzips with fflate under a decompressed-size cap and a compression-ratio
 * cap (zip bombs get ARCHIVE_TOO_LARGE / ARCHIVE_RATIO), requires `word/document.xml`, and
 * extracts its text (paragraphs, tabs, breaks) for the content rules.
 *
 * @example
 * import { defineDatanet, validateContribution } from '@openledger/datanet';
 * import { docxDecoder } from '@openledger/datanet/docx';
 * const spec = defineDatanet({ id: 'essays', name: 'Essays', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * declare const file: File;
 * const report = await validateContribution(spec, file, { decoders: [docxDecoder()] });
 */
export function docxDecoder(options: DocxDecoderOptions = {}): ContributionDecoder {
  const maxBytes = options.maxDecompressedBytes ?? 50_000_000;
  const maxRatio = options.maxRatio ?? 100;
  return {
    name: 'docx',
    formats: ['docx'],
    decode(bytes): DecodeResult {
      try {
        const xml = extractDocumentXml(bytes, maxBytes, maxRatio);
        const text = documentXmlText(xml);
        let lines = 0;
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
        return { issues: [], text, meta: { text: { chars: [...text].length, lines } } };
      } catch (e) {
        return { issues: [problemToIssue(e)] };
      }
    },
  };
}

/** Inflate `word/document.xml` from a DOCX archive under the size and ratio caps. */
export function extractDocumentXml(bytes: Uint8Array, maxBytes: number, maxRatio: number): string {
  const parts: Uint8Array[] = [];
  let total = 0;
  let found = false;
  let complete = false;
  let contentTypes = false;
  let stop: FormatProblem | null = null;
  if (!hasEndOfCentralDirectory(bytes))
    throw new FormatProblem(
      'TRUNCATED',
      'The ZIP archive has no end-of-central-directory record (cut off?).',
    );
  const cap = Math.min(maxBytes, Math.max(64 * 1024, bytes.length * maxRatio));
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (file.name === '[Content_Types].xml') contentTypes = true;
    if (file.name !== 'word/document.xml') return;
    if (file.compression !== 0 && file.compression !== 8)
      throw new FormatProblem('CORRUPT', `DOCX document uses unsupported compression ${file.compression}.`);
    found = true;
    file.ondata = (err, chunk, final) => {
      if (stop) return;
      if (err) {
        stop = new FormatProblem('CORRUPT', `DOCX document does not inflate: ${err.message}`);
        return;
      }
      total += chunk.length;
      if (total > maxBytes || total > cap) {
        // fflate swallows throws from ondata, so record the verdict and stop the stream.
        stop =
          total > maxBytes
            ? new FormatProblem(
                'ARCHIVE_TOO_LARGE',
                `DOCX document inflates past ${maxBytes} bytes (zip bomb?).`,
              )
            : new FormatProblem(
                'ARCHIVE_RATIO',
                `DOCX document inflates more than ${maxRatio}× the archive size (zip bomb?).`,
              );
        parts.length = 0;
        file.terminate();
        return;
      }
      parts.push(chunk);
      if (final) complete = true;
    };
    file.start();
  };
  try {
    for (let i = 0; i < bytes.length && !stop; i += FEED)
      unzip.push(bytes.subarray(i, i + FEED), i + FEED >= bytes.length);
  } catch (e) {
    if (stop) throw stop;
    if (e instanceof FormatProblem) throw e;
    throw new FormatProblem('CORRUPT', `Not a readable ZIP archive: ${(e as Error).message}`);
  }
  if (stop) throw stop;
  if (!found || !contentTypes)
    throw new FormatProblem('CORRUPT', 'The ZIP archive is not a Word document (no word/document.xml).');
  if (!complete) throw new FormatProblem('TRUNCATED', 'The DOCX archive ends inside word/document.xml.');
  const xml = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    xml.set(p, o);
    o += p.length;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(xml);
  } catch {
    throw new FormatProblem('INVALID_UTF8', 'word/document.xml is not valid UTF-8.');
  }
}

function hasEndOfCentralDirectory(b: Uint8Array): boolean {
  // The EOCD record sits in the last 22 + 65535 bytes (its comment is at most 64 KiB).
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--)
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06) return true;
  return false;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
    }
    return ENTITIES[e] ?? m;
  });
}

/** Text of a WordprocessingML body: `w:t` runs, with tabs, breaks and paragraph ends. */
export function documentXmlText(xml: string): string {
  let out = '';
  const re = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br(?:\s[^>]*)?\/>|<\/w:p>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] !== undefined) out += decodeEntities(m[1]);
    else if (m[0] === '<w:tab/>') out += '\t';
    else out += '\n';
  }
  return out;
}
