import { createMerkleTree, getMerkleProof, type MerkleTree } from '@openledger/core';
import { AttributionRecordError } from './errors.js';
import { hashAttributionRecord } from './hashAttributionRecord.js';
import type { AttributionRecord } from './schema.js';

/** Result of {@link commitAttributionRecords}. */
export interface AttributionBatch {
  /** The Merkle root to publish on-chain for the whole batch. */
  root: `0x${string}`;
  /** Each record's hash, in input order (the tree's leaves). */
  hashes: `0x${string}`[];
  /** The OpenZeppelin-compatible tree (simple-v1 layout: leaves are the record hashes). */
  tree: MerkleTree<`0x${string}`>;
  /** Proof for the record at `index`, for OpenZeppelin's `MerkleProof.verify(proof, root, hash)`. */
  proof(index: number): `0x${string}`[];
}

/**
 * Commit many attribution records (or their hashes) to one Merkle root, so one on-chain root
 * covers many inferences; each record is later proven against it with its hash and proof.
 *
 * @example
 * import { commitAttributionRecords, type AttributionRecord } from '@openledger/attribution';
 * import { verifyMerkleProof } from '@openledger/core';
 * declare const records: AttributionRecord[];
 * const batch = commitAttributionRecords(records);
 * verifyMerkleProof({ root: batch.root, leaf: batch.hashes[0]!, proof: batch.proof(0) }); // true
 */
export function commitAttributionRecords(
  items: readonly (AttributionRecord | `0x${string}`)[],
): AttributionBatch {
  if (!Array.isArray(items) || items.length === 0) {
    throw new AttributionRecordError('INVALID_INPUT', 'A batch needs at least one record.');
  }
  const hashes = items.map((r, i) => {
    if (typeof r === 'string') {
      if (!/^0x[0-9a-fA-F]{64}$/.test(r))
        throw new AttributionRecordError('INVALID_INPUT', `items[${i}] is not a 32-byte hash.`);
      return r.toLowerCase() as `0x${string}`;
    }
    return hashAttributionRecord(r);
  });
  const tree = createMerkleTree(hashes);
  return {
    root: tree.root,
    hashes,
    tree,
    proof: (index: number) => getMerkleProof(tree, index),
  };
}
