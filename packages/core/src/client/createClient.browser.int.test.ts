import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../../../../scripts/testing/browser.js';

/**
 * The client in real Chromium: the page and the API share one 127.0.0.1 origin, and the
 * page runs core bundled for the browser by esbuild (as an app would ship it).
 */
let server: Server;
let browser: Browser | undefined;
let origin: string;
const hits: Record<string, number> = {};

const pageScript = `
import { createClient, isHttpError, isValidationError } from './index.ts';
import { z } from 'zod';
window.run = async () => {
  const client = createClient({ baseUrl: location.origin, apiKey: 'sk_browser_secret', retry: { limit: 2, baseDelay: 5 } });
  const out = {};
  out.ok = await client.request({ path: '/v1/ok', schema: z.object({ id: z.string(), sdk: z.string() }) });
  try { await client.request({ path: '/v1/missing', schema: z.unknown() }); }
  catch (e) { out.missing = { http: isHttpError(e), code: e.code, requestId: e.requestId, leaked: e.message.includes('sk_browser_secret') }; }
  try { await client.request({ path: '/v1/ok', schema: z.object({ id: z.number() }) }); }
  catch (e) { out.shape = { validation: isValidationError(e), path: e.issues[0].path }; }
  out.flaky = await client.request({ path: '/v1/flaky', schema: z.object({ attempt: z.number() }) });
  const down = [];
  const bytes = await client.request({ path: '/v1/big', responseType: 'bytes', onDownloadProgress: (p) => down.push(p.transferredBytes) });
  out.download = { size: bytes.length, last: down.at(-1), events: down.length };
  const up = [];
  out.upload = await client.request({ method: 'POST', path: '/v1/upload', body: new Uint8Array(100000), schema: z.object({ received: z.number() }), onUploadProgress: (p) => up.push(p) });
  out.uploadEvents = up;
  return out;
};
`;

beforeAll(async () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const bundle = await build({
    stdin: { contents: pageScript, resolveDir: `${here}..`, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `rid-${path}` });
      res.end(JSON.stringify(body));
    };
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><script type="module" src="/app.js"></script>');
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
    } else if (path === '/v1/ok') {
      json(200, { id: 'abc', sdk: String(req.headers['x-openledger-sdk']) });
    } else if (path === '/v1/flaky') {
      if (hits[path] === 1) json(503, { error: { code: 'busy', message: 'try again' } });
      else json(200, { attempt: hits[path] });
    } else if (path === '/v1/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '500000' });
      for (let i = 0; i < 5; i++) res.write(Buffer.alloc(100_000, i));
      res.end();
    } else if (path === '/v1/upload') {
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
      });
      req.on('end', () => json(200, { received: n }));
    } else {
      json(404, { error: { code: 'not_found', message: 'no such thing' } });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('works in Chromium: validation, typed errors, retries, progress, no key in messages', async () => {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin);
  await page.waitForFunction(() => typeof (window as unknown as { run?: unknown }).run === 'function');
  const out = await page.evaluate(() =>
    (window as unknown as { run: () => Promise<Record<string, unknown>> }).run(),
  );
  expect(errors).toEqual([]);
  expect(out.ok).toEqual({ id: 'abc', sdk: expect.stringMatching(/^core\//) });
  expect(out.missing).toEqual({ http: true, code: 'NOT_FOUND', requestId: 'rid-/v1/missing', leaked: false });
  expect(out.shape).toEqual({ validation: true, path: ['id'] });
  expect(out.flaky).toEqual({ attempt: 2 });
  expect(out.download).toMatchObject({ size: 500_000, last: 500_000 });
  expect(out.upload).toEqual({ received: 100_000 });
  // Outside Node, upload progress is one final event (Chromium cannot stream bodies over HTTP/1.1).
  expect(out.uploadEvents).toEqual([{ percent: 1, transferredBytes: 100_000, totalBytes: 100_000 }]);
  await page.close();
});
