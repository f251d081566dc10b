import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from '../validate/validateContribution.js';
import { audioDecoder } from './audio.js';

const owner = '0x0000000000000000000000000000000000000001';
const spec = defineDatanet({ id: 'voices', name: 'Voices', kind: 'audio', owner });
const decoders = [audioDecoder()];

/** 16-bit PCM WAV of a 440 Hz sine. */
function wavOf(seconds: number, sampleRate = 16_000, channels = 1): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const data = frames * channels * 2;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, data, true);
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < channels; c++)
      v.setInt16(
        44 + (i * channels + c) * 2,
        Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 12_000),
        true,
      );
  return b;
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz frames with zeroed side info (silence), after an ID3v2 tag. */
function mp3Of(frames: number): Uint8Array {
  const len = Math.floor((144 * 128_000) / 44_100); // 417, no padding
  const id3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10, ...new Array(10).fill(0)]);
  const b = new Uint8Array(id3.length + frames * len);
  b.set(id3);
  for (let f = 0; f < frames; f++) b.set([0xff, 0xfb, 0x90, 0xc4], id3.length + f * len); // mono
  return b;
}

// CRC-8/ATM, written bitwise from the polynomial as the FLAC format specifies it.
function crc8(bytes: number[]): number {
  let c = 0;
  for (const x of bytes) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c & 0x80 ? (c << 1) ^ 0x07 : c << 1) & 0xff;
  }
  return c;
}

/** fLaC + STREAMINFO (last block) + the sync code of a first frame. */
function flacOf(totalSamples: number, sampleRate = 44_100, channels = 2): Uint8Array {
  const b = new Uint8Array(4 + 4 + 34 + 6);
  b.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34]);
  const d = 8;
  b[d + 0] = 0x10;
  b[d + 2] = 0x10; // block sizes 4096
  b[d + 10] = (sampleRate >> 12) & 0xff;
  b[d + 11] = (sampleRate >> 4) & 0xff;
  b[d + 12] = ((sampleRate & 0xf) << 4) | ((channels - 1) << 1) | 0;
  b[d + 13] = (15 << 4) | Math.floor(totalSamples / 2 ** 32); // 16 bits per sample
  new DataView(b.buffer).setUint32(d + 14, totalSamples >>> 0);
  // Frame header: sync, 4096-sample blocks (code 12), 44.1 kHz (code 9), stereo 16-bit, frame 0, CRC-8.
  const header = [0xff, 0xf8, 0xc9, 0x18, 0x00];
  b.set([...header, crc8(header)], d + 34);
  return b;
}

describe('audioDecoder', () => {
  test('parses a real PCM WAV: codec, rate, channels, exact duration', async () => {
    const r = await validateContribution(spec, wavOf(2.5, 22_050, 2), { decoders });
    expect(r.status).toBe('accepted');
    expect(r.format).toBe('wav');
    expect(r.meta.audio).toEqual({
      codec: 'pcm',
      sampleRate: 22_050,
      channels: 2,
      durationSeconds: 2.5,
      bitrate: 22_050 * 2 * 16,
    });
  });

  test('walks every MP3 frame for the duration', async () => {
    const r = await validateContribution(spec, mp3Of(100), { decoders });
    expect(r.issues).toEqual([]);
    expect(r.meta.audio?.codec).toBe('mp3');
    expect(r.meta.audio?.channels).toBe(1);
    expect(r.meta.audio?.durationSeconds).toBeCloseTo((100 * 1152) / 44_100, 9);
  });

  test('reads FLAC STREAMINFO', async () => {
    const r = await validateContribution(spec, flacOf(44_100 * 3, 44_100, 2), { decoders });
    expect(r.issues).toEqual([]);
    expect(r.meta.audio).toEqual({ codec: 'flac', sampleRate: 44_100, channels: 2, durationSeconds: 3 });
  });

  test('rejects truncated audio and broken frame chains', async () => {
    const wav = wavOf(1);
    expect(
      (await validateContribution(spec, wav.subarray(0, wav.length - 1000), { decoders })).issues[0]!.code,
    ).toBe('TRUNCATED');
    const mp3 = mp3Of(20);
    expect(
      (await validateContribution(spec, mp3.subarray(0, mp3.length - 100), { decoders })).issues[0]!.code,
    ).toBe('TRUNCATED');
    const broken = mp3.slice();
    broken[20 + 417 * 5] = 0x00;
    expect((await validateContribution(spec, broken, { decoders })).issues[0]!.code).toBe('CORRUPT');
    const flac = flacOf(1000);
    expect((await validateContribution(spec, flac.subarray(0, 30), { decoders })).issues[0]!.code).toBe(
      'TRUNCATED',
    );
  });

  test('applies duration rules', async () => {
    expect((await validateContribution(spec, wavOf(0.1), { decoders })).issues.map((i) => i.code)).toEqual([
      'AUDIO_TOO_SHORT',
    ]);
    const short = defineDatanet({
      ...spec,
      rules: { ...spec.rules, audio: { minSeconds: 0, maxSeconds: 1 } },
    });
    expect((await validateContribution(short, wavOf(1.5), { decoders })).issues.map((i) => i.code)).toEqual([
      'AUDIO_TOO_LONG',
    ]);
  });

  test('fuzz: mutated WAV/MP3/FLAC files and random tails give a report', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(wavOf(0.6, 8000), mp3Of(30), flacOf(50_000)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        async (valid, muts, cut) => {
          const b = valid.slice(0, valid.length - (cut % Math.max(1, valid.length - 12)));
          for (const [i, v] of muts) b[4 + (i % (b.length - 4))] = v;
          const r = await validateContribution(spec, b, { decoders });
          expect(['accepted', 'rejected']).toContain(r.status);
        },
      ),
      { numRuns: 300 },
    );
  });
});
