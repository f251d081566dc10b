import { Unzlib } from 'fflate';
import type {
  ContributionDecoder,
  ContributionIssue,
  ContributionMeta,
  DecodeResult,
} from '../validate/types.js';
import { crc32, FormatProblem, problemToIssue, Reader } from './bytes.js';

/** Options of {@link imageDecoder}. */
export interface ImageDecoderOptions {
  /** Largest raw (decompressed) PNG pixel buffer to inflate, in bytes (default 256 MB). */
  maxDecodedBytes?: number;
}

type ImageMeta = NonNullable<ContributionMeta['image']>;

/**
 * Decoder for PNG, JPEG, WebP, TIFF and BMP: parses headers for dimensions and walks each
 * file far enough to know it is a real image — PNG chunk CRCs plus a full zlib inflate of
 * the pixel data (with a cap), the JPEG marker chain to EOI, WebP/RIFF chunk sizes, TIFF strip
 * bounds, BMP pixel-array bounds. Checks the spec's dimension rules.
 *
 * @example
 * import { defineDatanet, validateContribution } from '@openledger/datanet';
 * import { imageDecoder } from '@openledger/datanet/image';
 * const spec = defineDatanet({ id: 'pics', name: 'Pics', kind: 'image',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * declare const file: File;
 * const report = await validateContribution(spec, file, { decoders: [imageDecoder()] });
 */
export function imageDecoder(options: ImageDecoderOptions = {}): ContributionDecoder {
  const maxDecoded = options.maxDecodedBytes ?? 256 * 1024 * 1024;
  return {
    name: 'image',
    formats: ['png', 'jpeg', 'webp', 'tiff', 'bmp'],
    decode(bytes, { spec, format }): DecodeResult {
      let image: ImageMeta;
      try {
        image =
          format === 'png'
            ? parsePng(bytes, maxDecoded, spec.rules.image)
            : format === 'jpeg'
              ? parseJpeg(bytes)
              : format === 'webp'
                ? parseWebp(bytes)
                : format === 'tiff'
                  ? parseTiff(bytes)
                  : parseBmp(bytes);
      } catch (e) {
        return { issues: [problemToIssue(e)] };
      }
      const issues: ContributionIssue[] = [];
      const r = spec.rules.image;
      if (image.width < r.minWidth || image.height < r.minHeight)
        issues.push({
          code: 'IMAGE_TOO_SMALL',
          severity: 'error',
          message: `The image is ${image.width}×${image.height}; at least ${r.minWidth}×${r.minHeight} is required.`,
        });
      if (image.width > r.maxWidth || image.height > r.maxHeight)
        issues.push({
          code: 'IMAGE_TOO_LARGE',
          severity: 'error',
          message: `The image is ${image.width}×${image.height}; at most ${r.maxWidth}×${r.maxHeight} is allowed.`,
        });
      return { issues, meta: { image } };
    },
  };
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** PNG: IHDR first, CRC on every chunk, IEND last, and the IDAT stream inflated to the exact raw size. */
export function parsePng(
  b: Uint8Array,
  maxDecoded: number,
  bounds: { maxWidth: number; maxHeight: number } = { maxWidth: 1 << 30, maxHeight: 1 << 30 },
): ImageMeta {
  const r = new Reader(b, 'PNG');
  let at = 8;
  let ihdr: { width: number; height: number; depth: number; color: number; interlace: number } | null = null;
  let sawIend = false;
  let sawPlte = false;
  let inflater: Unzlib | null = null;
  let produced = 0;
  let expected = 0;
  let stride = 0;
  let badFilter = -1;
  let frames = 1;
  while (!sawIend) {
    const len = r.u32be(at);
    const type = r.ascii(at + 4, 4);
    if (len > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type))
      throw new FormatProblem('CORRUPT', `Bad PNG chunk header at offset ${at}.`, at);
    r.need(at + 8, len + 4);
    const crc = r.u32be(at + 8 + len);
    if (crc32(b, at + 4, at + 8 + len) !== crc)
      throw new FormatProblem('CORRUPT', `PNG chunk ${type} at offset ${at} fails its CRC.`, at);
    const data = b.subarray(at + 8, at + 8 + len);
    if (!ihdr && type !== 'IHDR') throw new FormatProblem('CORRUPT', 'PNG does not start with IHDR.', at);
    if (type === 'IHDR') {
      if (ihdr || len !== 13) throw new FormatProblem('CORRUPT', 'Bad or repeated PNG IHDR.', at);
      const d = new Reader(data, 'PNG');
      const width = d.u32be(0);
      const height = d.u32be(4);
      const depth = d.u8(8);
      const color = d.u8(9);
      const interlace = d.u8(12);
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
        throw new FormatProblem('CORRUPT', 'PNG has zero or out-of-range dimensions.', at);
      if (!PNG_DEPTHS[color]?.includes(depth) || d.u8(10) !== 0 || d.u8(11) !== 0 || interlace > 1)
        throw new FormatProblem('CORRUPT', `PNG colour type ${color} / bit depth ${depth} is not valid.`, at);
      ihdr = { width, height, depth, color, interlace };
      const bitsPerPixel = depth * PNG_CHANNELS[color]!;
      stride = 1 + Math.ceil((width * bitsPerPixel) / 8);
      expected = interlace ? adam7Size(width, height, bitsPerPixel) : stride * height;
      if (width > bounds.maxWidth || height > bounds.maxHeight) {
        // Dimension rules report this; do not inflate a buffer we would refuse anyway.
        return { width, height, bitDepth: depth, channels: PNG_CHANNELS[color]! };
      }
      if (expected > maxDecoded)
        throw new FormatProblem(
          'IMAGE_TOO_LARGE',
          `PNG pixel data would be ${expected} bytes; at most ${maxDecoded} are decoded.`,
          at,
        );
    } else if (type === 'PLTE') sawPlte = true;
    else if (type === 'acTL') frames = Math.max(1, new Reader(data, 'PNG').u32be(0));
    else if (type === 'IDAT') {
      if (!inflater) {
        inflater = new Unzlib();
        inflater.ondata = (chunk) => {
          // Walk filter-type bytes of non-interlaced scanlines as they stream past.
          if (!ihdr!.interlace && badFilter < 0)
            for (
              let row = Math.ceil(produced / stride) * stride;
              row < produced + chunk.length;
              row += stride
            )
              if (row < expected && chunk[row - produced]! > 4) badFilter = row / stride;
          produced += chunk.length;
          if (produced > expected)
            throw new FormatProblem('CORRUPT', 'PNG pixel data inflates to more than the image size.', at);
        };
      }
      try {
        inflater.push(data, false);
      } catch (e) {
        if (e instanceof FormatProblem) throw e;
        throw new FormatProblem('CORRUPT', `PNG pixel data does not inflate: ${(e as Error).message}`, at);
      }
    } else if (type === 'IEND') sawIend = true;
    at += 12 + len;
  }
  if (!inflater) throw new FormatProblem('CORRUPT', 'PNG has no pixel data (IDAT).');
  if (ihdr!.color === 3 && !sawPlte) throw new FormatProblem('CORRUPT', 'Palette PNG without PLTE.');
  try {
    inflater.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof FormatProblem) throw e;
    throw new FormatProblem('TRUNCATED', `PNG pixel data is cut off: ${(e as Error).message}`);
  }
  if (produced !== expected)
    throw new FormatProblem(
      'TRUNCATED',
      `PNG pixel data has ${produced} bytes; the image needs ${expected}.`,
    );
  if (badFilter >= 0)
    throw new FormatProblem('CORRUPT', `PNG scanline ${badFilter} has an unknown filter type.`);
  return {
    width: ihdr!.width,
    height: ihdr!.height,
    bitDepth: ihdr!.depth,
    channels: PNG_CHANNELS[ihdr!.color]!,
    ...(frames > 1 ? { frames } : {}),
  };
}

function adam7Size(w: number, h: number, bpp: number): number {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0) / dx);
    const ph = Math.ceil((h - y0) / dy);
    if (pw > 0 && ph > 0) total += ph * (1 + Math.ceil((pw * bpp) / 8));
  }
  return total;
}

/** JPEG: marker chain from SOI through SOF and at least one scan to EOI. */
export function parseJpeg(b: Uint8Array): ImageMeta {
  const r = new Reader(b, 'JPEG');
  let at = 2;
  let sof: ImageMeta | null = null;
  let scans = 0;
  let dqt = false;
  for (;;) {
    if (r.u8(at) !== 0xff) throw new FormatProblem('CORRUPT', `Expected a JPEG marker at offset ${at}.`, at);
    let m = r.u8(at + 1);
    while (m === 0xff) {
      at++;
      m = r.u8(at + 1);
    }
    at += 2;
    if (m === 0xd9) break;
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) continue;
    if (m === 0x00 || m === 0xd8)
      throw new FormatProblem('CORRUPT', `Unexpected JPEG marker 0x${m.toString(16)}.`, at);
    const len = r.u16be(at);
    if (len < 2) throw new FormatProblem('CORRUPT', 'Bad JPEG segment length.', at);
    r.need(at, len);
    if (m === 0xdb) dqt = true;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      const height = r.u16be(at + 3);
      const width = r.u16be(at + 5);
      const channels = r.u8(at + 7);
      if (width === 0 || height === 0 || channels === 0 || len !== 8 + 3 * channels)
        throw new FormatProblem('CORRUPT', 'JPEG frame header is invalid.', at);
      sof = { width, height, bitDepth: r.u8(at + 2), channels };
    }
    at += len;
    if (m === 0xda) {
      if (!sof) throw new FormatProblem('CORRUPT', 'JPEG scan before the frame header.', at);
      scans++;
      // Entropy-coded data: skip to the next marker that is not a stuffed 0x00 or a restart.
      for (;;) {
        const i = b.indexOf(0xff, at);
        if (i < 0 || i + 1 >= b.length)
          throw new FormatProblem('TRUNCATED', 'JPEG ends inside scan data.', b.length);
        const n = b[i + 1]!;
        if (n === 0x00 || (n >= 0xd0 && n <= 0xd7) || n === 0xff) at = i + 1;
        else {
          at = i;
          break;
        }
      }
    }
  }
  if (!sof || scans === 0 || !dqt)
    throw new FormatProblem('CORRUPT', 'JPEG has no frame, scan or quantisation table.');
  return sof;
}

/** WebP: RIFF size, chunk walk, and the VP8 / VP8L / VP8X header for dimensions. */
export function parseWebp(b: Uint8Array): ImageMeta {
  const r = new Reader(b, 'WebP');
  const riff = r.u32le(4);
  if (riff + 8 > b.length)
    throw new FormatProblem('TRUNCATED', 'WebP is shorter than its RIFF header says.', b.length);
  let at = 12;
  let dims: ImageMeta | null = null;
  let hasImage = false;
  while (at + 8 <= riff + 8) {
    const id = r.ascii(at, 4);
    const len = r.u32le(at + 4);
    r.need(at + 8, len);
    const d = at + 8;
    if (id === 'VP8X') dims = { width: r.u24le(d + 4) + 1, height: r.u24le(d + 7) + 1 };
    else if (id === 'VP8 ') {
      if (r.u8(d + 3) !== 0x9d || r.u8(d + 4) !== 0x01 || r.u8(d + 5) !== 0x2a)
        throw new FormatProblem('CORRUPT', 'WebP VP8 start code is missing.', d);
      dims ??= { width: r.u16le(d + 6) & 0x3fff, height: r.u16le(d + 8) & 0x3fff };
      hasImage = true;
    } else if (id === 'VP8L') {
      if (r.u8(d) !== 0x2f) throw new FormatProblem('CORRUPT', 'WebP VP8L signature is missing.', d);
      const bits = r.u32le(d + 1);
      dims ??= { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      hasImage = true;
    } else if (id === 'ANMF') hasImage = true;
    at = d + len + (len & 1);
  }
  if (!dims || !hasImage) throw new FormatProblem('CORRUPT', 'WebP has no image data.');
  return dims;
}

/** TIFF: first IFD's width, height and bits, and strips or tiles that lie inside the file. */
export function parseTiff(b: Uint8Array): ImageMeta {
  const le = b[0] === 0x49;
  const r = new Reader(b, 'TIFF');
  const u16 = (at: number) => (le ? r.u16le(at) : r.u16be(at));
  const u32 = (at: number) => (le ? r.u32le(at) : r.u32be(at));
  const ifd = u32(4);
  const count = u16(ifd);
  if (count === 0 || count > 4096)
    throw new FormatProblem('CORRUPT', 'TIFF IFD has no or too many entries.', ifd);
  r.need(ifd + 2, count * 12);
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    const type = u16(e + 2);
    const n = u32(e + 4);
    const size = type === 3 ? 2 : type === 4 ? 4 : 0;
    if (!size || n === 0 || n > 1 << 20) continue;
    const base = n * size <= 4 ? e + 8 : u32(e + 8);
    r.need(base, n * size);
    const vals: number[] = [];
    for (let k = 0; k < n; k++) vals.push(size === 2 ? u16(base + k * 2) : u32(base + k * 4));
    tags.set(tag, vals);
  }
  const width = tags.get(256)?.[0];
  const height = tags.get(257)?.[0];
  if (!width || !height) throw new FormatProblem('CORRUPT', 'TIFF has no image width/height.');
  const offsets = tags.get(273) ?? tags.get(324);
  const counts = tags.get(279) ?? tags.get(325);
  if (!offsets || !counts || offsets.length !== counts.length)
    throw new FormatProblem('CORRUPT', 'TIFF has no (or mismatched) strip/tile offsets.');
  for (let i = 0; i < offsets.length; i++)
    if (offsets[i]! + counts[i]! > b.length)
      throw new FormatProblem('TRUNCATED', `TIFF image data ${i} lies past the end of the file.`, offsets[i]);
  const bits = tags.get(258);
  return { width, height, ...(bits ? { bitDepth: bits[0]!, channels: bits.length } : {}) };
}

/** BMP: header fields consistent, and the pixel array fits in the file. */
export function parseBmp(b: Uint8Array): ImageMeta {
  const r = new Reader(b, 'BMP');
  const pixelOffset = r.u32le(10);
  const dib = r.u32le(14);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = 0;
  if (dib === 12) {
    width = r.u16le(18);
    height = r.u16le(20);
    bpp = r.u16le(24);
  } else {
    width = r.i32le(18);
    height = Math.abs(r.i32le(22));
    if (r.u16le(26) !== 1) throw new FormatProblem('CORRUPT', 'BMP planes must be 1.', 26);
    bpp = r.u16le(28);
    compression = r.u32le(30);
  }
  if (width <= 0 || height <= 0) throw new FormatProblem('CORRUPT', 'BMP has non-positive dimensions.', 18);
  if (![1, 4, 8, 16, 24, 32].includes(bpp))
    throw new FormatProblem('CORRUPT', `BMP bit depth ${bpp} is invalid.`, 28);
  if (compression === 0 || compression === 3) {
    const rowBytes = Math.floor((bpp * width + 31) / 32) * 4;
    if (pixelOffset + rowBytes * height > b.length)
      throw new FormatProblem('TRUNCATED', 'BMP pixel array runs past the end of the file.', pixelOffset);
  } else if (pixelOffset >= b.length)
    throw new FormatProblem('TRUNCATED', 'BMP has no pixel data.', pixelOffset);
  return { width, height, bitDepth: bpp };
}
