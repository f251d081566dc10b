import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { merkleProof, merkleRoot } from './merkle.js';

const bytes32 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => `0x${Buffer.from(b).toString('hex')}` as `0x${string}`);

describe('version Merkle trees', () => {
  test('root and proofs equal OpenZeppelin’s StandardMerkleTree for any set of bytes32 leaves', () => {
    fc.assert(
      fc.property(fc.uniqueArray(bytes32, { minLength: 1, maxLength: 40 }), fc.nat(), (leaves, pick) => {
        const oz = StandardMerkleTree.of(
          leaves.map((l) => [l]),
          ['bytes32'],
        );
        expect(merkleRoot(leaves)).toBe(oz.root);
        const i = pick % leaves.length;
        const proof = merkleProof(leaves, i);
        expect(proof).toEqual(oz.getProof([leaves[i]!]));
        expect(StandardMerkleTree.verify(oz.root, ['bytes32'], [leaves[i]!], proof)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('a proof stops verifying when the leaf changes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(bytes32, { minLength: 2, maxLength: 20 }), (leaves) => {
        const root = merkleRoot(leaves);
        const proof = merkleProof(leaves, 0);
        expect(StandardMerkleTree.verify(root, ['bytes32'], [leaves[1]!], proof)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});
