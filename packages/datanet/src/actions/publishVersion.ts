import type { OpenLedgerClient } from '@openledger/core';
import { type Version, VersionSchema } from '../api/version.js';

/** Parameters of {@link publishVersion}. */
export interface PublishVersionParameters {
  datanetId: string;
  /** `Idempotency-Key`; one is generated (and reused across retries) when omitted. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What {@link publishVersion} resolves to: the new version. */
export type PublishVersionReturnType = Version;

/**
 * Publish the datanet's next version (owner only): its `merkleRoot` commits to the content
 * hashes of every contribution accepted so far. Prove a contribution is in it with
 * {@link getMembershipProof}. Answers 409 `NOTHING_TO_PUBLISH` when nothing was accepted since
 * the previous version.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { publishVersion } from '@openledger/datanet';
 * const owner = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'oldev_…' });
 * const { version, merkleRoot } = await publishVersion(owner, { datanetId: 'notes' });
 */
export async function publishVersion(
  client: OpenLedgerClient,
  params: PublishVersionParameters,
): Promise<PublishVersionReturnType> {
  return client.request({
    method: 'POST',
    path: `/v1/datanets/${encodeURIComponent(params.datanetId)}/versions`,
    schema: VersionSchema,
    idempotencyKey: params.idempotencyKey ?? true,
    signal: params.signal,
  });
}
