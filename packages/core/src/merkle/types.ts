import type { Hex } from '../hash/hex.js';

/**
 * A Merkle tree in the same layout and JSON shape as OpenZeppelin's `StandardMerkleTree` /
 * `SimpleMerkleTree` dumps (`format`, `leafEncoding`, `tree`, `values`), so either library
 * can load the other's output. `tree[0]` is the root.
 * @example
 * import { createMerkleTree, type MerkleTree } from '@openledger/core';
 * const tree: MerkleTree<bigint[]> = createMerkleTree([[1n], [2n]], { leafEncoding: ['uint256'] });
 * // Same JSON as StandardMerkleTree.dump() (bigints need a replacer to stringify).
 * console.log(tree.format, tree.root);
 */
export interface MerkleTree<T = unknown> {
  /** `standard-v1`: leaves are ABI-encoded values, double-hashed; `simple-v1`: raw bytes32 leaves. */
  format: 'standard-v1' | 'simple-v1';
  /** ABI types of each leaf's values (standard trees only). */
  leafEncoding?: string[];
  /** All nodes, root first; leaves are at the end. */
  tree: Hex[];
  /** The leaves as given, in input order, with where each sits in `tree`. */
  values: Array<{ value: T; treeIndex: number }>;
  /** The root (`tree[0]`). */
  root: Hex;
}

/**
 * A multiproof, shaped for OpenZeppelin's `MerkleProof.multiProofVerify`.
 * @example
 * import { createMerkleTree, getMerkleMultiProof, type MerkleMultiProof } from '@openledger/core';
 * const tree = createMerkleTree([[1n], [2n], [3n]], { leafEncoding: ['uint256'] });
 * const multi: MerkleMultiProof<bigint[]> = getMerkleMultiProof(tree, [0, 2]);
 */
export interface MerkleMultiProof<T = unknown> {
  /** The proven leaves, in the order the verifier consumes them. */
  leaves: T[];
  proof: Hex[];
  proofFlags: boolean[];
}
