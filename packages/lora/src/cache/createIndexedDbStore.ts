import type { AdapterStore } from './types.js';

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * A persistent adapter tier in the browser's IndexedDB (one object store, adapter files as
 * one record per id).
 *
 * @example
 * import { createAdapterCache, createIndexedDbStore, loadAdapter } from '@openledger/lora';
 * const cache = createAdapterCache({
 *   maxBytes: 128e6,
 *   load: (id) => loadAdapter(`/adapters/${id}/`),
 *   persist: createIndexedDbStore('openledger-adapters'),
 * });
 */
export function createIndexedDbStore(
  dbName = 'openledger-adapters',
  idb: IDBFactory = globalThis.indexedDB,
): AdapterStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = idb.open(dbName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('adapters');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db;
  };
  const store = async (mode: IDBTransactionMode) =>
    (await open()).transaction('adapters', mode).objectStore('adapters');
  return {
    async get(id) {
      return (await req((await store('readonly')).get(id))) as Record<string, Uint8Array> | undefined;
    },
    async put(id, files) {
      await req((await store('readwrite')).put(files, id));
    },
    async delete(id) {
      await req((await store('readwrite')).delete(id));
    },
  };
}
