import type { OpenLedgerClient } from '@openledger/core';
import { type Contribution, ContributionSchema } from '../api/contribution.js';

/** Parameters of {@link reviewContribution}. */
export interface ReviewContributionParameters {
  contributionId: string;
  decision: 'accept' | 'reject';
  /** Shown to the contributor; at most 2000 characters. */
  reason?: string;
  /** `Idempotency-Key`; one is generated (and reused across retries) when omitted. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What {@link reviewContribution} resolves to: the contribution after the decision. */
export type ReviewContributionReturnType = Contribution;

/**
 * Accept or reject a contribution that is pending review. Only the datanet owner may; decisions
 * are final (repeating the same decision is a no-op, a different one answers 409 `NOT_REVIEWABLE`).
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { reviewContribution } from '@openledger/datanet';
 * const owner = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'oldev_…' });
 * await reviewContribution(owner, { contributionId: 'ctb_…', decision: 'accept' });
 */
export async function reviewContribution(
  client: OpenLedgerClient,
  params: ReviewContributionParameters,
): Promise<ReviewContributionReturnType> {
  return client.request({
    method: 'POST',
    path: `/v1/contributions/${encodeURIComponent(params.contributionId)}/review`,
    json: { decision: params.decision, ...(params.reason === undefined ? {} : { reason: params.reason }) },
    schema: ContributionSchema,
    idempotencyKey: params.idempotencyKey ?? true,
    signal: params.signal,
  });
}
