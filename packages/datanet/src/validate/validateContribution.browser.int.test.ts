import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../../../scripts/testing/browser.js';
import { instructionRecords, mobyDickChapter } from '../fixtures/corpus.js';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from './validateContribution.js';

// The same code in real Chromium: a browser bundle (no node: modules, @noble/hashes for sha256)
// validating File objects must give the reports Node gives with its native sha256.
const owner = '0x0000000000000000000000000000000000000001';
let browser: Browser;
let bundle: string;

beforeAll(async () => {
  const out = await build({
    stdin: {
      contents: "export { defineDatanet, validateContribution } from './index.ts';",
      resolveDir: new URL('..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__datanet',
    platform: 'browser',
    conditions: ['@openledger/source'],
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('validateContribution in Chromium', () => {
  test('the browser bundle has no node: imports', () => {
    expect(bundle).not.toMatch(/require\(["']node:|from ["']node:/);
  });

  test('File reports match Node for text, JSONL and invalid UTF-8', async () => {
    const page = await browser.newPage();
    try {
      await page.addScriptTag({ content: bundle });
      const text = mobyDickChapter(5);
      const rows = instructionRecords(200);
      rows[7] = { ...rows[7]!, instruction: '' };
      const jsonl = rows.map((r) => JSON.stringify(r)).join('\n');
      const specs = {
        text: { id: 'moby', name: 'Moby', kind: 'text', owner },
        rows: {
          id: 'instruct',
          name: 'I',
          kind: 'text',
          owner,
          rows: {
            schema: {
              type: 'object',
              required: ['instruction'],
              properties: { instruction: { type: 'string', minLength: 1 } },
            },
          },
        },
      } as const;
      const badBytes = [
        ...new TextEncoder().encode('Call me Ishmael, said the narrator. '),
        0xc3,
        0x28,
        0x41,
      ];
      const inBrowser = await page.evaluate(
        async ({ text, jsonl, specs, badBytes }) => {
          const dn = (globalThis as unknown as { __datanet: typeof import('../index.js') }).__datanet;
          const t = dn.defineDatanet(specs.text as never);
          const r = dn.defineDatanet(specs.rows as never);
          const now = Date.parse('2026-03-01T00:00:00Z');
          return [
            await dn.validateContribution(t, new File([text], 'ch5.txt'), { now, chunkSize: 4096 }),
            await dn.validateContribution(r, new File([jsonl], 'rows.jsonl'), { now }),
            await dn.validateContribution(t, new File([new Uint8Array(badBytes)], 'bad.txt'), { now }),
          ];
        },
        { text, jsonl, specs, badBytes },
      );
      const now = Date.parse('2026-03-01T00:00:00Z');
      const inNode = [
        await validateContribution(defineDatanet(specs.text), new File([text], 'ch5.txt'), {
          now,
          chunkSize: 4096,
        }),
        await validateContribution(defineDatanet(specs.rows), new File([jsonl], 'rows.jsonl'), { now }),
        await validateContribution(
          defineDatanet(specs.text),
          new File([new Uint8Array(badBytes)], 'bad.txt'),
          { now },
        ),
      ];
      expect(inBrowser).toEqual(JSON.parse(JSON.stringify(inNode)));
      expect(inBrowser[0]!.status).toBe('accepted');
      expect(inBrowser[1]!.issues.map((i) => [i.code, i.row])).toEqual([['ROW_SCHEMA', 8]]);
      expect(inBrowser[2]!.issues[0]).toMatchObject({ code: 'INVALID_UTF8', offset: badBytes.length - 3 });
    } finally {
      await page.close();
    }
  });
});
