import { nodeImport } from '../util/node.js';
import type { AdapterStore } from './types.js';

const FILE_NAMES = ['adapter_config.json', 'adapter_model.safetensors', 'lineage.json'];

/**
 * A persistent adapter tier in a Node directory: one sub-directory per adapter id (ids are
 * hex-encoded so any id is a safe file name), written to a temporary name and renamed so a
 * crash never leaves a half-written adapter behind.
 *
 * @example
 * import { createAdapterCache, createDirectoryStore, loadAdapter } from '@openledger/lora';
 * const cache = createAdapterCache({
 *   maxBytes: 256e6,
 *   load: (id) => loadAdapter(`https://adapters.example.com/${id}/`),
 *   persist: createDirectoryStore('/var/cache/adapters'),
 * });
 */
export function createDirectoryStore(dir: string): AdapterStore {
  const mods = async () => ({
    fs: await nodeImport<typeof import('node:fs/promises')>('node:fs/promises'),
    path: await nodeImport<typeof import('node:path')>('node:path'),
  });
  const key = (id: string) =>
    Array.from(new TextEncoder().encode(id), (b) => b.toString(16).padStart(2, '0')).join('');
  return {
    async get(id) {
      const { fs, path } = await mods();
      const d = path.join(dir, key(id));
      const files: Record<string, Uint8Array> = {};
      for (const name of FILE_NAMES) {
        try {
          const b = await fs.readFile(path.join(d, name));
          files[name] = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        } catch (e) {
          if ((e as { code?: string }).code !== 'ENOENT') throw e;
        }
      }
      return files['adapter_model.safetensors'] ? files : undefined;
    },
    async put(id, files) {
      const { fs, path } = await mods();
      const final = path.join(dir, key(id));
      const tmp = `${final}.tmp-${process.pid}-${Date.now()}`;
      await fs.mkdir(tmp, { recursive: true });
      for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(tmp, name), bytes);
      await fs.rm(final, { recursive: true, force: true });
      await fs.rename(tmp, final);
    },
    async delete(id) {
      const { fs, path } = await mods();
      await fs.rm(path.join(dir, key(id)), { recursive: true, force: true });
    },
  };
}
