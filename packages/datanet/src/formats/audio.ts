import type {
  ContributionDecoder,
  ContributionIssue,
  ContributionMeta,
  DecodeResult,
} from '../validate/types.js';
import { FormatProblem, problemToIssue, Reader } from './bytes.js';

type AudioMeta = NonNullable<ContributionMeta['audio']>;

/**
 * Decoder for WAV, MP3 and FLAC: parses headers for codec, sample rate, channels and duration
 * (MP3 by walking every frame), checks the data is all there, and applies the spec's
 * duration rules. Bounded: a single pass over the bytes, no sample decoding.
 *
 * @example
 * import { defineDatanet, validateContribution } from '@openledger/datanet';
 * import { audioDecoder } from '@openledger/datanet/audio';
 * const spec = defineDatanet({ id: 'voices', name: 'Voices', kind: 'audio',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * declare const file: File;
 * const report = await validateContribution(spec, file, { decoders: [audioDecoder()] });
 */
export function audioDecoder(): ContributionDecoder {
  return {
    name: 'audio',
    formats: ['wav', 'mp3', 'flac'],
    decode(bytes, { spec, format }): DecodeResult {
      let audio: AudioMeta;
      try {
        audio = format === 'wav' ? parseWav(bytes) : format === 'mp3' ? parseMp3(bytes) : parseFlac(bytes);
      } catch (e) {
        return { issues: [problemToIssue(e)] };
      }
      const issues: ContributionIssue[] = [];
      const r = spec.rules.audio;
      if (audio.durationSeconds < r.minSeconds)
        issues.push({
          code: 'AUDIO_TOO_SHORT',
          severity: 'error',
          message: `The audio lasts ${audio.durationSeconds.toFixed(2)} s; at least ${r.minSeconds} s is required.`,
        });
      if (audio.durationSeconds > r.maxSeconds)
        issues.push({
          code: 'AUDIO_TOO_LONG',
          severity: 'error',
          message: `The audio lasts ${audio.durationSeconds.toFixed(0)} s; at most ${r.maxSeconds} s is allowed.`,
        });
      return { issues, meta: { audio } };
    },
  };
}

const WAV_CODECS: Record<number, string> = { 1: 'pcm', 3: 'pcm_float', 6: 'alaw', 7: 'mulaw' };

/** WAV (RIFF/WAVE): `fmt ` chunk consistent, `data` chunk complete. */
export function parseWav(b: Uint8Array): AudioMeta {
  const r = new Reader(b, 'WAV');
  const riff = r.u32le(4);
  if (riff + 8 > b.length)
    throw new FormatProblem('TRUNCATED', 'WAV is shorter than its RIFF header says.', b.length);
  let at = 12;
  let fmt: {
    codec: string;
    channels: number;
    sampleRate: number;
    byteRate: number;
    blockAlign: number;
  } | null = null;
  let dataBytes = -1;
  while (at + 8 <= Math.min(b.length, riff + 8)) {
    const id = r.ascii(at, 4);
    const len = r.u32le(at + 4);
    const d = at + 8;
    if (id === 'fmt ') {
      r.need(d, 16);
      let tag = r.u16le(d);
      if (tag === 0xfffe && len >= 40) tag = r.u16le(d + 24); // WAVE_FORMAT_EXTENSIBLE: sub-format GUID
      const channels = r.u16le(d + 2);
      const sampleRate = r.u32le(d + 4);
      const byteRate = r.u32le(d + 8);
      const blockAlign = r.u16le(d + 12);
      const bits = r.u16le(d + 14);
      const codec = WAV_CODECS[tag];
      if (!codec)
        throw new FormatProblem(
          'AUDIO_UNSUPPORTED_CODEC',
          `WAV codec 0x${tag.toString(16)} is not supported.`,
          d,
        );
      if (channels === 0 || sampleRate === 0 || bits === 0 || blockAlign !== channels * Math.ceil(bits / 8))
        throw new FormatProblem('CORRUPT', 'WAV format chunk is inconsistent.', d);
      if (byteRate !== sampleRate * blockAlign)
        throw new FormatProblem('CORRUPT', 'WAV byte rate is inconsistent.', d);
      fmt = { codec, channels, sampleRate, byteRate, blockAlign };
    } else if (id === 'data') {
      if (!fmt) throw new FormatProblem('CORRUPT', 'WAV data chunk comes before its format chunk.', at);
      if (d + len > b.length)
        throw new FormatProblem(
          'TRUNCATED',
          `WAV data chunk says ${len} bytes; ${b.length - d} are present.`,
          d,
        );
      if (len % fmt.blockAlign !== 0)
        throw new FormatProblem('CORRUPT', 'WAV data is not whole sample frames.', d);
      dataBytes = len;
      break;
    }
    at = d + len + (len & 1);
  }
  if (!fmt || dataBytes < 0) throw new FormatProblem('CORRUPT', 'WAV has no format or data chunk.');
  return {
    codec: fmt.codec,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    durationSeconds: dataBytes / fmt.byteRate,
    bitrate: fmt.byteRate * 8,
  };
}

const MP3_BITRATES = {
  // [version 1][layer 1..3], [version 2/2.5][layer 1..3] in kbit/s, index 1..14
  v1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
};
const MP3_RATES = [44_100, 48_000, 32_000];

interface Mp3Frame {
  length: number;
  samples: number;
  sampleRate: number;
  channels: number;
  bitrate: number;
}

function mp3Frame(b: Uint8Array, at: number): Mp3Frame | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null;
  const ver = (b[at + 1]! >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layerBits = (b[at + 1]! >> 1) & 3; // 1: III, 2: II, 3: I
  const bri = b[at + 2]! >> 4;
  const sri = (b[at + 2]! >> 2) & 3;
  if (ver === 1 || layerBits === 0 || bri === 0 || bri === 15 || sri === 3) return null;
  const layer = 4 - layerBits;
  const pad = (b[at + 2]! >> 1) & 1;
  const v1 = ver === 3;
  const bitrate = (v1 ? MP3_BITRATES.v1 : MP3_BITRATES.v2)[layer - 1]![bri - 1]! * 1000;
  const sampleRate = MP3_RATES[sri]! / (ver === 3 ? 1 : ver === 2 ? 2 : 4);
  const samples = layer === 1 ? 384 : layer === 2 || v1 ? 1152 : 576;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + pad) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + pad;
  const channels = b[at + 3]! >> 6 === 3 ? 1 : 2;
  return { length, samples, sampleRate, channels, bitrate };
}

/** MP3: optional ID3v2 tag, then an unbroken chain of MPEG audio frames (ID3v1/APE trailer allowed). */
export function parseMp3(b: Uint8Array): AudioMeta {
  const r = new Reader(b, 'MP3');
  let at = 0;
  if (r.ascii(0, 3) === 'ID3') {
    r.need(0, 10);
    const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
    at = 10 + size + (b[5]! & 0x10 ? 10 : 0);
    r.need(0, at);
  }
  let frames = 0;
  let samples = 0;
  let first: Mp3Frame | null = null;
  let bits = 0;
  while (at < b.length) {
    const f = mp3Frame(b, at);
    if (!f) {
      const rest = b.length - at;
      if ((rest === 128 && r.ascii(at, 3) === 'TAG') || (rest >= 32 && r.ascii(at, 8) === 'APETAGEX')) break;
      if (frames === 0)
        throw new FormatProblem('CORRUPT', 'No MPEG audio frame where the MP3 data should start.', at);
      throw new FormatProblem('CORRUPT', `MP3 frame sync lost at offset ${at}.`, at);
    }
    if (first && f.sampleRate !== first.sampleRate)
      throw new FormatProblem('CORRUPT', `MP3 sample rate changes at offset ${at}.`, at);
    if (at + f.length > b.length) throw new FormatProblem('TRUNCATED', 'MP3 ends inside a frame.', at);
    first ??= f;
    frames++;
    samples += f.samples;
    bits += f.bitrate * f.samples;
    at += f.length;
  }
  if (!first) throw new FormatProblem('CORRUPT', 'MP3 has no audio frames.');
  const duration = samples / first.sampleRate;
  return {
    codec: 'mp3',
    sampleRate: first.sampleRate,
    channels: first.channels,
    durationSeconds: duration,
    bitrate: Math.round(bits / samples),
  };
}

/** FLAC: STREAMINFO first, metadata chain intact, a frame sync code after it. */
export function parseFlac(b: Uint8Array): AudioMeta {
  const r = new Reader(b, 'FLAC');
  let at = 4;
  let info: AudioMeta | null = null;
  for (let n = 0; ; n++) {
    const head = r.u8(at);
    const type = head & 0x7f;
    const len = (r.u8(at + 1) << 16) | r.u16be(at + 2);
    r.need(at + 4, len);
    if (n === 0) {
      if (type !== 0 || len !== 34)
        throw new FormatProblem('CORRUPT', 'FLAC does not start with STREAMINFO.', at);
      const d = at + 4;
      const sampleRate = (r.u16be(d + 10) << 4) | (r.u8(d + 12) >> 4);
      const channels = ((r.u8(d + 12) >> 1) & 7) + 1;
      const totalHi = r.u8(d + 13) & 0x0f;
      const total = totalHi * 2 ** 32 + r.u32be(d + 14);
      if (sampleRate === 0) throw new FormatProblem('CORRUPT', 'FLAC sample rate is 0.', d);
      if (total === 0) throw new FormatProblem('CORRUPT', 'FLAC does not state its length.', d);
      info = { codec: 'flac', sampleRate, channels, durationSeconds: total / sampleRate };
    } else if (type === 127)
      throw new FormatProblem('CORRUPT', 'FLAC metadata block type 127 is invalid.', at);
    at += 4 + len;
    if (head & 0x80) break;
    if (n > 10_000) throw new FormatProblem('CORRUPT', 'FLAC has too many metadata blocks.', at);
  }
  if (r.u8(at) !== 0xff || (r.u8(at + 1) & 0xfe) !== 0xf8)
    throw new FormatProblem('CORRUPT', 'No FLAC frame follows the metadata.', at);
  checkFlacFrameHeader(r, at);
  return info!;
}

/** The first frame header must be well-formed and pass its CRC-8 (polynomial x^8 + x^2 + x + 1). */
function checkFlacFrameHeader(r: Reader, at: number): void {
  const bs = r.u8(at + 2) >> 4;
  const sr = r.u8(at + 2) & 0x0f;
  if (bs === 0 || sr === 15 || r.u8(at + 3) >> 4 > 10 || (r.u8(at + 3) & 1) !== 0)
    throw new FormatProblem('CORRUPT', 'The first FLAC frame header is invalid.', at);
  // Frame/sample number: UTF-8-style variable length, 1 to 7 bytes.
  let p = at + 4;
  const lead = r.u8(p);
  let extra = 0;
  if (lead >= 0xfe) extra = 6;
  else if (lead >= 0xfc) extra = 5;
  else if (lead >= 0xf8) extra = 4;
  else if (lead >= 0xf0) extra = 3;
  else if (lead >= 0xe0) extra = 2;
  else if (lead >= 0xc0) extra = 1;
  else if (lead >= 0x80) throw new FormatProblem('CORRUPT', 'The first FLAC frame number is malformed.', p);
  p += 1 + extra;
  if (bs === 6) p += 1;
  else if (bs === 7) p += 2;
  if (sr === 12) p += 1;
  else if (sr === 13 || sr === 14) p += 2;
  r.need(at, p - at + 1);
  let crc = 0;
  for (let i = at; i < p; i++) {
    crc ^= r.b[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  if (crc !== r.b[p]) throw new FormatProblem('CORRUPT', 'The first FLAC frame header fails its CRC-8.', at);
}
