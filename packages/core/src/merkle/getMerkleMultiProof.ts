import { ValidationError } from '../errors/errors.js';
import type { Hex } from '../hash/hex.js';
import { leafTreeIndex } from './getMerkleProof.js';
import type { MerkleMultiProof, MerkleTree } from './types.js';

/**
 * One proof for several leaves at once — the `(proof, proofFlags, leaves)` arguments of
 * OpenZeppelin's `MerkleProof.multiProofVerify`, in the order it consumes them.
 *
 * @example
 * import { createMerkleTree, getMerkleMultiProof } from '@openledger/core';
 * const tree = createMerkleTree([['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 5n], ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 1n], ['0x90F79bf6EB2c4f870365E785982E1f101E93b906', 2n]], {
 *   leafEncoding: ['address', 'uint256'],
 * });
 * const { leaves, proof, proofFlags } = getMerkleMultiProof(tree, [0, 2]);
 */
export function getMerkleMultiProof<T>(
  tree: MerkleTree<T>,
  leaves: readonly (number | T)[],
): MerkleMultiProof<T> {
  const positions = leaves.map((l) => leafTreeIndex(tree as MerkleTree, l));
  // The verifier consumes a queue; processing deepest (largest) indices first keeps siblings adjacent.
  positions.sort((a, b) => b - a);
  for (let k = 1; k < positions.length; k++) {
    if (positions[k] === positions[k - 1])
      throw new ValidationError('A multiproof cannot prove the same leaf twice.');
  }
  const byTreeIndex = new Map(tree.values.map((v) => [v.treeIndex, v.value]));
  const queue = [...positions];
  const proof: Hex[] = [];
  const proofFlags: boolean[] = [];
  let head = 0;
  while (head < queue.length && queue[head]! > 0) {
    const i = queue[head++]!;
    const sibling = i % 2 === 1 ? i + 1 : i - 1;
    if (queue[head] === sibling) {
      proofFlags.push(true);
      head++;
    } else {
      proofFlags.push(false);
      proof.push(tree.tree[sibling]!);
    }
    queue.push((i - 1) >> 1);
  }
  if (positions.length === 0) proof.push(tree.tree[0]!);
  return { leaves: positions.map((p) => byTreeIndex.get(p) as T), proof, proofFlags };
}
