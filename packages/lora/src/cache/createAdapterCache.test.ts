import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { randomAdapter } from '../testing/helpers.js';
import { createAdapterCache, type EvictionEvent } from './createAdapterCache.js';
import { createDirectoryStore } from './createDirectoryStore.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** A cache of plain values sized 100 bytes each, recording loads. */
function valueCache(maxBytes: number) {
  const loads: string[] = [];
  const evictions: EvictionEvent[] = [];
  const cache = createAdapterCache<{ id: string }>({
    maxBytes,
    sizeOf: () => 100,
    load: async (id) => {
      loads.push(id);
      return { id };
    },
    onEvict: (e) => evictions.push(e),
  });
  return { cache, loads, evictions };
}

describe('createAdapterCache', () => {
  test('evicts least recently used entries beyond the byte budget', async () => {
    const { cache, loads, evictions } = valueCache(300);
    for (const id of ['a', 'b', 'c']) await cache.get(id);
    await cache.get('a'); // a is now most recent
    await cache.get('d'); // evicts b
    expect(evictions.map((e) => [e.id, e.reason])).toEqual([['b', 'capacity']]);
    expect(cache.has('a') && cache.has('c') && cache.has('d') && !cache.has('b')).toBe(true);
    expect(cache.stats()).toMatchObject({ bytes: 300, entries: 3, hits: 1, misses: 4 });
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  test('loads once however many callers ask at the same time', async () => {
    const gate = deferred<void>();
    let calls = 0;
    const cache = createAdapterCache<string>({
      maxBytes: 1000,
      sizeOf: () => 1,
      load: async (id) => {
        calls++;
        await gate.promise;
        return id.toUpperCase();
      },
    });
    const all = Promise.all(Array.from({ length: 25 }, () => cache.get('x')));
    gate.resolve();
    expect(new Set(await all)).toEqual(new Set(['X']));
    expect(calls).toBe(1);
  });

  test('pinned adapters are never evicted; they go once released if over budget', async () => {
    const { cache, evictions } = valueCache(200);
    const lease = await cache.acquire('pinned');
    await cache.get('b');
    await cache.get('c'); // over budget: b evicted, pinned stays
    expect(cache.has('pinned')).toBe(true);
    await cache.use('d', async () => {
      expect(cache.stats().pinned).toBe(2);
      await cache.get('e');
    });
    expect(evictions.map((e) => e.id)).not.toContain('pinned');
    lease.release();
    lease.release(); // idempotent
    expect(cache.stats().bytes).toBeLessThanOrEqual(200);
    expect(cache.stats().pinned).toBe(0);
  });

  test('a failed load is not cached and is retried by the next caller', async () => {
    let n = 0;
    const cache = createAdapterCache<number>({
      maxBytes: 10,
      sizeOf: () => 1,
      load: async () => {
        n++;
        if (n === 1) throw new Error('flaky');
        return n;
      },
    });
    await expect(cache.get('a')).rejects.toThrow('flaky');
    await expect(cache.get('a')).resolves.toBe(2);
  });

  test('aborting every waiter aborts the load; one waiter aborting does not cancel others', async () => {
    const started = deferred<AbortSignal>();
    const cache = createAdapterCache<string>({
      maxBytes: 10,
      sizeOf: () => 1,
      load: (id, { signal }) => {
        started.resolve(signal);
        return new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          setTimeout(() => resolve(id), 50);
        });
      },
    });
    const c1 = new AbortController();
    const p1 = cache.get('a', { signal: c1.signal });
    const p2 = cache.get('a');
    const loadSignal = await started.promise;
    c1.abort();
    await expect(p1).rejects.toMatchObject({ name: 'AbortError' });
    await expect(p2).resolves.toBe('a');
    expect(loadSignal.aborted).toBe(false);

    const started2 = deferred<AbortSignal>();
    const cache2 = createAdapterCache<string>({
      maxBytes: 10,
      sizeOf: () => 1,
      load: (_id, { signal }) => {
        started2.resolve(signal);
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    const c2 = new AbortController();
    const p3 = cache2.get('z', { signal: c2.signal });
    const s2 = await started2.promise;
    c2.abort();
    await expect(p3).rejects.toMatchObject({ name: 'AbortError' });
    expect(s2.aborted).toBe(true);
  });

  test('sizes real adapters by their tensor bytes and reloads evicted ones from a directory tier', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lora-cache-'));
    dirs.push(dir);
    const mods = [{ name: 'model.layers.0.self_attn.q_proj', in: 32, out: 32 }];
    const loads: string[] = [];
    const cache = createAdapterCache({
      maxBytes: 2 * 4 * (4 * 32 * 2), // two rank-4 adapters
      load: async (id) => {
        loads.push(id);
        return randomAdapter(mods, { r: 4, lora_alpha: 8 }, id.length);
      },
      persist: createDirectoryStore(dir),
    });
    const a = await cache.get('a');
    await cache.get('bb');
    await cache.get('ccc'); // evicts a from memory, not from disk
    expect(cache.has('a')).toBe(false);
    expect(cache.stats().bytes).toBe(2 * 1024);
    const again = await cache.get('a');
    expect(loads).toEqual(['a', 'bb', 'ccc']);
    expect(cache.stats().persistHits).toBe(1);
    expect(Array.from(again.modules[0]!.A.data as Float32Array)).toEqual(
      Array.from(a.modules[0]!.A.data as Float32Array),
    );
    expect((await readdir(dir)).length).toBe(3);
    await cache.delete('a');
    expect((await readdir(dir)).length).toBe(2);
  });
});
