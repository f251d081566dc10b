import { serializeSafetensors } from '../safetensors/serializeSafetensors.js';
import type { Tensor } from '../safetensors/types.js';
import { moduleKeys } from './createAdapter.js';
import type { LoraAdapter } from './types.js';

/** All tensors of an adapter under PEFT's file keys. */
export function adapterTensors(adapter: LoraAdapter): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const m of adapter.modules) {
    const k = moduleKeys(m);
    out.set(k.A, m.A);
    out.set(k.B, m.B);
    if (m.magnitude) out.set(k.magnitude, m.magnitude);
  }
  for (const [k, t] of adapter.extraTensors) out.set(k, t);
  return out;
}

/** Lowercase hex sha256 with WebCrypto (native in browsers and Node ≥ 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The adapter's weights hash: sha256 of its tensors serialized canonically without
 * metadata, so it does not change when lineage or other metadata is added, and anyone can
 * recompute it from the file alone.
 *
 * @example
 * import { adapterIntegrity } from '@openledger/lora';
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const hex = await adapterIntegrity(adapter);
 */
export async function adapterIntegrity(adapter: LoraAdapter): Promise<string> {
  return sha256Hex(serializeSafetensors(adapterTensors(adapter), {}));
}

/** JSON with object keys sorted at every level (enough for the plain data we store). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined)
        Object.defineProperty(out, k, { value: sortKeys(x), enumerable: true, writable: true });
    }
    return out;
  }
  return v;
}
