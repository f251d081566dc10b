import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { keccak256 as viemKeccak } from 'viem';
import { describe, expect, test } from 'vitest';
import { isAbortError, isValidationError } from '../errors/guards.js';
import { createSha256 } from './createSha256.js';
import { bytesToHex, concatBytes, hexToBytes, isHex, toBytes } from './hex.js';
import { keccak256 } from './keccak256.js';
import { sha256 } from './sha256.js';
import { sha256Stream } from './sha256Stream.js';

const nodeSha = (b: Uint8Array | string) => `0x${createHash('sha256').update(b).digest('hex')}`;

describe('sha256', () => {
  test('matches published vectors (FIPS 180-2)', async () => {
    expect(await sha256('')).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256('abc')).toBe('0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('agrees with node:crypto for strings, bytes, ArrayBuffers and subarray views', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.string(), async (bytes, text) => {
        const view = new Uint8Array(new Uint8Array([9, ...bytes, 9]).buffer, 1, bytes.length);
        const buf = bytes.slice().buffer;
        return (
          (await sha256(bytes)) === nodeSha(bytes) &&
          (await sha256(view)) === nodeSha(bytes) &&
          (await sha256(buf)) === nodeSha(bytes) &&
          (await sha256(text)) === nodeSha(text) &&
          bytesToHex(await sha256(bytes, 'bytes')) === nodeSha(bytes)
        );
      }),
      { numRuns: 100 },
    );
  });

  test('incremental and streaming hashes equal the one-shot hash, however the data is split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }), async (chunks) => {
        const whole = concatBytes(...chunks);
        const h = createSha256();
        for (const c of chunks) h.update(c);
        const web = new ReadableStream<Uint8Array>({
          start(ctl) {
            for (const c of chunks) ctl.enqueue(c);
            ctl.close();
          },
        });
        const expected = nodeSha(whole);
        return (
          h.digest() === expected &&
          (await sha256Stream(web)) === expected &&
          (await sha256Stream(Readable.from(chunks.map((c) => Buffer.from(c))))) === expected
        );
      }),
      { numRuns: 60 },
    );
  });

  test('a multi-megabyte stream hashes like node:crypto', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const blob = new Blob([data]);
    expect(await sha256Stream(blob.stream())).toBe(nodeSha(data));
  });

  test('sha256Stream stops with AbortError when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await sha256Stream(new Blob(['x']).stream(), { signal: ac.signal }).catch((e) => e);
    expect(isAbortError(err)).toBe(true);
  });
});

describe('keccak256', () => {
  test('matches known Ethereum vectors', () => {
    expect(keccak256('')).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(keccak256('abc')).toBe('0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    // The ERC-20 Transfer event topic.
    expect(keccak256('Transfer(address,address,uint256)')).toBe(
      '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
    );
  });

  test('agrees with viem for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => keccak256(b) === viemKeccak(b)),
      { numRuns: 200 },
    );
  });
});

describe('hex helpers', () => {
  test('round-trip bytes ↔ hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const h = bytesToHex(b);
        return (
          h === `0x${Buffer.from(b).toString('hex')}` &&
          bytesToHex(hexToBytes(h.toUpperCase().replace('0X', '0x'))) === h
        );
      }),
      { numRuns: 200 },
    );
  });

  test.each(['', '0x0', '0xzz', 'ff', '0x 1'])('hexToBytes rejects %j', (h) => {
    expect(isHex(h)).toBe(false);
    let err: unknown;
    try {
      hexToBytes(h);
    } catch (e) {
      err = e;
    }
    expect(isValidationError(err)).toBe(true);
  });

  test('toBytes reads strings as UTF-8, never as hex', () => {
    expect([...toBytes('0x01')]).toEqual([48, 120, 48, 49]);
    expect([...toBytes('é')]).toEqual([0xc3, 0xa9]);
  });
});
