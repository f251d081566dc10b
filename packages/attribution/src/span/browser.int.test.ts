import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  bundleForBrowser,
  type FileServer,
  launchChromium,
  serveFiles,
} from '../../../../scripts/testing/browser.js';
import { createByteTokenizer } from '../tokenizers/byte.js';
import { createTiktokenTokenizer } from '../tokenizers/fixtures/tiktoken.js';
import { attributeOutput } from './attributeOutput.js';
import { buildSpanIndex } from './buildSpanIndex.js';
import { buildSpanIndexInWorkers } from './buildSpanIndexInWorkers.js';
import { mobyDickChapter } from './fixtures/corpus.js';
import { serializeSpanIndex } from './serializeSpanIndex.js';

let browser: Browser;
let server: FileServer;
const tokenizer = createByteTokenizer();
const chapters = Array.from({ length: 40 }, (_, i) => ({
  id: `ch${i + 1}`,
  contributor: `contributor-${i % 3}`,
  text: mobyDickChapter(i + 1),
}));
const index = await buildSpanIndex(chapters, { tokenizer, maxShardTokens: 200_000 });
const bytes = serializeSpanIndex(index);

beforeAll(async () => {
  server = await serveFiles({
    '/': { body: '<!doctype html><script type="module" src="/app.js"></script>', type: 'text/html' },
    '/app.js': {
      body: await bundleForBrowser('packages/attribution/src/span/fixtures/browser-entry.ts'),
      type: 'text/javascript',
    },
    '/index.olspan': { body: bytes },
    '/span-worker.js': {
      body: await bundleForBrowser('packages/attribution/src/span/span-worker.ts'),
      type: 'text/javascript',
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (workerDir) rmSync(workerDir, { recursive: true, force: true });
});
let workerDir = '';

describe('span attribution in Chromium', () => {
  test('loads the index by Range requests and attributes a text like Node does', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.attributeFromUrl === 'function');
    const output = `${chapters[1]!.text.slice(200, 420)} — and then something the model made up.`;
    const inPage = (await page.evaluate(
      ([u, o]) => window.attributeFromUrl(u!, o!),
      [`${server.url}index.olspan`, output],
    )) as {
      result: Awaited<ReturnType<typeof attributeOutput>>;
      io: { requests: number; bytes: number };
      shards: number;
    };
    const inNode = await attributeOutput(index, { output }, { tokenizer, density: 0.2 });
    expect(inPage.shards).toBeGreaterThan(1);
    // Chromium's and Node's Math.log may differ in the last bit: compare scores to 12 digits.
    const round = (r: unknown) =>
      JSON.parse(
        JSON.stringify(r, (_, v) =>
          typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
        ),
      );
    expect(round(inPage.result)).toEqual(round(inNode));
    expect(inNode.contributions.length).toBeGreaterThan(0);
    const ranged = server.requests.filter((r) => r.path === '/index.olspan');
    expect(ranged.length).toBe(inPage.io.requests);
    expect(ranged.every((r) => r.status === 206 && r.range)).toBe(true);
    // Pages are fetched on demand, so the page never downloads the whole file (BM25 does read
    // the cited documents whole; the suffix array is read only where the searches go).
    expect(inPage.io.bytes).toBeLessThan(bytes.length);
    await page.close();
  });

  test('builds the same index in the page as in Node, sorting in WebAssembly', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.buildIndexDigest === 'function');
    const inPage = await page.evaluate(
      ([docs, max]) => window.buildIndexDigest(docs as typeof chapters, max as number),
      [chapters, 200_000] as const,
    );
    expect(inPage.inWasm).toBe(true);
    expect(inPage.digest).toBe(createHash('sha256').update(bytes).digest('hex'));
    await page.close();
  });

  test('sorts in slices in the page: timers run meanwhile, progress rises to 1, the signal stops it', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.sortInSlices === 'function');
    const done = await page.evaluate(() => window.sortInSlices(false));
    expect(done.error).toBeNull();
    expect(done.sorted[0]).toBe(0);
    expect(done.sorted.at(-1)).toBe(1);
    // Fractions in between: the sort paused (a message-channel turn) at least once.
    expect(done.sorted.filter((f) => f > 0 && f < 1).length).toBeGreaterThan(0);
    for (let i = 1; i < done.sorted.length; i++)
      expect(done.sorted[i]!).toBeGreaterThanOrEqual(done.sorted[i - 1]!);
    expect(done.turns).toBeGreaterThan(0);
    const stopped = await page.evaluate(() => window.sortInSlices(true));
    expect(stopped.error).toBe('AbortError');
    expect(stopped.sorted.at(-1)!).toBeGreaterThan(0);
    expect(stopped.sorted).not.toContain(1);
    await page.close();
  });

  test('builds in Web Workers the same index as worker threads do in Node', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.buildInWorkersDigest === 'function');
    const inPage = await page.evaluate(
      ([docs, w, b]) => window.buildInWorkersDigest(docs as typeof chapters, w as number, b as number),
      [chapters, 3, 50_000] as const,
    );
    // The same worker script for Node (worker threads load JavaScript, not TypeScript).
    workerDir = mkdtempSync(join(tmpdir(), 'span-worker-'));
    const workerUrl = join(workerDir, 'span-worker.mjs');
    writeFileSync(workerUrl, await bundleForBrowser('packages/attribution/src/span/span-worker.ts'));
    const inNode = await buildSpanIndexInWorkers(chapters, {
      tokenizer,
      workers: 3,
      batchSize: 50_000,
      workerUrl,
    });
    expect(inPage.shards).toBe(3);
    // The page is not cross-origin isolated: shards come back copied, not shared.
    expect(inPage.shared).toBe(false);
    expect(inPage.digest).toBe(createHash('sha256').update(serializeSpanIndex(inNode)).digest('hex'));
    await page.close();
  });

  test('tokenizes GPT-2, cl100k and o200k in the page through the WebAssembly pre-tokenisers, with js-tiktoken ids', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.tiktokenIds === 'function');
    const texts = [
      mobyDickChapter(1),
      mobyDickChapter(2).slice(0, 3000),
      "naïve café — 漢字 42 12345 ½ ٣ x\u0301 \u00a0\u3000 don't, WE'LL, it'S\r\n\r\n  (ok)!!\n",
      "HTTPRequest ABC漢DEF ǅx'll !\u0301A\r\n//x a\u{E0100}b",
      'an astral one: 😀 𝐀𝐁 and back',
    ];
    for (const encoding of ['gpt2', 'cl100k', 'o200k'] as const) {
      const inPage = await page.evaluate(([e, t]) => window.tiktokenIds(e, t), [encoding, texts] as const);
      const reference = createTiktokenTokenizer(encoding === 'gpt2' ? 'gpt2' : `${encoding}_base`);
      const want = texts.map((t) => Array.from(reference.encode(t)));
      // Two instances, the pre-tokeniser and the byte-pair merger: the main thread compiled
      // both small modules synchronously.
      expect(inPage.instances).toBe(2);
      expect(inPage.wasm).toEqual(want);
      expect(inPage.js).toEqual(want);
    }
    await page.close();
  });
});
