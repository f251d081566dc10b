import type { Hex } from '../hash/hex.js';
import { hashPair, leafOf, node32 } from './internal.js';

/**
 * Parameters of {@link verifyMerkleProof}.
 * @example
 * import { verifyMerkleProof, type VerifyMerkleProofParameters } from '@openledger/core';
 * declare const params: VerifyMerkleProofParameters;
 * verifyMerkleProof(params);
 */
export interface VerifyMerkleProofParameters {
  root: Hex | Uint8Array;
  /** The leaf's values (with `leafEncoding`) or its raw 32-byte hash (without). */
  leaf: unknown;
  proof: readonly (Hex | Uint8Array)[];
  /** ABI types of the leaf, as given to `createMerkleTree`. */
  leafEncoding?: readonly string[];
}

/**
 * Check a Merkle proof exactly as OpenZeppelin's `MerkleProof.verify` does on-chain.
 * Returns false for a wrong proof; throws `ValidationError` only for malformed input.
 *
 * @example
 * import { verifyMerkleProof } from '@openledger/core';
 * declare const root: `0x${string}`, proof: `0x${string}`[];
 * verifyMerkleProof({
 *   root,
 *   leaf: ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 5n],
 *   proof,
 *   leafEncoding: ['address', 'uint256'],
 * });
 */
export function verifyMerkleProof(parameters: VerifyMerkleProofParameters): boolean {
  const root = node32(parameters.root, 'root');
  let node = leafOf(parameters.leafEncoding, parameters.leaf, 'leaf');
  parameters.proof.forEach((p, i) => {
    node = hashPair(node, node32(p, `proof[${i}]`));
  });
  return node.every((b, i) => b === root[i]);
}
