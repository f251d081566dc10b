import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../../../scripts/testing/browser.js';
import { saveAdapter } from './adapter/saveAdapter.js';
import type { LoraAdapter } from './adapter/types.js';
import { deltaWeight } from './merge/deltaWeight.js';
import { buildLoraMlpModel } from './onnx/buildLoraMlpModel.js';
import { maxAbsDiff, randomAdapter, randomMatrix } from './testing/helpers.js';

/**
 * The package in real Chromium, bundled by esbuild as an app would ship it: adapters fetched
 * by URL and from File objects, the adapter cache with its IndexedDB tier, and onnxruntime-web
 * (wasm) running a LoRA-input model, checked against a TypeScript reference computed here.
 */
const H = 16;
const O = 12;
const weight = randomMatrix(O, H, 41, 0.3);
const layers = [{ name: 'proj', in: H, out: O, weight }];
const adapters: Record<string, LoraAdapter> = {
  a: randomAdapter([{ name: 'proj', in: H, out: O }], { r: 4, lora_alpha: 8 }, 1),
  b: randomAdapter([{ name: 'proj', in: H, out: O }], { r: 4, lora_alpha: 2 }, 2),
};
const x = randomMatrix(2, H, 5);
const adapterBytes = 4 * (4 * H + O * 4);

const pageScript = `
import { createAdapterCache, createIndexedDbStore, loadAdapter, parseSafetensors } from './index.ts';
import { createLoraSession } from './onnx/index.ts';
import * as ort from 'onnxruntime-web';
window.run = async ({ x, maxBytes }) => {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = location.origin + '/ort/';
  const loads = [];
  const evicted = [];
  const cache = createAdapterCache({
    maxBytes,
    load: (id, { signal }) => { loads.push(id); return loadAdapter(location.origin + '/adapters/' + id + '/', { signal }); },
    persist: createIndexedDbStore('lora-browser-test'),
    onEvict: (e) => evicted.push(e.id),
  });
  const a = await cache.get('a');
  await cache.get('b');
  const a2 = await cache.get('a');
  const stats = cache.stats();
  const files = await Promise.all(['adapter_config.json', 'adapter_model.safetensors'].map(async (n) =>
    new File([await (await fetch('/adapters/b/' + n)).arrayBuffer()], n)));
  const fromFiles = await loadAdapter(files);
  const header = parseSafetensors(new Uint8Array(await files[1].arrayBuffer()));
  const model = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const lora = await createLoraSession(model, { ort });
  const input = { x: new ort.Tensor('float32', Float32Array.from(x), [2, ${H}]) };
  const ya = Array.from((await lora.run(input, { adapter: a2 })).y.data);
  const yb = Array.from((await lora.run(input, { adapter: fromFiles })).y.data);
  const y0 = Array.from((await lora.run(input, { adapter: null })).y.data);
  await lora.release();
  return { loads, evicted, stats, ya, yb, y0, tensors: [...header.tensors.keys()], same: Array.from(a.modules[0].A.data).join() === Array.from(a2.modules[0].A.data).join() };
};
`;

let server: Server;
let browser: Browser | undefined;
let origin = '';

beforeAll(async () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const bundle = await build({
    stdin: { contents: pageScript, resolveDir: here, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@openledger/source'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  const files = new Map<string, Uint8Array | string>([
    ['/', '<!doctype html><script type="module" src="/app.js"></script>'],
    ['/app.js', js],
    ['/model.onnx', buildLoraMlpModel(layers)],
  ]);
  for (const [id, adapter] of Object.entries(adapters))
    for (const [name, bytes] of Object.entries((await saveAdapter(adapter)).files))
      files.set(`/adapters/${id}/${name}`, bytes);
  const ortDist = fileURLToPath(new URL('../../../node_modules/onnxruntime-web/dist/', import.meta.url));
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body = files.get(path);
    if (!body && path.startsWith('/ort/') && /^[\w.-]+$/.test(path.slice(5))) {
      try {
        body = readFileSync(ortDist + path.slice(5));
      } catch {
        body = undefined;
      }
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const type =
      path.endsWith('.js') || path.endsWith('.mjs')
        ? 'text/javascript'
        : path.endsWith('.wasm')
          ? 'application/wasm'
          : path === '/'
            ? 'text/html'
            : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

function reference(adapter: LoraAdapter | null): number[] {
  const d = adapter ? deltaWeight(adapter.modules[0]!) : new Float32Array(O * H);
  const out: number[] = [];
  for (let t = 0; t < 2; t++)
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let i = 0; i < H; i++) s += x[t * H + i]! * (weight[o * H + i]! + d[o * H + i]!);
      out.push(s);
    }
  return out;
}

test('adapters load, cache through IndexedDB and run on onnxruntime-web in Chromium', async () => {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => typeof (window as unknown as { run?: unknown }).run === 'function');
  const result = (await page.evaluate(
    (args) => (window as unknown as { run: (a: unknown) => Promise<unknown> }).run(args),
    { x: Array.from(x), maxBytes: adapterBytes },
  )) as {
    loads: string[];
    evicted: string[];
    stats: { persistHits: number; entries: number };
    ya: number[];
    yb: number[];
    y0: number[];
    tensors: string[];
    same: boolean;
  };
  expect(errors).toEqual([]);
  // a loaded, evicted by b, then served from IndexedDB rather than the network.
  expect(result.loads).toEqual(['a', 'b']);
  expect(result.evicted).toEqual(['a', 'b']);
  expect(result.stats).toMatchObject({ persistHits: 1, entries: 1 });
  expect(result.same).toBe(true);
  expect(result.tensors).toEqual([
    'base_model.model.proj.lora_A.weight',
    'base_model.model.proj.lora_B.weight',
  ]);
  expect(maxAbsDiff(result.ya, reference(adapters.a!))).toBeLessThan(1e-4);
  expect(maxAbsDiff(result.yb, reference(adapters.b!))).toBeLessThan(1e-4);
  expect(maxAbsDiff(result.y0, reference(null))).toBeLessThan(1e-4);
  await page.close();
});
