import { createMerkleTree, getMerkleProof } from '@openledger/core';

type Hex = `0x${string}`;

// A version commits to its contributions as an OpenZeppelin StandardMerkleTree over
// ['bytes32'] leaves (the content hashes), so proofs verify with MerkleProof.verify on chain.
const tree = (leaves: readonly Hex[]) =>
  createMerkleTree(
    leaves.map((h) => [h] as const),
    { leafEncoding: ['bytes32'] },
  );

/** Root of the version tree whose leaves are the given bytes32 content hashes. */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  return tree(leaves).root;
}

/** Proof for the leaf at `index` (input order). */
export function merkleProof(leaves: readonly Hex[], index: number): Hex[] {
  return getMerkleProof(tree(leaves), index);
}
