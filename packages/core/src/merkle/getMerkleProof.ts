import { ValidationError } from '../errors/errors.js';
import { bytesToHex, type Hex, leafOf } from './internal.js';
import type { MerkleTree } from './types.js';

/**
 * Position in `tree.tree` of a leaf given by its input index or by its value.
 * @internal
 */
export function leafTreeIndex(tree: MerkleTree, leaf: number | unknown): number {
  if (typeof leaf === 'number') {
    const entry = Number.isInteger(leaf) ? tree.values[leaf] : undefined;
    if (!entry) throw new ValidationError(`No leaf at index ${leaf} (the tree has ${tree.values.length}).`);
    return entry.treeIndex;
  }
  const hash = bytesToHex(leafOf(tree.leafEncoding, leaf, 'The leaf'));
  const firstLeaf = tree.tree.length - tree.values.length;
  for (let i = firstLeaf; i < tree.tree.length; i++) if (tree.tree[i] === hash) return i;
  throw new ValidationError('The leaf is not in the tree.');
}

/**
 * The sibling hashes proving one leaf — the `bytes32[] proof` argument of OpenZeppelin's
 * `MerkleProof.verify`. The leaf is given by its index in the input order or by its value.
 *
 * @example
 * import { createMerkleTree, getMerkleProof } from '@openledger/core';
 * const tree = createMerkleTree([['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 5n]], {
 *   leafEncoding: ['address', 'uint256'],
 * });
 * const proof = getMerkleProof(tree, 0); // [] for a single leaf
 */
export function getMerkleProof<T>(tree: MerkleTree<T>, leaf: number | T): Hex[] {
  let i = leafTreeIndex(tree as MerkleTree, leaf);
  const proof: Hex[] = [];
  while (i > 0) {
    // Odd indices are left children, so the sibling is to the right, and vice versa.
    proof.push(tree.tree[i % 2 === 1 ? i + 1 : i - 1]!);
    i = (i - 1) >> 1;
  }
  return proof;
}
