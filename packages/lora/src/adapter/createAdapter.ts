import { AdapterError } from '../errors.js';
import type { Dtype } from '../safetensors/dtypes.js';
import type { Tensor } from '../safetensors/types.js';
import { type AdapterConfigInput, AdapterConfigSchema } from './AdapterConfigSchema.js';
import { type LineageManifestInput, LineageManifestSchema } from './LineageManifestSchema.js';
import { moduleScaling } from './pattern.js';
import type { LoraAdapter, LoraModule } from './types.js';

/** Prefix PEFT puts before module names in adapter_model.safetensors. */
export const PEFT_PREFIX = 'base_model.model.';

const SUFFIXES: [RegExp, 'A' | 'B' | 'eA' | 'eB' | 'mag'][] = [
  [/\.lora_A\.weight$/, 'A'],
  [/\.lora_B\.weight$/, 'B'],
  [/\.lora_embedding_A$/, 'eA'],
  [/\.lora_embedding_B$/, 'eB'],
  [/\.lora_magnitude_vector(\.weight)?$/, 'mag'],
];

/** Parameters of {@link createAdapter}. */
export interface CreateAdapterParameters {
  config: AdapterConfigInput;
  /** Tensors under PEFT's key names (`base_model.model.<module>.lora_A.weight`, …). */
  tensors: Map<string, Tensor> | Record<string, Tensor>;
  metadata?: Record<string, string>;
  lineage?: LineageManifestInput | undefined;
}

/**
 * Build a {@link LoraAdapter} from a config and tensors under PEFT's key names: pairs each
 * module's lora_A with its lora_B, checks their shapes against each other and against the
 * rank the config (with `rank_pattern`) gives that module, and computes its scaling.
 *
 * @throws {AdapterError} `INVALID_CONFIG`, `MISSING_TENSOR` or `SHAPE_MISMATCH`.
 * @example
 * import { createAdapter } from '@openledger/lora';
 * const adapter = createAdapter({
 *   config: { r: 2, lora_alpha: 4, target_modules: ['q_proj'] },
 *   tensors: {
 *     'base_model.model.layers.0.q_proj.lora_A.weight': { dtype: 'F32', shape: [2, 8], data: new Float32Array(16) },
 *     'base_model.model.layers.0.q_proj.lora_B.weight': { dtype: 'F32', shape: [8, 2], data: new Float32Array(16) },
 *   },
 * });
 * adapter.modules[0]?.scaling; // 2
 */
export function createAdapter(params: CreateAdapterParameters): LoraAdapter {
  const parsed = AdapterConfigSchema.safeParse(params.config);
  if (!parsed.success)
    throw new AdapterError('INVALID_CONFIG', 'adapter_config.json is invalid.', {
      metaMessages: parsed.error.issues.slice(0, 5).map((i) => `- ${i.path.join('.')}: ${i.message}`),
    });
  const config = parsed.data;
  if (config.peft_type !== 'LORA')
    throw new AdapterError(
      'INVALID_CONFIG',
      `Only LoRA adapters are supported (peft_type is "${config.peft_type}").`,
    );
  const entries = params.tensors instanceof Map ? [...params.tensors] : Object.entries(params.tensors);
  const parts = new Map<string, Partial<Record<'A' | 'B' | 'eA' | 'eB' | 'mag', Tensor>>>();
  const extraTensors = new Map<string, Tensor>();
  for (const [key, tensor] of entries) {
    const hit = SUFFIXES.find(([re]) => re.test(key));
    if (!hit) {
      extraTensors.set(key, tensor);
      continue;
    }
    const name = stripPrefix(key.replace(hit[0], ''));
    let p = parts.get(name);
    if (!p) {
      p = {};
      parts.set(name, p);
    }
    p[hit[1]] = tensor;
  }
  const modules: LoraModule[] = [];
  for (const [name, p] of [...parts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const embedding = p.eA !== undefined || p.eB !== undefined;
    const A = embedding ? p.eA : p.A;
    const B = embedding ? p.eB : p.B;
    if (!A || !B)
      throw new AdapterError(
        'MISSING_TENSOR',
        `Module "${name}" has ${A ? 'lora_A' : 'lora_B'} but not its partner.`,
        {
          module: name,
        },
      );
    checkFloat(name, A.dtype);
    checkFloat(name, B.dtype);
    if (A.shape.length !== 2 || B.shape.length !== 2)
      throw new AdapterError(
        'SHAPE_MISMATCH',
        `Module "${name}": lora_A and lora_B must be 2-D (conv LoRA is not supported).`,
        {
          module: name,
        },
      );
    const { r, alpha, scaling } = moduleScaling(config, name);
    const [ra, inF] = A.shape as [number, number];
    const [outF, rb] = B.shape as [number, number];
    if (ra !== rb || ra !== r)
      throw new AdapterError(
        'SHAPE_MISMATCH',
        `Module "${name}": lora_A is [${A.shape}] and lora_B is [${B.shape}] but the config gives rank ${r}.`,
        { module: name },
      );
    if (p.mag && !config.use_dora)
      throw new AdapterError(
        'INVALID_CONFIG',
        `Module "${name}" has a DoRA magnitude vector but use_dora is false.`,
        {
          module: name,
        },
      );
    if (config.use_dora && !embedding && !p.mag)
      throw new AdapterError(
        'MISSING_TENSOR',
        `Module "${name}" lacks lora_magnitude_vector although use_dora is true.`,
        {
          module: name,
        },
      );
    if (p.mag && p.mag.data.length !== outF)
      throw new AdapterError(
        'SHAPE_MISMATCH',
        `Module "${name}": magnitude vector has ${p.mag.data.length} entries, expected ${outF}.`,
        {
          module: name,
        },
      );
    modules.push({
      name,
      kind: embedding ? 'embedding' : 'linear',
      r,
      alpha,
      scaling,
      inFeatures: inF,
      outFeatures: outF,
      A,
      B,
      magnitude: p.mag,
      fanInFanOut: !embedding && config.fan_in_fan_out,
    });
  }
  const lineage = params.lineage === undefined ? undefined : LineageManifestSchema.parse(params.lineage);
  return { config, modules, extraTensors, metadata: { ...params.metadata }, lineage };
}

function stripPrefix(key: string): string {
  return key.startsWith(PEFT_PREFIX) ? key.slice(PEFT_PREFIX.length) : key;
}

function checkFloat(name: string, dtype: Dtype): void {
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16' && dtype !== 'F64')
    throw new AdapterError(
      'INVALID_CONFIG',
      `Module "${name}" stores LoRA factors as ${dtype}; expected a float dtype.`,
      {
        module: name,
      },
    );
}

/** PEFT's file keys of a module's tensors. */
export function moduleKeys(m: Pick<LoraModule, 'name' | 'kind'>): {
  A: string;
  B: string;
  magnitude: string;
} {
  const base = PEFT_PREFIX + m.name;
  return m.kind === 'embedding'
    ? {
        A: `${base}.lora_embedding_A`,
        B: `${base}.lora_embedding_B`,
        magnitude: `${base}.lora_magnitude_vector`,
      }
    : { A: `${base}.lora_A.weight`, B: `${base}.lora_B.weight`, magnitude: `${base}.lora_magnitude_vector` };
}
