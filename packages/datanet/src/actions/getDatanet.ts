import type { OpenLedgerClient } from '@openledger/core';
import { type Datanet, DatanetSchema } from '../api/datanet.js';

/** Parameters of {@link getDatanet}. */
export interface GetDatanetParameters {
  datanetId: string;
  signal?: AbortSignal;
}

/** What {@link getDatanet} resolves to. */
export type GetDatanetReturnType = Datanet;

/**
 * Read a datanet: its spec (defaults applied), counts by status and latest version.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getDatanet } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const { spec, counts } = await getDatanet(client, { datanetId: 'notes' });
 */
export async function getDatanet(
  client: OpenLedgerClient,
  params: GetDatanetParameters,
): Promise<GetDatanetReturnType> {
  return client.request({
    path: `/v1/datanets/${encodeURIComponent(params.datanetId)}`,
    schema: DatanetSchema,
    signal: params.signal,
  });
}
