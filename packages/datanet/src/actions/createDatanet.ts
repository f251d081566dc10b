import { type OpenLedgerClient, ValidationError } from '@openledger/core';
import { type Datanet, DatanetSchema } from '../api/datanet.js';
import { type DatanetSpecInput, defineDatanet } from '../spec/defineDatanet.js';

/** Parameters of {@link createDatanet}. */
export interface CreateDatanetParameters {
  /** The spec; `owner` must be the account of the client's API key. Row schemas as JSON Schema. */
  spec: DatanetSpecInput;
  /** `Idempotency-Key`; one is generated (and reused across retries) when omitted. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What {@link createDatanet} resolves to: the created datanet. */
export type CreateDatanetReturnType = Datanet;

/**
 * Create a datanet. The spec is checked locally first (`defineDatanet`, throws `ValidationError`),
 * then sent with defaults applied; the calling account becomes the owner. Safe to retry: a
 * repeat with the same idempotency key returns the datanet the first call created.
 *
 * @example
 * import { createClient } from '@openledger/core';
 * import { createDatanet } from '@openledger/datanet';
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'oldev_…' });
 * const datanet = await createDatanet(client, {
 *   spec: { id: 'notes', name: 'Notes', kind: 'text', owner: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266' },
 * });
 */
export async function createDatanet(
  client: OpenLedgerClient,
  params: CreateDatanetParameters,
): Promise<CreateDatanetReturnType> {
  const spec = defineDatanet(params.spec);
  if (spec.rows && typeof (spec.rows.schema as { '~standard'?: unknown })['~standard'] === 'object')
    throw new ValidationError('A datanet sent to the API needs its row schema as JSON Schema.', {
      issues: [
        {
          path: ['spec', 'rows', 'schema'],
          message: 'zod schemas do not survive JSON; pass z.toJSONSchema(schema)',
        },
      ],
      docsPath: '/datanet/specs',
    });
  return client.request({
    method: 'POST',
    path: '/v1/datanets',
    json: { spec },
    schema: DatanetSchema,
    idempotencyKey: params.idempotencyKey ?? true,
    signal: params.signal,
  });
}
