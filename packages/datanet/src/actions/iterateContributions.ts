import type { OpenLedgerClient } from '@openledger/core';
import type { Contribution } from '../api/contribution.js';
import { type ListContributionsParameters, listContributions } from './listContributions.js';

/**
 * Every contribution matching the filters, fetched page by page as you iterate.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { iterateContributions } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * for await (const c of iterateContributions(client, { datanetId: 'notes', status: 'accepted' })) {
 *   console.log(c.id, c.contentHash);
 * }
 */
export async function* iterateContributions(
  client: OpenLedgerClient,
  params: Omit<ListContributionsParameters, 'cursor'>,
): AsyncGenerator<Contribution, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await listContributions(client, { ...params, ...(cursor === undefined ? {} : { cursor }) });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
