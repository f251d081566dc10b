import { AbortError, NetworkError } from '@openledger/core';
import { type BaseModelInfo, checkCompatibility } from '../compat/checkCompatibility.js';
import { AdapterError } from '../errors.js';
import {
  MAX_HEADER_BYTES,
  parseHeaderJson,
  readHeaderLength,
  type TensorInfo,
} from '../safetensors/header.js';
import { inspectSafetensors } from '../safetensors/inspectSafetensors.js';
import { parseSafetensors } from '../safetensors/parseSafetensors.js';
import { nodeImport } from '../util/node.js';
import { createAdapter } from './createAdapter.js';
import { adapterIntegrity, sha256Hex } from './integrity.js';
import { LineageManifestSchema } from './LineageManifestSchema.js';
import { LINEAGE_METADATA_KEY } from './saveAdapter.js';
import type { LoraAdapter } from './types.js';

/** Where an adapter comes from. */
export type AdapterSource =
  /** A directory path (Node) or an http(s) URL of a directory holding PEFT's files. */
  | string
  | URL
  /** Browser files (e.g. from `<input type=file multiple>`), matched by name. */
  | ArrayLike<File>
  /** Files already in memory, keyed by PEFT's file names. */
  | { files: Record<string, Uint8Array> };

/** Options of {@link loadAdapter}. */
export interface LoadAdapterOptions {
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called as adapter_model.safetensors arrives. `total` is undefined when unknown. */
  onProgress?: (progress: { loaded: number; total: number | undefined }) => void;
  /** Expected sha256 (hex) of adapter_model.safetensors; a mismatch throws INTEGRITY_MISMATCH. */
  sha256?: string;
  /** Also recompute the weights hash and compare it with the lineage's `weightsSha256`. */
  verifyLineage?: boolean;
  /**
   * Check the adapter against this base model from its config and safetensors header before
   * any weight is read (for URLs, before the weights are downloaded); throws `INCOMPATIBLE`.
   */
  baseModel?: BaseModelInfo;
}

/** What {@link loadAdapter} returns. */
export type LoadAdapterReturnType = LoraAdapter;

const CONFIG = 'adapter_config.json';
const WEIGHTS = 'adapter_model.safetensors';
const LINEAGE = 'lineage.json';

/**
 * Load a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors, and lineage.json
 * when present) from a Node directory, browser `File`s, a URL or in-memory files. Weights are
 * viewed in place (no copy) and widened to float32 only when math needs them.
 *
 * @throws {AdapterError} for missing files, bad configs, mismatched tensors or a wrong sha256;
 *   {@link SafetensorsError} for a malformed weights file.
 * @example
 * import { loadAdapter } from '@openledger/lora';
 * const adapter = await loadAdapter('./adapters/legal-qa', { sha256: 'ab12…' });
 * console.log(adapter.config.r, adapter.modules.length, adapter.lineage?.datanets);
 */
export async function loadAdapter(
  source: AdapterSource,
  opts: LoadAdapterOptions = {},
): Promise<LoadAdapterReturnType> {
  const files = await readSource(source, opts);
  const configBytes = files.get(CONFIG);
  const weights = files.get(WEIGHTS);
  if (!configBytes) throw new AdapterError('MISSING_FILE', `${CONFIG} not found.`);
  if (!weights) throw new AdapterError('MISSING_FILE', `${WEIGHTS} not found.`);
  if (opts.sha256 !== undefined) {
    const got = await sha256Hex(weights);
    if (got !== opts.sha256.toLowerCase().replace(/^0x/, ''))
      throw new AdapterError('INTEGRITY_MISMATCH', `${WEIGHTS} has sha256 ${got}, expected ${opts.sha256}.`);
  }
  const config = parseConfig(configBytes);
  if (opts.baseModel && !files.has(CHECKED)) {
    const n = readHeaderLength(weights, weights.length, MAX_HEADER_BYTES);
    assertCompatible(
      config,
      parseHeaderJson(weights.subarray(8, 8 + n), n, weights.length - 8 - n).tensors,
      opts.baseModel,
    );
  }
  const file = parseSafetensors(weights);
  const metadata = { ...file.metadata };
  let lineageRaw: unknown;
  const embedded = metadata[LINEAGE_METADATA_KEY];
  delete metadata[LINEAGE_METADATA_KEY];
  delete metadata.format;
  const lineageBytes = files.get(LINEAGE);
  try {
    if (lineageBytes) lineageRaw = JSON.parse(new TextDecoder().decode(lineageBytes));
    else if (embedded !== undefined) lineageRaw = JSON.parse(embedded);
  } catch (cause) {
    throw new AdapterError('INVALID_CONFIG', 'The lineage manifest is not valid JSON.', { cause });
  }
  let lineage: ReturnType<typeof LineageManifestSchema.parse> | undefined;
  if (lineageRaw !== undefined) {
    const parsed = LineageManifestSchema.safeParse(lineageRaw);
    if (!parsed.success)
      throw new AdapterError('INVALID_CONFIG', 'The lineage manifest is invalid.', {
        metaMessages: parsed.error.issues.slice(0, 5).map((i) => `- ${i.path.join('.')}: ${i.message}`),
      });
    lineage = parsed.data;
  }
  const adapter = createAdapter({
    config: config as Record<string, unknown>,
    tensors: file.tensors,
    metadata,
    lineage,
  });
  if (opts.verifyLineage && lineage?.weightsSha256 !== undefined) {
    const got = await adapterIntegrity(adapter);
    if (got !== lineage.weightsSha256.replace(/^0x/, ''))
      throw new AdapterError(
        'INTEGRITY_MISMATCH',
        `Weights hash ${got} differs from the lineage's ${lineage.weightsSha256}.`,
      );
  }
  return adapter;
}

/** Marks a source already checked against the base model (header inspected remotely). */
const CHECKED = '\u0000checked';

function parseConfig(bytes: Uint8Array): Record<string, unknown> {
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new AdapterError('INVALID_CONFIG', `${CONFIG} is not valid JSON.`, { cause });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new AdapterError('INVALID_CONFIG', `${CONFIG} must hold a JSON object.`);
  return config as Record<string, unknown>;
}

function assertCompatible(config: Record<string, unknown>, tensors: TensorInfo[], base: BaseModelInfo): void {
  const report = checkCompatibility({ config, tensors }, base);
  if (!report.compatible)
    throw new AdapterError(
      'INCOMPATIBLE',
      `The adapter does not fit ${base.name ?? `this ${base.family} model`}.`,
      {
        metaMessages: report.issues
          .filter((i) => i.severity === 'error')
          .slice(0, 8)
          .map((i) => `- ${i.message}`),
      },
    );
}

async function readSource(source: AdapterSource, opts: LoadAdapterOptions): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (typeof source === 'object' && 'files' in source && !(source instanceof URL)) {
    for (const [k, v] of Object.entries(source.files)) out.set(k, v);
    return out;
  }
  if (typeof source === 'string' && !/^https?:\/\//i.test(source)) {
    const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
    const path = await nodeImport<typeof import('node:path')>('node:path');
    for (const name of [CONFIG, WEIGHTS, LINEAGE]) {
      opts.signal?.throwIfAborted();
      try {
        const buf = await fs.readFile(path.join(source, name), opts.signal ? { signal: opts.signal } : {});
        out.set(name, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (name === WEIGHTS) opts.onProgress?.({ loaded: buf.byteLength, total: buf.byteLength });
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') continue;
        if (opts.signal?.aborted) throw new AbortError({ operation: 'loadAdapter', cause: e });
        throw new AdapterError('MISSING_FILE', `Could not read ${name} from ${source}.`, { cause: e });
      }
    }
    return out;
  }
  if (typeof source === 'string' || source instanceof URL) {
    const base = String(source).replace(/\/?$/, '/');
    if (opts.baseModel) {
      // Header first: an incompatible adapter is refused before its weights are downloaded.
      const configBytes = await fetchBytes(new URL(CONFIG, base).href, opts, false, false);
      const head = await inspectSafetensors(new URL(WEIGHTS, base).href, {
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      assertCompatible(parseConfig(configBytes!), head.tensors, opts.baseModel);
      out.set(CHECKED, new Uint8Array(0));
    }
    const [config, weights, lineage] = await Promise.all([
      fetchBytes(new URL(CONFIG, base).href, opts, false, false),
      fetchBytes(new URL(WEIGHTS, base).href, opts, false, true),
      fetchBytes(new URL(LINEAGE, base).href, opts, true, false),
    ]);
    if (config) out.set(CONFIG, config);
    if (weights) out.set(WEIGHTS, weights);
    if (lineage) out.set(LINEAGE, lineage);
    return out;
  }
  for (let i = 0; i < source.length; i++) {
    const f = source[i]!;
    const name = f.name.split('/').pop()!;
    if (name === CONFIG || name === WEIGHTS || name === LINEAGE) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      out.set(name, bytes);
      if (name === WEIGHTS) opts.onProgress?.({ loaded: bytes.length, total: bytes.length });
    }
  }
  return out;
}

async function fetchBytes(
  url: string,
  opts: LoadAdapterOptions,
  optional: boolean,
  progress: boolean,
): Promise<Uint8Array | undefined> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (cause) {
    if (opts.signal?.aborted) throw new AbortError({ operation: 'loadAdapter', cause });
    throw new NetworkError({ method: 'GET', url, cause });
  }
  if (res.status === 404 && optional) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new AdapterError(
      res.status === 404 ? 'MISSING_FILE' : 'FETCH_FAILED',
      `GET ${url} answered HTTP ${res.status}.`,
    );
  }
  const lenHeader = res.headers.get('content-length');
  const total = lenHeader !== null && /^\d+$/.test(lenHeader) ? Number(lenHeader) : undefined;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  // Preallocate when the size is known so a large adapter is not copied twice.
  let buf = new Uint8Array(total ?? 1 << 16);
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > buf.length) {
        const next = new Uint8Array(Math.max(buf.length * 2, loaded + value.length));
        next.set(buf.subarray(0, loaded));
        buf = next;
      }
      buf.set(value, loaded);
      loaded += value.length;
      if (progress) opts.onProgress?.({ loaded, total });
    }
  } catch (cause) {
    if (opts.signal?.aborted) throw new AbortError({ operation: 'loadAdapter', cause });
    throw new NetworkError({ method: 'GET', url, cause });
  }
  return buf.subarray(0, loaded);
}
