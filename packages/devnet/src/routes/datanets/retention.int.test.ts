import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Devnet, startDevnet } from '../../startDevnet.js';
import { devnetApiKey } from './auth.js';
import { RETENTION_MS } from './service.js';

// A devnet on a clock the test moves: abandoned upload sessions and old Idempotency-Keys are
// forgotten after RETENTION_MS, on the next write.
let clock = Date.parse('2026-01-05T10:00:00Z');
let devnet: Devnet;
let key: string;

async function call(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(devnet.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads JSON answers loosely on purpose
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  devnet = await startDevnet({ contracts: false, now: () => new Date(clock) });
  key = devnetApiKey(devnet.accounts[0]!.privateKey);
  const spec = { id: 'ret', name: 'Retention', kind: 'text', owner: devnet.accounts[0]!.address };
  expect((await call('POST', '/v1/datanets', { spec })).status).toBe(201);
});
afterAll(async () => {
  await devnet?.stop();
});

test('an abandoned upload session and an old Idempotency-Key expire after 24 hours, and not before', async () => {
  const bytes = new TextEncoder().encode('Call me Ishmael.');
  const contentHash = `0x${createHash('sha256').update(bytes).digest('hex')}`;
  const open = (fileName: string) =>
    call(
      'POST',
      '/v1/datanets/ret/uploads',
      { fileName, size: bytes.length, contentHash },
      { 'idempotency-key': 'upload-1' },
    );
  const first = await open('a.txt');
  expect(first.status).toBe(201);
  const uploadId = first.body.id as string;
  const spec2 = { id: 'ret2', name: 'Second', kind: 'text', owner: devnet.accounts[0]!.address };
  expect((await call('POST', '/v1/datanets', { spec: spec2 }, { 'idempotency-key': 'dn-1' })).status).toBe(
    201,
  );

  // Just inside the window: the session and both keys are still held.
  clock += RETENTION_MS - 60_000;
  expect((await open('b.txt')).body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  expect((await call('GET', `/v1/uploads/${uploadId}`)).status).toBe(200);
  const spec3 = { ...spec2, id: 'ret3' };
  expect((await call('POST', '/v1/datanets', { spec: spec3 }, { 'idempotency-key': 'dn-1' })).status).toBe(
    422,
  );

  // Past it: the next write sweeps; the keys are free again and the open session is gone.
  clock += 2 * 60 * 60 * 1000;
  const again = await open('b.txt');
  expect(again.status).toBe(201);
  expect(again.body.id).not.toBe(uploadId);
  expect((await call('GET', `/v1/uploads/${uploadId}`)).status).toBe(404);
  expect((await call('POST', '/v1/datanets', { spec: spec3 }, { 'idempotency-key': 'dn-1' })).status).toBe(
    201,
  );
});
