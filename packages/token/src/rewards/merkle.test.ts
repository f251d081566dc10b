import { bytesToHex } from '@noble/hashes/utils';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Hex } from '../types.js';
import { buildRewardTree } from './merkle.js';

describe('buildRewardTree', () => {
  test('root and proofs equal @openzeppelin/merkle-tree StandardMerkleTree for random entitlements', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.bigInt({ min: 0n, max: 2n ** 200n })),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (rows) => {
          const leaves = rows.map(([a, amount], index) => ({
            index,
            account: `0x${bytesToHex(a)}` as Hex,
            amount,
          }));
          const ours = buildRewardTree(leaves);
          const oz = StandardMerkleTree.of(
            leaves.map((l) => [l.index, l.account, l.amount]),
            ['uint256', 'address', 'uint256'],
          );
          expect(ours.root).toBe(oz.root);
          leaves.forEach((_, i) => {
            expect(ours.proofs[i]).toEqual(oz.getProof(i));
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  test('refuses an empty tree', () => {
    expect(() => buildRewardTree([])).toThrow(RangeError);
  });
});
