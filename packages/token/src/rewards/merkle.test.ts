import { bytesToHex } from '@noble/hashes/utils';
import { createMerkleTree, getMerkleProof } from '@openledger/core';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { REWARD_LEAF_ENCODING } from './publishRewardEpoch.js';

describe('reward epoch leaves (index, account, amount)', () => {
  test("core's tree gives the same root and proofs as @openzeppelin/merkle-tree for random entitlements", () => {
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
          const leaves = rows.map(([a, amount], i) => [BigInt(i), `0x${bytesToHex(a)}`, amount] as const);
          const ours = createMerkleTree(leaves, { leafEncoding: REWARD_LEAF_ENCODING });
          const oz = StandardMerkleTree.of(
            leaves.map((l) => [...l]),
            [...REWARD_LEAF_ENCODING],
          );
          expect(ours.root).toBe(oz.root);
          leaves.forEach((_, i) => {
            expect(getMerkleProof(ours, i)).toEqual(oz.getProof(i));
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});
