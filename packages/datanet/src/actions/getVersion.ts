import type { OpenLedgerClient } from '@openledger/core';
import { type Version, VersionSchema } from '../api/version.js';

/** Parameters of {@link getVersion}. */
export interface GetVersionParameters {
  datanetId: string;
  /** A version number, or `'latest'`. */
  version: number | 'latest';
  signal?: AbortSignal;
}

/** What {@link getVersion} resolves to. */
export type GetVersionReturnType = Version;

/**
 * Read a published version of a datanet: its number, Merkle root and leaf count.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getVersion } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const latest = await getVersion(client, { datanetId: 'notes', version: 'latest' });
 */
export async function getVersion(
  client: OpenLedgerClient,
  params: GetVersionParameters,
): Promise<GetVersionReturnType> {
  return client.request({
    path: `/v1/datanets/${encodeURIComponent(params.datanetId)}/versions/${encodeURIComponent(String(params.version))}`,
    schema: VersionSchema,
    signal: params.signal,
  });
}
