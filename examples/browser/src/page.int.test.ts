import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildSpanIndex, createByteTokenizer, serializeSpanIndex } from '@openledger/attribution';
import { createClient } from '@openledger/core';
import { getContribution } from '@openledger/datanet';
import { type Devnet, devnetApiKey, startDevnet } from '@openledger/devnet';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type FileServer,
  launchChromium,
  type ServedFile,
  serveFiles,
} from '../../../scripts/testing/browser.js';
import { loadMobyDick, type Seeded, seedDevnet } from '../../inference-gateway/src/seed.js';

const root = join(import.meta.dirname, '..');
const shots = join(root, '..', '..', 'test-results', 'browser');
let devnet: Devnet;
let seeded: Seeded;
let server: FileServer;
let browser: Browser;
let page: Page;
let indexSize = 0;

function filesUnder(dir: string): Record<string, ServedFile> {
  const out: Record<string, ServedFile> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const type = name.endsWith('.html')
          ? 'text/html'
          : name.endsWith('.js')
            ? 'text/javascript'
            : name.endsWith('.css')
              ? 'text/css'
              : undefined;
        out[`/${relative(dir, p)}`] = { body: new Uint8Array(readFileSync(p)), ...(type ? { type } : {}) };
      }
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'error' });
  devnet = await startDevnet();
  seeded = await seedDevnet(devnet, { chapters: 4 });
  const index = await buildSpanIndex(
    seeded.text.map((t) => ({ id: t.id, contributor: t.contributor, text: t.text })),
    { tokenizer: createByteTokenizer() },
  );
  const bytes = serializeSpanIndex(index);
  indexSize = bytes.length;
  const dist = filesUnder(join(root, 'dist'));
  server = await serveFiles({ ...dist, '/': dist['/index.html']!, '/index.bin': { body: bytes } });
  browser = await launchChromium();
  page = await browser.newPage();
  // Surface the page's own errors in the test output.
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.error('page console:', m.text()));
  const alice = devnet.accounts[1]!;
  const q = new URLSearchParams({
    api: devnet.url,
    datanet: 'moby-text',
    key: devnetApiKey(alice.privateKey),
    contributor: alice.address,
    index: `${server.url}index.bin`,
  });
  await page.goto(`${server.url}?${q}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 }).catch(async (e) => {
    console.error(await page.textContent('body'));
    throw e;
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await devnet?.stop();
});

describe('browser example in headless Chromium', () => {
  test('validates a chapter in the page, shows the quota left, and uploads it with progress', async () => {
    const chapter = loadMobyDick().filter((c) => c.text.length > 3_000)[20]!;
    await page.setInputFiles('#file', {
      name: 'chapter.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(chapter.text),
    });
    await page.waitForSelector('#report .accepted');
    expect(await page.textContent('#quota')).toMatch(/MB and \d+ files left for you/);
    await page.screenshot({ path: join(shots, 'validated.png'), fullPage: true });
    await page.click('#upload');
    await page.waitForSelector('#contribution-status');
    expect(await page.textContent('#contribution-status')).toBe('accepted');
    const id = await page.textContent('#status code');
    const stored = await getContribution(createClient({ baseUrl: devnet.url }), { contributionId: id! });
    expect(stored.bytes).toBe(Buffer.byteLength(chapter.text));
    expect(await page.$eval('#progress', (p) => (p as HTMLProgressElement).value)).toBe(1);
  });

  test('refuses a PNG renamed to .txt before uploading anything', async () => {
    const png = new PNG({ width: 8, height: 8 });
    png.data.fill(200);
    await page.setInputFiles('#file', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: PNG.sync.write(png),
    });
    await page.waitForSelector('#report .rejected');
    expect(await page.textContent('#report')).toContain('png');
    expect(await page.$eval('#upload', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await page.screenshot({ path: join(shots, 'rejected.png'), fullPage: true });
  });

  test('attributes pasted text against the index loaded by range requests', async () => {
    const source = seeded.text[1]!;
    const quote = source.text.slice(2_000, 2_400);
    await page.fill('#text', `A model wrote: ${quote} — and then something of its own entirely.`);
    const before = server.requests.length;
    await page.click('#attribute');
    await page.waitForSelector('#span-count');
    const marks = await page.$$eval('#attribution mark', (ms) =>
      ms.map((m) => ({ text: m.textContent, who: m.getAttribute('title') })),
    );
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(source.text).toContain(m.text!);
    expect(marks.some((m) => m.who?.toLowerCase().includes(source.contributor.toLowerCase()))).toBe(true);
    const ranged = server.requests.slice(before).filter((r) => r.path === '/index.bin');
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.every((r) => r.status === 206)).toBe(true);
    // Every read of the index is a range read of at most one page (the page asks for 16 KiB).
    expect(ranged.every((r) => r.range && r.bytes <= 16 * 1024)).toBe(true);
    console.log(
      `index ${indexSize} bytes, ${ranged.length} range requests, ${ranged.reduce((s, r) => s + r.bytes, 0)} bytes read`,
    );
    await page.screenshot({ path: join(shots, 'attributed.png'), fullPage: true });
  });
});
