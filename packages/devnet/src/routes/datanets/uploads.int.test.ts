import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from '../../startDevnet.js';
import { devnetApiKey } from './auth.js';

const sha256 = (b: Uint8Array) => `0x${createHash('sha256').update(b).digest('hex')}`;
const text = (s: string) => new TextEncoder().encode(s);

let devnet: Devnet;
let owner: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  devnet = await startDevnet();
  owner = devnetApiKey(devnet.accounts[0]!.privateKey);
  alice = devnetApiKey(devnet.accounts[1]!.privateKey);
  bob = devnetApiKey(devnet.accounts[2]!.privateKey);
  const res = await call('POST', '/v1/datanets', owner, {
    spec: {
      id: 'raw',
      name: 'Raw',
      kind: 'text',
      owner: devnet.accounts[0]!.address,
      limits: { maxFileBytes: 4096 },
    },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await devnet?.stop();
});

async function call(
  method: string,
  path: string,
  key: string | null,
  json?: unknown,
  headers: Record<string, string> = {},
  body?: Uint8Array,
) {
  const res = await fetch(devnet.url + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body
      ? new Blob([body as Uint8Array<ArrayBuffer>])
      : json === undefined
        ? undefined
        : JSON.stringify(json),
  });
  const payload = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return {
    status: res.status,
    // biome-ignore lint/suspicious/noExplicitAny: the test reads JSON answers loosely on purpose
    body: payload as Record<string, any>,
    requestId: res.headers.get('x-request-id'),
  };
}

async function open(bytes: Uint8Array, key: string, idem: string, contentHash = sha256(bytes)) {
  return call(
    'POST',
    '/v1/datanets/raw/uploads',
    key,
    { fileName: 'a.txt', size: bytes.length, contentHash },
    {
      'idempotency-key': idem,
    },
  );
}

const put = (id: string, key: string, offset: number | string, chunk: Uint8Array) =>
  call(
    'PUT',
    `/v1/uploads/${id}`,
    key,
    undefined,
    { 'upload-offset': String(offset), 'content-type': 'application/octet-stream' },
    chunk,
  );

describe('upload routes refuse what does not fit, with stable codes', () => {
  const bytes = text('Call me Ishmael. Some years ago, never mind how long precisely, having little money.');

  test('writes need a known API key; errors carry a request id', async () => {
    for (const key of [null, 'oldev_not-a-key', devnetApiKey(`0x${'11'.repeat(32)}`)]) {
      const r = await open(bytes, key as string, 'k-auth');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
      expect(r.requestId).toBeTruthy();
    }
  });

  test('opening an upload needs an idempotency key and a well-formed body', async () => {
    const noKey = await call('POST', '/v1/datanets/raw/uploads', alice, {
      fileName: 'a.txt',
      size: bytes.length,
      contentHash: sha256(bytes),
    });
    expect(noKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    for (const bad of [
      { fileName: '', size: 1, contentHash: sha256(bytes) },
      { fileName: 'a', size: -1, contentHash: sha256(bytes) },
      { fileName: 'a', size: 1.5, contentHash: sha256(bytes) },
      { fileName: 'a', size: 1, contentHash: '0x1234' },
    ]) {
      const r = await call('POST', '/v1/datanets/raw/uploads', alice, bad, {
        'idempotency-key': `bad-${Math.random()}`,
      });
      expect([400, 422]).toContain(r.status);
      if (r.status === 201) throw new Error(`accepted ${JSON.stringify(bad)}`);
    }
    // A `__proto__` key in the JSON is data, never a prototype (the server shares this process).
    const res = await fetch(`${devnet.url}/v1/datanets/raw/uploads`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-proto',
      },
      body: `{"fileName":"p.txt","size":${bytes.length},"contentHash":"${sha256(bytes)}","__proto__":{"polluted":true}}`,
    });
    expect([201, 400]).toContain(res.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const missing = await call(
      'POST',
      '/v1/datanets/nope/uploads',
      alice,
      { fileName: 'a', size: 1, contentHash: sha256(bytes) },
      {
        'idempotency-key': 'k-missing',
      },
    );
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'DATANET_NOT_FOUND' } } });
  });

  test('chunks must start at the held offset and stay inside the declared size', async () => {
    const up = await open(bytes, alice, 'k-offsets');
    expect(up.status).toBe(201);
    const id = up.body.id as string;
    const ahead = await put(id, alice, 10, bytes.subarray(10, 20));
    expect(ahead).toMatchObject({
      status: 409,
      body: { error: { code: 'OFFSET_MISMATCH', details: { offset: 0 } } },
    });
    const past = await put(id, alice, 0, new Uint8Array(bytes.length + 1));
    expect(past).toMatchObject({ status: 413, body: { error: { code: 'CHUNK_TOO_LARGE' } } });
    for (const bad of ['-1', 'x', '1e3', '']) expect((await put(id, alice, bad, bytes)).status).toBe(400);
    // Someone else's session answers like a missing one.
    expect((await put(id, bob, 0, bytes)).body.error.code).toBe('UPLOAD_NOT_FOUND');
    expect((await call('GET', `/v1/uploads/${id}`, bob)).status).toBe(404);

    const first = await put(id, alice, 0, bytes.subarray(0, 30));
    expect(first.body.offset).toBe(30);
    // A repeat of a chunk the server holds (its answer was lost) changes nothing.
    expect((await put(id, alice, 0, bytes.subarray(0, 30))).body.offset).toBe(30);
    // An overlapping chunk appends only its new tail.
    expect((await put(id, alice, 20, bytes.subarray(20, 50))).body.offset).toBe(50);
    const early = await call('POST', `/v1/uploads/${id}/complete`, alice);
    expect(early).toMatchObject({
      status: 409,
      body: { error: { code: 'UPLOAD_INCOMPLETE', details: { offset: 50 } } },
    });
    expect((await put(id, alice, 50, bytes.subarray(50))).body.offset).toBe(bytes.length);
    const done = await call('POST', `/v1/uploads/${id}/complete`, alice);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'pending_review',
      contentHash: sha256(bytes),
      bytes: bytes.length,
    });
    const stored = await fetch(`${devnet.url}/v1/contributions/${done.body.id}/content`);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    // Completing again returns the same contribution; the finished session ignores further chunks.
    expect((await call('POST', `/v1/uploads/${id}/complete`, alice)).body.id).toBe(done.body.id);
    expect((await put(id, alice, 0, bytes)).body).toMatchObject({
      status: 'complete',
      contributionId: done.body.id,
    });
  });

  test('bytes that do not match the declared hash are refused and the session starts over', async () => {
    const other = text(
      'Some years ago — never mind how long precisely — having little or no money in my purse.',
    );
    const up = await open(other, alice, 'k-hash', sha256(bytes));
    const id = up.body.id as string;
    expect(up.status).toBe(201);
    expect((await put(id, alice, 0, other)).status).toBe(200);
    const r = await call('POST', `/v1/uploads/${id}/complete`, alice);
    expect(r).toMatchObject({
      status: 422,
      body: { error: { code: 'CONTENT_HASH_MISMATCH', details: { offset: 0 } } },
    });
    expect((await call('GET', `/v1/uploads/${id}`, alice)).body.offset).toBe(0);
  });

  test('a declared size over the cap is recorded as rejected at once, whatever it claims', async () => {
    for (const size of [4097, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const up = await call(
        'POST',
        '/v1/datanets/raw/uploads',
        alice,
        { fileName: 'huge.txt', size, contentHash: sha256(bytes) },
        {
          'idempotency-key': `k-huge-${size}`,
        },
      );
      expect(up.status).toBe(201);
      expect(up.body.status).toBe('complete');
      const c = await call('GET', `/v1/contributions/${up.body.contributionId}`, null);
      expect(c.body.status).toBe('rejected_at_entry');
      expect(c.body.report.issues.map((i: { code: string }) => i.code)).toContain('FILE_TOO_LARGE');
    }
  });

  test('one chunk above the per-request limit is refused before it is buffered', async () => {
    const up = await open(new Uint8Array(4000).fill(97), alice, 'k-big-chunk');
    const r = await put(up.body.id, alice, 0, new Uint8Array((1 << 20) + 1));
    expect(r.status).toBe(413);
  });
});
