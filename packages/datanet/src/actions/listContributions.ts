import type { OpenLedgerClient } from '@openledger/core';
import { type Page, pageSchema } from '../api/common.js';
import { type Contribution, ContributionSchema, type ContributionStatus } from '../api/contribution.js';

/** Parameters of {@link listContributions}. */
export interface ListContributionsParameters {
  datanetId: string;
  /** Only contributions in this state. */
  status?: ContributionStatus;
  /** Only contributions by this address. */
  contributor?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1..200 (default 50). */
  limit?: number;
  signal?: AbortSignal;
}

/** What {@link listContributions} resolves to: one page. */
export type ListContributionsReturnType = Page<Contribution>;

const ContributionPageSchema = /* @__PURE__ */ (() => pageSchema(ContributionSchema))();

/**
 * List a datanet's contributions, oldest first, one page at a time. Walk every page with
 * `iterateContributions`.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { listContributions } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const page = await listContributions(client, { datanetId: 'notes', status: 'pending_review' });
 */
export async function listContributions(
  client: OpenLedgerClient,
  params: ListContributionsParameters,
): Promise<ListContributionsReturnType> {
  return client.request({
    path: `/v1/datanets/${encodeURIComponent(params.datanetId)}/contributions`,
    query: {
      status: params.status,
      contributor: params.contributor,
      cursor: params.cursor,
      limit: params.limit,
    },
    schema: ContributionPageSchema,
    signal: params.signal,
  });
}
