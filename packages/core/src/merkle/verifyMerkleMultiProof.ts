import { ValidationError } from '../errors/errors.js';
import type { Hex } from '../hash/hex.js';
import { hashPair, leafOf, node32 } from './internal.js';

/**
 * Parameters of {@link verifyMerkleMultiProof}.
 * @example
 * import { verifyMerkleMultiProof, type VerifyMerkleMultiProofParameters } from '@openledger/core';
 * declare const params: VerifyMerkleMultiProofParameters;
 * verifyMerkleMultiProof(params);
 */
export interface VerifyMerkleMultiProofParameters {
  root: Hex | Uint8Array;
  /** Leaves in the order `getMerkleMultiProof` returned them: values (with `leafEncoding`) or raw hashes. */
  leaves: readonly unknown[];
  proof: readonly (Hex | Uint8Array)[];
  proofFlags: readonly boolean[];
  leafEncoding?: readonly string[];
}

/**
 * Check a multiproof as OpenZeppelin's `MerkleProof.multiProofVerify` does. Returns false for
 * a wrong or inconsistent proof; throws `ValidationError` only for malformed nodes or leaves.
 *
 * @example
 * import { createMerkleTree, getMerkleMultiProof, verifyMerkleMultiProof } from '@openledger/core';
 * const leafEncoding = ['bytes32'];
 * const tree = createMerkleTree([[`0x${'11'.repeat(32)}`], [`0x${'22'.repeat(32)}`]], { leafEncoding });
 * verifyMerkleMultiProof({ root: tree.root, leafEncoding, ...getMerkleMultiProof(tree, [0, 1]) }); // true
 */
export function verifyMerkleMultiProof(parameters: VerifyMerkleMultiProofParameters): boolean {
  const root = node32(parameters.root, 'root');
  const { proofFlags } = parameters;
  if (!Array.isArray(proofFlags) || proofFlags.some((f) => typeof f !== 'boolean')) {
    throw new ValidationError('proofFlags must be an array of booleans.');
  }
  const queue = parameters.leaves.map((l, i) => leafOf(parameters.leafEncoding, l, `leaves[${i}]`));
  const proof = parameters.proof.map((p, i) => node32(p, `proof[${i}]`));
  // Same accounting the Solidity verifier enforces: every flag consumes one node and makes one.
  if (queue.length + proof.length !== proofFlags.length + 1) return false;
  let q = 0;
  let p = 0;
  for (const flag of proofFlags) {
    const a = queue[q++];
    const b = flag ? queue[q++] : proof[p++];
    if (!a || !b) return false;
    queue.push(hashPair(a, b));
  }
  let computed: Uint8Array | undefined;
  if (proofFlags.length > 0) {
    if (p !== proof.length) return false;
    computed = queue[queue.length - 1];
  } else {
    computed = queue.length > 0 ? queue[0] : proof[0];
  }
  return computed?.every((b, i) => b === root[i]) ?? false;
}
