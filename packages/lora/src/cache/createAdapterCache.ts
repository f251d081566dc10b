import { AbortError } from '@openledger/core';
import { loadAdapter } from '../adapter/loadAdapter.js';
import { saveAdapter } from '../adapter/saveAdapter.js';
import type { LoraAdapter } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import type { AdapterStore } from './types.js';

/** Why an entry left the cache. */
export type EvictionReason = 'capacity' | 'deleted' | 'cleared';

/** Passed to `onEvict`. */
export interface EvictionEvent {
  id: string;
  bytes: number;
  reason: EvictionReason;
}

/** Options of {@link createAdapterCache}. */
export interface CreateAdapterCacheOptions<T = LoraAdapter> {
  /** Memory budget in bytes; least recently used unpinned adapters are evicted beyond it. */
  maxBytes: number;
  /** Load an adapter that is in neither tier. Called once per id however many callers wait. */
  load: (id: string, ctx: { signal: AbortSignal }) => Promise<T>;
  /** Bytes an entry holds. Default: the byte length of every tensor of a LoraAdapter. */
  sizeOf?: (value: T, id: string) => number;
  /** Persistent tier (a directory in Node, IndexedDB in browsers). Only used for LoraAdapter values. */
  persist?: AdapterStore;
  onEvict?: (event: EvictionEvent) => void;
  /** Errors of the persistent tier, which never fail a request. */
  onError?: (error: unknown) => void;
}

/** A pinned entry: the value stays in memory until `release()`. */
export interface AdapterLease<T> {
  value: T;
  release(): void;
}

/** Counters of an {@link AdapterCache}. */
export interface AdapterCacheStats {
  entries: number;
  bytes: number;
  pinned: number;
  hits: number;
  misses: number;
  loads: number;
  persistHits: number;
  evictions: number;
}

/** What {@link createAdapterCache} returns. */
export interface AdapterCache<T = LoraAdapter> {
  /** The adapter, loading it if needed; marks it most recently used. */
  get(id: string, opts?: { signal?: AbortSignal }): Promise<T>;
  /** The adapter, pinned against eviction until the lease is released. */
  acquire(id: string, opts?: { signal?: AbortSignal }): Promise<AdapterLease<T>>;
  /** Run `fn` with the adapter pinned; releases when `fn` settles. */
  use<R>(id: string, fn: (value: T) => R | Promise<R>, opts?: { signal?: AbortSignal }): Promise<R>;
  /** The adapter if it is in memory, without loading or touching recency. */
  peek(id: string): T | undefined;
  has(id: string): boolean;
  /** Drop from memory and from the persistent tier. Pinned entries go when released. */
  delete(id: string): Promise<void>;
  /** Drop every unpinned entry from memory. */
  clear(): void;
  stats(): AdapterCacheStats;
}

interface Entry<T> {
  value: T;
  bytes: number;
  pins: number;
  doomed: boolean;
}

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

function adapterBytes(a: LoraAdapter): number {
  let n = 0;
  for (const m of a.modules)
    n += m.A.data.byteLength + m.B.data.byteLength + (m.magnitude?.data.byteLength ?? 0);
  for (const t of a.extraTensors.values()) n += t.data.byteLength;
  return n;
}

/**
 * An LRU cache of adapters bounded by bytes, as a gateway serving many adapters over one
 * base model needs: concurrent requests for the same adapter share one load, adapters in use
 * are pinned and never evicted under a request, evictions are reported, and an optional
 * persistent tier keeps evicted adapters on disk (or in IndexedDB) for a fast reload.
 * Pinned entries may push memory over `maxBytes` until released.
 *
 * @example
 * import { createAdapterCache, loadAdapter } from '@openledger/lora';
 * const cache = createAdapterCache({
 *   maxBytes: 512 * 1024 * 1024,
 *   load: (id, { signal }) => loadAdapter(`https://adapters.example.com/${id}/`, { signal }),
 * });
 * const text = await cache.use('legal-qa', async (adapter) => adapter.config.r);
 */
export function createAdapterCache<T = LoraAdapter>(opts: CreateAdapterCacheOptions<T>): AdapterCache<T> {
  if (!(opts.maxBytes >= 0))
    throw new AdapterError('INVALID_ARGUMENT', 'maxBytes must be a non-negative number.');
  const entries = new Map<string, Entry<T>>();
  const flights = new Map<string, Flight<T>>();
  const sizeOf = opts.sizeOf ?? ((v: T) => adapterBytes(v as LoraAdapter));
  let bytes = 0;
  const stats = { hits: 0, misses: 0, loads: 0, persistHits: 0, evictions: 0 };

  const report = (e: unknown) => {
    try {
      opts.onError?.(e);
    } catch {
      // A throwing error hook must not break the cache.
    }
  };

  function remove(id: string, e: Entry<T>, reason: EvictionReason): void {
    entries.delete(id);
    bytes -= e.bytes;
    stats.evictions++;
    opts.onEvict?.({ id, bytes: e.bytes, reason });
  }

  function shrink(): void {
    if (bytes <= opts.maxBytes) return;
    for (const [id, e] of entries) {
      if (bytes <= opts.maxBytes) break;
      if (e.pins === 0) remove(id, e, 'capacity');
    }
  }

  function touch(id: string, e: Entry<T>): void {
    entries.delete(id);
    entries.set(id, e);
  }

  async function fetchValue(id: string, signal: AbortSignal): Promise<T> {
    if (opts.persist) {
      try {
        const files = await opts.persist.get(id);
        if (files) {
          stats.persistHits++;
          return (await loadAdapter({ files })) as T;
        }
      } catch (e) {
        report(e);
      }
    }
    stats.loads++;
    const value = await opts.load(id, { signal });
    if (opts.persist) {
      try {
        await opts.persist.put(id, (await saveAdapter(value as LoraAdapter)).files);
      } catch (e) {
        report(e);
      }
    }
    return value;
  }

  function waitFor(id: string, signal: AbortSignal | undefined): Promise<T> {
    let flight = flights.get(id);
    if (!flight) {
      const controller = new AbortController();
      const promise = fetchValue(id, controller.signal).then(
        (value) => {
          flights.delete(id);
          const size = sizeOf(value, id);
          const e: Entry<T> = { value, bytes: size, pins: 0, doomed: false };
          entries.set(id, e);
          bytes += size;
          return value;
        },
        (err) => {
          flights.delete(id);
          throw err;
        },
      );
      flight = { promise, controller, waiters: 0 };
      flights.set(id, flight);
    }
    const f = flight;
    f.waiters++;
    if (!signal) return f.promise.finally(() => f.waiters--);
    signal.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        f.waiters--;
        // The last interested caller gone: stop the load itself.
        if (f.waiters === 0) f.controller.abort(signal.reason);
        reject(new AbortError({ operation: `Loading adapter "${id}"`, cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          f.waiters--;
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          f.waiters--;
          reject(e);
        },
      );
    });
  }

  async function acquire(id: string, o: { signal?: AbortSignal } = {}): Promise<AdapterLease<T>> {
    const hit = entries.get(id);
    let e: Entry<T> | undefined = hit;
    if (hit) {
      stats.hits++;
      touch(id, hit);
    } else {
      stats.misses++;
      const value = await waitFor(id, o.signal);
      e = entries.get(id);
      if (!e) {
        // Evicted between the load settling and this caller resuming: put it back.
        e = { value, bytes: sizeOf(value, id), pins: 0, doomed: false };
        entries.set(id, e);
        bytes += e.bytes;
      }
    }
    const entry = e!;
    entry.pins++;
    let released = false;
    return {
      value: entry.value,
      release() {
        if (released) return;
        released = true;
        entry.pins--;
        if (entry.pins === 0 && entry.doomed && entries.get(id) === entry) remove(id, entry, 'deleted');
        shrink();
      },
    };
  }

  return {
    async get(id, o) {
      const lease = await acquire(id, o);
      lease.release();
      return lease.value;
    },
    acquire,
    async use(id, fn, o) {
      const lease = await acquire(id, o);
      try {
        return await fn(lease.value);
      } finally {
        lease.release();
      }
    },
    peek: (id) => entries.get(id)?.value,
    has: (id) => entries.has(id),
    async delete(id) {
      const e = entries.get(id);
      if (e) {
        if (e.pins > 0) e.doomed = true;
        else remove(id, e, 'deleted');
      }
      if (opts.persist) await opts.persist.delete(id);
    },
    clear() {
      for (const [id, e] of entries) if (e.pins === 0) remove(id, e, 'cleared');
    },
    stats: () => ({
      entries: entries.size,
      bytes,
      pinned: [...entries.values()].filter((e) => e.pins > 0).length,
      ...stats,
    }),
  };
}
