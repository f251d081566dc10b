import { type OpenLedgerClient, ValidationError } from '@openledger/core';
import {
  type FineTuneJob,
  FineTuneJobSchema,
  type FineTuneJobSpecInput,
  FineTuneJobSpecSchema,
} from './schemas.js';

/** Parameters of {@link createFineTuneJob}. */
export interface CreateFineTuneJobParameters {
  spec: FineTuneJobSpecInput;
  /** Reuse a key to make a retried submission create one job only. Default: generated per call. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What {@link createFineTuneJob} returns. */
export type CreateFineTuneJobReturnType = FineTuneJob;

/**
 * Submit a fine-tuning job to ModelFactory. The spec is validated locally first (a
 * `ValidationError` names the offending field) and sent with an Idempotency-Key, so network
 * retries never start a second job.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { createFineTuneJob } from '@openledger/lora';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8545', apiKey: 'oldev_…' });
 * const job = await createFineTuneJob(client, {
 *   spec: { baseModel: 'meta-llama/Llama-3.1-8B', datanets: [{ datanetId: 'dn_legal', version: 3 }] },
 * });
 */
export async function createFineTuneJob(
  client: OpenLedgerClient,
  params: CreateFineTuneJobParameters,
): Promise<CreateFineTuneJobReturnType> {
  const parsed = FineTuneJobSpecSchema.safeParse(params.spec);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
      code: i.code,
    }));
    throw new ValidationError(
      `Invalid fine-tune spec: ${issues[0]!.path.join('.') || '(root)'} ${issues[0]!.message}`,
      {
        issues,
      },
    );
  }
  return client.request({
    method: 'POST',
    path: '/v1/finetune/jobs',
    json: parsed.data,
    schema: FineTuneJobSchema,
    idempotencyKey: params.idempotencyKey ?? true,
    ...(params.signal ? { signal: params.signal } : {}),
  });
}
