import type { OpenLedgerClient } from '@openledger/core';
import { type FineTuneJob, FineTuneJobSchema } from './schemas.js';

/** Parameters of {@link cancelFineTuneJob}. */
export interface CancelFineTuneJobParameters {
  jobId: string;
  signal?: AbortSignal;
}

/** What {@link cancelFineTuneJob} returns: the job, now `cancelled`. */
export type CancelFineTuneJobReturnType = FineTuneJob;

/**
 * Cancel a queued or running job. Cancelling a finished job answers 409 (`HttpError` with code
 * `CONFLICT`); retries are safe (Idempotency-Key).
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { cancelFineTuneJob } from '@openledger/lora';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8545', apiKey: 'oldev_…' });
 * await cancelFineTuneJob(client, { jobId: 'ft_123' });
 */
export function cancelFineTuneJob(
  client: OpenLedgerClient,
  params: CancelFineTuneJobParameters,
): Promise<CancelFineTuneJobReturnType> {
  return client.request({
    method: 'POST',
    path: `/v1/finetune/jobs/${encodeURIComponent(params.jobId)}/cancel`,
    schema: FineTuneJobSchema,
    idempotencyKey: true,
    ...(params.signal ? { signal: params.signal } : {}),
  });
}
