import type { OpenLedgerClient } from '@openledger/core';
import { type Contribution, ContributionSchema } from '../api/contribution.js';

/** Parameters of {@link getContribution}. */
export interface GetContributionParameters {
  contributionId: string;
  signal?: AbortSignal;
}

/** What {@link getContribution} resolves to. */
export type GetContributionReturnType = Contribution;

/**
 * Read a contribution: its status, validation report and review.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getContribution } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787' });
 * const c = await getContribution(client, { contributionId: 'ctb_…' });
 * if (c.status === 'rejected_at_entry') console.log(c.report.issues);
 */
export async function getContribution(
  client: OpenLedgerClient,
  params: GetContributionParameters,
): Promise<GetContributionReturnType> {
  return client.request({
    path: `/v1/contributions/${encodeURIComponent(params.contributionId)}`,
    schema: ContributionSchema,
    signal: params.signal,
  });
}
