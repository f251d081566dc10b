import type { OpenLedgerClient } from '@openledger/core';
import { type Page, pageSchema } from '../api/common.js';
import { type Datanet, DatanetSchema } from '../api/datanet.js';

/** Parameters of {@link listDatanets}. */
export interface ListDatanetsParameters {
  /** Only datanets owned by this address. */
  owner?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1..200 (default 50). */
  limit?: number;
  signal?: AbortSignal;
}

/** What {@link listDatanets} resolves to: one page. */
export type ListDatanetsReturnType = Page<Datanet>;

const DatanetPageSchema = /* @__PURE__ */ (() => pageSchema(DatanetSchema))();

/**
 * List datanets, oldest first, one page at a time.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { listDatanets } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const { items, nextCursor } = await listDatanets(client, { limit: 20 });
 */
export async function listDatanets(
  client: OpenLedgerClient,
  params: ListDatanetsParameters = {},
): Promise<ListDatanetsReturnType> {
  return client.request({
    path: '/v1/datanets',
    query: { owner: params.owner, cursor: params.cursor, limit: params.limit },
    schema: DatanetPageSchema,
    signal: params.signal,
  });
}
