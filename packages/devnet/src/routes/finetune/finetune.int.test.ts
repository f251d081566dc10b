import { createClient, isHttpError, isValidationError } from '@openledger/core';
import {
  cancelFineTuneJob,
  createFineTuneJob,
  type FineTuneEvent,
  getFineTuneJob,
  watchFineTuneJob,
} from '@openledger/lora';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, test } from 'vitest';
import { useDevnet } from '../../testing/useDevnet.js';
import { devnetApiKey } from '../datanets/auth.js';
import { finetuneRoutes } from '../finetune.js';
import { stepsPerEpoch } from './simulate.js';

const devnet = useDevnet({ routes: [finetuneRoutes] });
const client = () =>
  createClient({ baseUrl: devnet().url, apiKey: devnetApiKey(devnet().accounts[0]!.privateKey) });
const spec = {
  baseModel: 'meta-llama/Llama-3.1-8B',
  datanets: [{ datanetId: 'dn_legal', version: 3, weight: 2 }],
  epochs: 2,
  batchSize: 64,
};

async function collect(it: AsyncIterable<FineTuneEvent & { id: string | undefined }>) {
  const out: (FineTuneEvent & { id: string | undefined })[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('ModelFactory fine-tuning against the devnet', () => {
  test('the finetune routes are listed in a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await fetch(`${devnet().url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/finetune/jobs',
        '/v1/finetune/jobs/{jobId}',
        '/v1/finetune/jobs/{jobId}/cancel',
        '/v1/finetune/jobs/{jobId}/events',
      ]),
    );
  });

  test('a job runs to completion and its progress streams over SSE', async () => {
    const job = await createFineTuneJob(client(), { spec });
    expect(job).toMatchObject({ status: 'queued', spec: { r: 8, method: 'lora' }, adapterId: null });
    const events = await collect(watchFineTuneJob(client(), { jobId: job.id }));
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const steps = events.filter((e) => e.type === 'step');
    const per = stepsPerEpoch({ ...job.spec });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 2 * per }, (_, i) => i + 1));
    expect(steps.every((s) => Number.isFinite(s.loss) && s.totalSteps === 2 * per)).toBe(true);
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0]!.loss);
    expect(events.filter((e) => e.type === 'eval').map((e) => e.epoch)).toEqual([1, 2]);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(done.job).toMatchObject({ status: 'succeeded', adapterId: `${job.id}-adapter` });
    expect(await getFineTuneJob(client(), { jobId: job.id })).toEqual(done.job);
  });

  test('a dropped stream resumes with Last-Event-ID without losing or repeating events', async () => {
    const job = await createFineTuneJob(client(), { spec: { ...spec, epochs: 10 } });
    let connections = 0;
    const lastIds: (string | null)[] = [];
    const keys: (string | null)[] = [];
    // Cut the first two connections after their first event.
    const flaky: typeof fetch = async (input, init) => {
      const headers = input instanceof Request ? input.headers : new Headers(init?.headers);
      if (headers.get('accept') === 'text/event-stream') {
        connections++;
        lastIds.push(headers.get('last-event-id'));
        keys.push(headers.get('authorization'));
      }
      const res = await fetch(input, init);
      if (connections > 2 || headers.get('accept') !== 'text/event-stream') return res;
      const reader = res.body!.getReader();
      let seen = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          seen += new TextDecoder().decode(value);
          controller.enqueue(value);
          if (/\ndata: /.test(seen)) {
            await reader.cancel();
            controller.error(new TypeError('connection reset'));
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const viaFlaky = createClient({
      baseUrl: devnet().url,
      apiKey: devnetApiKey(devnet().accounts[0]!.privateKey),
      fetch: flaky,
    });
    const events = await collect(watchFineTuneJob(viaFlaky, { jobId: job.id, reconnectDelayMs: 10 }));
    expect(connections).toBeGreaterThanOrEqual(3);
    // Every connection went through the client: its API key rode along each time.
    expect(keys.every((k) => k === `Bearer ${devnetApiKey(devnet().accounts[0]!.privateKey)}`)).toBe(true);
    expect(lastIds[0]).toBeNull();
    // Each reconnect resumes after the last event received (the first cut may carry several).
    expect(Number(lastIds[1])).toBeGreaterThanOrEqual(1);
    expect(Number(lastIds[2])).toBeGreaterThan(Number(lastIds[1]));
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.type).toBe('done');
  });

  test('cancelling stops a running job; cancelling again conflicts', async () => {
    const job = await createFineTuneJob(client(), { spec: { ...spec, epochs: 50 } });
    const controller = new AbortController();
    const seen: FineTuneEvent[] = [];
    for await (const e of watchFineTuneJob(client(), { jobId: job.id, signal: controller.signal })) {
      seen.push(e);
      if (e.type === 'step' && e.step === 3) break;
    }
    const cancelled = await cancelFineTuneJob(client(), { jobId: job.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress.step).toBeGreaterThanOrEqual(3);
    expect(cancelled.progress.step).toBeLessThan(cancelled.progress.totalSteps);
    const rest = await collect(watchFineTuneJob(client(), { jobId: job.id, lastEventId: '3' }));
    expect(rest.at(-1)).toMatchObject({ type: 'done', job: { status: 'cancelled' } });
    try {
      await cancelFineTuneJob(client(), { jobId: job.id });
      expect.unreachable();
    } catch (e) {
      expect(isHttpError(e) && e.status).toBe(409);
    }
  });

  test('a retried submission with the same Idempotency-Key creates one job', async () => {
    const key = `ft-test-${Date.now()}`;
    const first = await createFineTuneJob(client(), { spec, idempotencyKey: key });
    const again = await createFineTuneJob(client(), { spec, idempotencyKey: key });
    expect(again.id).toBe(first.id);
    const other = await createFineTuneJob(client(), { spec });
    expect(other.id).not.toBe(first.id);
  });

  test('bad specs are refused locally, by the server, and writes need an API key', async () => {
    await expect(createFineTuneJob(client(), { spec: { ...spec, r: 0 } })).rejects.toSatisfy(
      isValidationError,
    );
    const res = await fetch(`${devnet().url}/v1/finetune/jobs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${devnetApiKey(devnet().accounts[0]!.privateKey)}`,
      },
      body: JSON.stringify({ ...spec, method: 'qlora' }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    const anonymous = createClient({ baseUrl: devnet().url });
    await expect(createFineTuneJob(anonymous, { spec })).rejects.toMatchObject({ status: 401 });
    await expect(getFineTuneJob(anonymous, { jobId: 'ft_missing' })).rejects.toMatchObject({ status: 404 });
    await expect(collect(watchFineTuneJob(anonymous, { jobId: 'ft_missing' }))).rejects.toMatchObject({
      status: 404,
    });
  });
});
