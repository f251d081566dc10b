/**
 * Shared helpers for tests that run code in real Chromium (`*.int.test.ts`):
 *
 * - `launchChromium()` starts Debian's /usr/bin/chromium headless through playwright-core.
 * - `serveFiles(files)` serves in-memory files on 127.0.0.1 (port 0) with single-range
 *   `Range` support (206 / 416) and logs every request, so tests can count range reads.
 * - `bundleForBrowser(entry)` bundles a TypeScript entry for the page with esbuild, resolving
 *   workspace packages to their sources through the `@openledger/source` condition.
 *
 * Always close what you open (`await browser.close()`, `await server.close()`).
 *
 * @example
 * const server = await serveFiles({ '/': { body: '<script type="module" src="/app.js"></script>', type: 'text/html' },
 *   '/app.js': { body: await bundleForBrowser('packages/x/src/fixtures/entry.ts'), type: 'text/javascript' } });
 * const browser = await launchChromium();
 * const page = await browser.newPage();
 * await page.goto(server.url);
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');

/** Chromium flags for a sandbox-less, offline, quiet headless run. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch headless Debian Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** A file to serve: bytes or text, with its content type. */
export interface ServedFile {
  body: Uint8Array | string;
  type?: string;
}

/** One request the server answered. */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
  /** The `Range` header, when there was one. */
  range?: string;
  /** Bytes of body sent. */
  bytes: number;
  headers: IncomingHttpHeaders;
}

/** A running file server. */
export interface FileServer {
  /** Base URL, e.g. `http://127.0.0.1:41234/` (ends with a slash). */
  url: string;
  /** Every request answered, in order. */
  requests: ServedRequest[];
  close(): Promise<void>;
}

/** Serve `files` (path → file) on 127.0.0.1 with `Range: bytes=a-b` support. */
export async function serveFiles(files: Record<string, ServedFile>): Promise<FileServer> {
  const requests: ServedRequest[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path];
    const log = (status: number, bytes: number) =>
      requests.push({
        method: req.method ?? 'GET',
        path,
        status,
        bytes,
        headers: req.headers,
        ...(req.headers.range ? { range: req.headers.range } : {}),
      });
    // Pages may fetch across ports (a test page and a data server); allow it.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'range');
    res.setHeader('access-control-expose-headers', 'content-range, content-length, accept-ranges');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return log(204, 0);
    }
    if (!file) {
      res.writeHead(404).end();
      return log(404, 0);
    }
    // A view, not a copy: served files may be large (a whole index).
    const body =
      typeof file.body === 'string'
        ? Buffer.from(file.body)
        : Buffer.from(file.body.buffer, file.body.byteOffset, file.body.byteLength);
    const head = { 'content-type': file.type ?? 'application/octet-stream', 'accept-ranges': 'bytes' };
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      const start = m ? Number(m[1]) : Number.NaN;
      const end = m?.[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      if (!m || start >= body.length || end < start) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return log(416, 0);
      }
      const part = body.subarray(start, end + 1);
      res.writeHead(206, {
        ...head,
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': part.length,
      });
      res.end(req.method === 'HEAD' ? undefined : part);
      return log(206, part.length);
    }
    res.writeHead(200, { ...head, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return log(200, body.length);
  });
  // Long keep-alive: a busy test machine can idle a client past Node's 5 s default mid-run.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Bundle a TypeScript entry (path relative to the repo root, or absolute) into one ESM script for the page. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry.startsWith('/') ? entry : join(root, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@openledger/source'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
