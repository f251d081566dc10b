import { AdapterError } from '../errors.js';

/** Model families ModelFactory fine-tunes. */
export type ModelFamily = 'llama' | 'mistral' | 'qwen' | 'deepseek' | 'bloom' | 'chatglm' | 'falcon' | 'gpt2';

/** What {@link targetModules} returns for a family. */
export interface FamilyTargets {
  family: ModelFamily;
  /** PEFT's default `target_modules` for the family. */
  default: string[];
  /** Every linear module of a block that LoRA can target, attention first. */
  all: string[];
  /** Attention projections (fused `query_key_value` / `c_attn` where the family fuses them). */
  attention: string[];
  /** Feed-forward projections. */
  mlp: string[];
  /** Weights stored [in, out] (GPT-2's Conv1D), so adapters need fan_in_fan_out. */
  fanInFanOut: boolean;
  /** Module path of block `i`'s projection `m`, e.g. `model.layers.3.self_attn.q_proj`. */
  modulePath: (layer: number, module: string) => string;
}

const LLAMA_ATTN = ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
const LLAMA_MLP = ['gate_proj', 'up_proj', 'down_proj'];
const llamaPath = (i: number, m: string) =>
  `model.layers.${i}.${LLAMA_ATTN.includes(m) ? 'self_attn' : 'mlp'}.${m}`;

const FAMILIES: Record<ModelFamily, Omit<FamilyTargets, 'family' | 'all'>> = {
  llama: {
    default: ['q_proj', 'v_proj'],
    attention: LLAMA_ATTN,
    mlp: LLAMA_MLP,
    fanInFanOut: false,
    modulePath: llamaPath,
  },
  mistral: {
    default: ['q_proj', 'v_proj'],
    attention: LLAMA_ATTN,
    mlp: LLAMA_MLP,
    fanInFanOut: false,
    modulePath: llamaPath,
  },
  qwen: {
    default: ['q_proj', 'v_proj'],
    attention: LLAMA_ATTN,
    mlp: LLAMA_MLP,
    fanInFanOut: false,
    modulePath: llamaPath,
  },
  deepseek: {
    default: ['q_proj', 'v_proj'],
    attention: LLAMA_ATTN,
    mlp: LLAMA_MLP,
    fanInFanOut: false,
    modulePath: llamaPath,
  },
  bloom: {
    default: ['query_key_value'],
    attention: ['query_key_value', 'dense'],
    mlp: ['dense_h_to_4h', 'dense_4h_to_h'],
    fanInFanOut: false,
    modulePath: (i, m) => `transformer.h.${i}.${m.startsWith('dense_') ? 'mlp' : 'self_attention'}.${m}`,
  },
  falcon: {
    default: ['query_key_value'],
    attention: ['query_key_value', 'dense'],
    mlp: ['dense_h_to_4h', 'dense_4h_to_h'],
    fanInFanOut: false,
    modulePath: (i, m) => `transformer.h.${i}.${m.startsWith('dense_') ? 'mlp' : 'self_attention'}.${m}`,
  },
  chatglm: {
    default: ['query_key_value'],
    attention: ['query_key_value', 'dense'],
    mlp: ['dense_h_to_4h', 'dense_4h_to_h'],
    fanInFanOut: false,
    modulePath: (i, m) =>
      `transformer.encoder.layers.${i}.${m.startsWith('dense_') ? 'mlp' : 'self_attention'}.${m}`,
  },
  gpt2: {
    default: ['c_attn'],
    attention: ['c_attn', 'attn.c_proj'],
    mlp: ['c_fc', 'mlp.c_proj'],
    fanInFanOut: true,
    modulePath: (i, m) =>
      `transformer.h.${i}.${m === 'c_attn' ? 'attn.c_attn' : m === 'c_fc' ? 'mlp.c_fc' : m}`,
  },
};

/** Aliases accepted for family names (Hugging Face `model_type` values included). */
const ALIASES: Record<string, ModelFamily> = {
  llama: 'llama',
  mistral: 'mistral',
  mixtral: 'mistral',
  qwen: 'qwen',
  qwen2: 'qwen',
  qwen3: 'qwen',
  deepseek: 'deepseek',
  deepseek_v2: 'deepseek',
  bloom: 'bloom',
  chatglm: 'chatglm',
  falcon: 'falcon',
  refinedweb: 'falcon',
  gpt2: 'gpt2',
};

/** Normalise a family name or Hugging Face `model_type` to a {@link ModelFamily}, or undefined. */
export function resolveFamily(name: string): ModelFamily | undefined {
  return ALIASES[name.toLowerCase().replace(/-/g, '_')];
}

/**
 * The modules LoRA targets in a model family: PEFT's defaults, every adaptable projection,
 * the module path inside each block, and whether weights are Conv1D-style (fan_in_fan_out).
 * Accepts Hugging Face `model_type` names too (`qwen2`, `mixtral`, `RefinedWeb`…).
 *
 * @throws {AdapterError} `UNKNOWN_FAMILY` for families ModelFactory does not offer.
 * @example
 * import { targetModules } from '@openledger/lora';
 * targetModules('llama').all; // ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
 * targetModules('gpt2').fanInFanOut; // true
 */
export function targetModules(family: ModelFamily | (string & {})): FamilyTargets {
  const f = resolveFamily(family);
  if (!f)
    throw new AdapterError('UNKNOWN_FAMILY', `Unknown model family "${family}".`, {
      metaMessages: [`Known: ${Object.keys(FAMILIES).join(', ')}`],
    });
  const t = FAMILIES[f];
  return { family: f, ...t, default: [...t.default], all: [...t.attention, ...t.mlp] };
}
