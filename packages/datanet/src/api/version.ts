import * as z from 'zod/mini';
import { AddressSchema, Bytes32Schema, TimestampSchema } from './common.js';

/**
 * A published version of a datanet. `merkleRoot` is the root of an OpenZeppelin-compatible
 * Merkle tree whose leaves are the `contentHash` (bytes32) of every contribution accepted when
 * it was published; `leafCount` says how many.
 *
 * @example
 * import { VersionSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const v = VersionSchema.parse(json);
 * console.log(`v${v.version}: ${v.leafCount} files, root ${v.merkleRoot}`);
 */
export const VersionSchema = /* @__PURE__ */ (() =>
  z.object({
    datanetId: z.string().check(z.minLength(1)),
    version: z.int().check(z.gt(0)),
    merkleRoot: Bytes32Schema,
    leafCount: z.int().check(z.gte(0)),
    publishedBy: AddressSchema,
    createdAt: TimestampSchema,
  }))();

/** See {@link VersionSchema}. */
export type Version = z.infer<typeof VersionSchema>;

/**
 * Proof that a contribution's `contentHash` is a leaf of a version's Merkle tree; check it with
 * `verifyMerkleProof` from `@openledger/core` (or OpenZeppelin's `MerkleProof` on chain).
 *
 * @example
 * import { MembershipProofSchema } from '@openledger/datanet';
 * declare const json: unknown;
 * const { merkleRoot, contentHash, proof } = MembershipProofSchema.parse(json);
 */
export const MembershipProofSchema = /* @__PURE__ */ (() =>
  z.object({
    datanetId: z.string().check(z.minLength(1)),
    version: z.int().check(z.gt(0)),
    contributionId: z.string().check(z.minLength(1)),
    merkleRoot: Bytes32Schema,
    contentHash: Bytes32Schema,
    proof: z.array(Bytes32Schema),
  }))();

/** See {@link MembershipProofSchema}. */
export type MembershipProof = z.infer<typeof MembershipProofSchema>;
