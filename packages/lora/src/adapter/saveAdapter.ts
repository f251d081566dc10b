import { serializeSafetensors } from '../safetensors/serializeSafetensors.js';
import { nodeImport } from '../util/node.js';
import { adapterTensors, canonicalJson, sha256Hex } from './integrity.js';
import type { LoraAdapter } from './types.js';

/**
 * Metadata key holding the lineage manifest (canonical JSON) inside adapter_model.safetensors.
 *
 * @example
 * import { LINEAGE_METADATA_KEY, parseSafetensors } from '@openledger/lora';
 * declare const bytes: Uint8Array;
 * const lineage = JSON.parse(parseSafetensors(bytes).metadata[LINEAGE_METADATA_KEY] ?? 'null');
 */
export const LINEAGE_METADATA_KEY = 'openledger.lineage';

/** Options of {@link saveAdapter}. */
export interface SaveAdapterOptions {
  /** Node only: also write the files into this directory (created if missing). */
  dir?: string;
}

/** What {@link saveAdapter} returns. */
export interface SaveAdapterReturnType {
  /** File name → bytes: adapter_config.json, adapter_model.safetensors and, with lineage, lineage.json. */
  files: Record<string, Uint8Array>;
  /** sha256 of adapter_model.safetensors (what `loadAdapter({ sha256 })` checks). */
  sha256: string;
  /** sha256 of the canonical weights (see `adapterIntegrity`), also written into the lineage. */
  weightsSha256: string;
}

/**
 * Write an adapter in PEFT's layout: `adapter_config.json` (sorted keys, two-space indent,
 * unknown fields kept), `adapter_model.safetensors` (PEFT key names, `format: pt`, the
 * lineage under `openledger.lineage`) and `lineage.json`. Output is deterministic, so
 * save → load → save gives identical bytes.
 *
 * @example
 * import { saveAdapter } from '@openledger/lora';
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const { files, sha256 } = await saveAdapter(adapter, { dir: './my-adapter' });
 */
export async function saveAdapter(
  adapter: LoraAdapter,
  opts: SaveAdapterOptions = {},
): Promise<SaveAdapterReturnType> {
  const tensors = adapterTensors(adapter);
  const weightsSha256 = await sha256Hex(serializeSafetensors(tensors, {}));
  const metadata: Record<string, string> = { format: 'pt', ...adapter.metadata };
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    'adapter_config.json': enc.encode(
      `${JSON.stringify(JSON.parse(canonicalJson(adapter.config)), null, 2)}\n`,
    ),
  };
  if (adapter.lineage) {
    const lineage = { ...adapter.lineage, weightsSha256 };
    metadata[LINEAGE_METADATA_KEY] = canonicalJson(lineage);
    files['lineage.json'] = enc.encode(`${JSON.stringify(JSON.parse(canonicalJson(lineage)), null, 2)}\n`);
  }
  const weights = serializeSafetensors(tensors, metadata);
  files['adapter_model.safetensors'] = weights;
  const sha256 = await sha256Hex(weights);
  if (opts.dir !== undefined) {
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
    const path = await nodeImport<typeof import('node:path')>('node:path');
    await fs.mkdir(opts.dir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) await fs.writeFile(path.join(opts.dir, name), bytes);
  }
  return { files, sha256, weightsSha256 };
}
