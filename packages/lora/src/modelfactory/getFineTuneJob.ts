import type { OpenLedgerClient } from '@openledger/core';
import { type FineTuneJob, FineTuneJobSchema } from './schemas.js';

/** Parameters of {@link getFineTuneJob}. */
export interface GetFineTuneJobParameters {
  jobId: string;
  signal?: AbortSignal;
}

/** What {@link getFineTuneJob} returns. */
export type GetFineTuneJobReturnType = FineTuneJob;

/**
 * Read a fine-tuning job: status, progress, latest metrics and, once done, the adapter id.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { getFineTuneJob } from '@openledger/lora';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8545' });
 * const job = await getFineTuneJob(client, { jobId: 'ft_123' });
 */
export function getFineTuneJob(
  client: OpenLedgerClient,
  params: GetFineTuneJobParameters,
): Promise<GetFineTuneJobReturnType> {
  return client.request({
    path: `/v1/finetune/jobs/${encodeURIComponent(params.jobId)}`,
    schema: FineTuneJobSchema,
    ...(params.signal ? { signal: params.signal } : {}),
  });
}
