import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkCompatibility } from '../compat/checkCompatibility.js';
import { isSafetensorsError } from '../errors.js';
import { inspectSafetensors } from '../safetensors/inspectSafetensors.js';
import { randomAdapter } from '../testing/helpers.js';
import { loadAdapter } from './loadAdapter.js';
import { saveAdapter } from './saveAdapter.js';

/** A static file server on 127.0.0.1 that honours single byte ranges (or ignores them under /norange/). */
let server: Server;
let base = '';
const files = new Map<string, Uint8Array>();
const requests: { path: string; range: string | undefined }[] = [];

beforeAll(async () => {
  const adapter = randomAdapter(
    [
      { name: 'model.layers.0.self_attn.q_proj', in: 256, out: 256 },
      { name: 'model.layers.0.self_attn.v_proj', in: 256, out: 128 },
    ],
    { r: 16, lora_alpha: 8 },
    1,
    { lineage: { adapterId: 'remote-1', baseModel: { name: 'tiny' }, trainer: { name: 'test' } } },
  );
  const saved = await saveAdapter(adapter);
  for (const [name, bytes] of Object.entries(saved.files)) files.set(`/a/${name}`, bytes);
  const hostile = new Uint8Array(16);
  new DataView(hostile.buffer).setBigUint64(0, 10_000n, true);
  files.set('/hostile.safetensors', hostile);
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const noRange = url.pathname.startsWith('/norange/');
    const path = noRange ? url.pathname.slice('/norange'.length) : url.pathname;
    requests.push({ path: url.pathname, range: req.headers.range });
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (m && !noRange) {
      const start = Number(m[1]);
      const end = Math.min(Number(m[2]), body.length - 1);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${end}/${body.length}`,
        'content-length': end - start + 1,
      });
      res.end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    // Send in pieces so progress reports more than once.
    let off = 0;
    const pump = () => {
      if (off >= body.length) return res.end();
      res.write(body.subarray(off, off + 4096), () => setTimeout(pump, 2));
      off += 4096;
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('remote adapters over HTTP', () => {
  test('loadAdapter with a baseModel refuses an incompatible adapter before downloading its weights', async () => {
    const tiny = {
      family: 'llama',
      hiddenSize: 256,
      numHiddenLayers: 1,
      numAttentionHeads: 4,
      numKeyValueHeads: 2,
    };
    requests.length = 0;
    await expect(
      loadAdapter(`${base}/a/`, { baseModel: { ...tiny, hiddenSize: 128 } }),
    ).rejects.toMatchObject({
      code: 'INCOMPATIBLE',
    });
    const weightGets = requests.filter((r) => r.path === '/a/adapter_model.safetensors');
    expect(weightGets.length).toBeGreaterThan(0);
    expect(weightGets.every((r) => r.range !== undefined)).toBe(true);
    const ok = await loadAdapter(`${base}/a/`, { baseModel: tiny });
    expect(ok.modules).toHaveLength(2);
  });

  test('inspectSafetensors reads only the header with two range requests', async () => {
    requests.length = 0;
    const head = await inspectSafetensors(`${base}/a/adapter_model.safetensors`);
    expect(requests.map((r) => r.range)).toEqual(['bytes=0-7', `bytes=8-${8 + head.headerBytes - 1}`]);
    expect(head.fileBytes).toBe(files.get('/a/adapter_model.safetensors')!.length);
    expect(head.metadata['openledger.lineage']).toContain('remote-1');
    const report = checkCompatibility(
      { config: { r: 16 }, tensors: head.tensors },
      { family: 'llama', hiddenSize: 256, numHiddenLayers: 1, numAttentionHeads: 4, numKeyValueHeads: 2 },
    );
    expect(report.compatible).toBe(true);
  });

  test('inspectSafetensors copes with a server that ignores Range, reading no more than it needs', async () => {
    const head = await inspectSafetensors(`${base}/norange/a/adapter_model.safetensors`);
    expect(head.tensors).toHaveLength(4);
  });

  test('a hostile remote header is rejected before any weight is fetched', async () => {
    await expect(inspectSafetensors(`${base}/hostile.safetensors`)).rejects.toSatisfy(
      (e: unknown) => isSafetensorsError(e) && e.code === 'HEADER_OUT_OF_BOUNDS',
    );
  });

  test('loadAdapter from a URL reports progress, checks sha256 and honours abort', async () => {
    const weights = files.get('/a/adapter_model.safetensors')!;
    const sha = createHash('sha256').update(weights).digest('hex');
    const progress: number[] = [];
    const a = await loadAdapter(`${base}/a/`, { sha256: sha, onProgress: (p) => progress.push(p.loaded) });
    expect(a.lineage?.adapterId).toBe('remote-1');
    expect(progress.at(-1)).toBe(weights.length);
    expect(progress.length).toBeGreaterThan(1);
    await expect(loadAdapter(`${base}/a`, { sha256: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'INTEGRITY_MISMATCH',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(loadAdapter(`${base}/a/`, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(loadAdapter(`${base}/missing/`)).rejects.toMatchObject({ code: 'MISSING_FILE' });
  });
});
