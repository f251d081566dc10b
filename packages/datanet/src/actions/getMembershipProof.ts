import type { OpenLedgerClient } from '@openledger/core';
import { type MembershipProof, MembershipProofSchema } from '../api/version.js';

/** Parameters of {@link getMembershipProof}. */
export interface GetMembershipProofParameters {
  datanetId: string;
  version: number;
  contributionId: string;
  signal?: AbortSignal;
}

/** What {@link getMembershipProof} resolves to. */
export type GetMembershipProofReturnType = MembershipProof;

/**
 * Fetch the Merkle proof that a contribution's content hash is a leaf of a version. The proof
 * needs no trust in the server: check it against the version's root with `verifyMerkleProof`
 * from `@openledger/core` (or OpenZeppelin's `MerkleProof.verify` on chain).
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getMembershipProof } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const { merkleRoot, contentHash, proof } = await getMembershipProof(client, {
 *   datanetId: 'notes', version: 1, contributionId: 'ctb_…',
 * });
 */
export async function getMembershipProof(
  client: OpenLedgerClient,
  params: GetMembershipProofParameters,
): Promise<GetMembershipProofReturnType> {
  const d = encodeURIComponent(params.datanetId);
  const c = encodeURIComponent(params.contributionId);
  return client.request({
    path: `/v1/datanets/${d}/versions/${params.version}/proofs/${c}`,
    schema: MembershipProofSchema,
    signal: params.signal,
  });
}
