import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toHex } from './hash.js';
import { ChunkMerkle } from './merkle.js';

const h = (...parts: Uint8Array[]) => {
  const x = createHash('sha256');
  for (const p of parts) x.update(p);
  return new Uint8Array(x.digest());
};

// RFC 6962 §2.1, written from the definition with node:crypto.
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return h(new Uint8Array([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(new Uint8Array([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('ChunkMerkle', () => {
  test('property: matches RFC 6962 for any data, chunk size and write pattern', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 5 }),
        (data, chunk, writes) => {
          const m = new ChunkMerkle(chunk);
          for (let i = 0, k = 0; i < data.length; k++) {
            const n = writes[k % writes.length]!;
            m.update(data.subarray(i, i + n));
            i += n;
          }
          const leaves: Uint8Array[] = [];
          for (let i = 0; i < data.length; i += chunk) leaves.push(data.subarray(i, i + chunk));
          expect(toHex(m.root())).toBe(toHex(mth(leaves)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the empty tree is sha256 of nothing', () => {
    expect(toHex(new ChunkMerkle(64).root())).toBe(
      '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
