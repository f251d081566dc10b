import type { AdapterConfigInput } from '../adapter/AdapterConfigSchema.js';
import { moduleKeys, PEFT_PREFIX } from '../adapter/createAdapter.js';
import { matchesTarget } from '../adapter/pattern.js';
import type { LoraAdapter } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import { type ModelFamily, resolveFamily, targetModules } from './targetModules.js';

/** Dimensions of a base model (camelCase twins of Hugging Face config.json fields). */
export interface BaseModelInfo {
  family: ModelFamily | (string & {});
  /** Hub id or path; compared with the adapter's base_model_name_or_path. */
  name?: string;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Defaults to numAttentionHeads (1 for Falcon's multi-query attention when `multiQuery`). */
  numKeyValueHeads?: number;
  /** Defaults to hiddenSize / numAttentionHeads. */
  headDim?: number;
  /** Feed-forward width; defaults to 4·hiddenSize. */
  intermediateSize?: number;
  vocabSize?: number;
  /** Explicit [out, in] shapes by module path, overriding what the family implies. */
  moduleShapes?: Record<string, [number, number]>;
}

/** An adapter described without its weights, e.g. from `inspectSafetensors` plus its config. */
export interface AdapterDescription {
  config: AdapterConfigInput;
  tensors: { name: string; shape: number[] }[];
}

/** One problem found by {@link checkCompatibility}. */
export interface CompatibilityIssue {
  code:
    | 'UNKNOWN_MODULE'
    | 'SHAPE_MISMATCH'
    | 'LAYER_OUT_OF_RANGE'
    | 'FAN_IN_FAN_OUT'
    | 'BASE_MODEL_MISMATCH'
    | 'RANK_MISMATCH'
    | 'NOT_A_TARGET';
  severity: 'error' | 'warning';
  module?: string;
  message: string;
}

/** What {@link checkCompatibility} returns. */
export interface CompatibilityReport {
  compatible: boolean;
  issues: CompatibilityIssue[];
  /** Modules that will be adapted, with their [out, in] shapes. */
  modules: { name: string; shape: [number, number] }[];
}

/**
 * Check an adapter against a base model before any weight is loaded: every module must exist
 * in the family's layout (layer index in range), its lora_A/lora_B shapes must fit the
 * projection's [out, in], GPT-2 adapters need fan_in_fan_out, and the base model name should
 * match. Returns a report (errors as data); throws only for an unknown family.
 *
 * @example
 * import { checkCompatibility, inspectSafetensors } from '@openledger/lora';
 * const head = await inspectSafetensors('https://example.com/adapter/adapter_model.safetensors');
 * const report = checkCompatibility(
 *   { config: { r: 16, lora_alpha: 32 }, tensors: head.tensors },
 *   { family: 'llama', hiddenSize: 4096, numHiddenLayers: 32, numAttentionHeads: 32, numKeyValueHeads: 8, intermediateSize: 14336 },
 * );
 * if (!report.compatible) console.log(report.issues);
 */
export function checkCompatibility(
  adapter: LoraAdapter | AdapterDescription,
  base: BaseModelInfo,
): CompatibilityReport {
  const family = resolveFamily(base.family);
  if (!family) targetModules(base.family);
  const t = targetModules(family!);
  const issues: CompatibilityIssue[] = [];
  const modules: CompatibilityReport['modules'] = [];
  const config = adapter.config;
  const described =
    'modules' in adapter
      ? adapter.modules.map((m) => ({
          name: m.name,
          A: m.A.shape,
          B: m.B.shape,
          embedding: m.kind === 'embedding',
        }))
      : describe(adapter.tensors);
  if (t.fanInFanOut && !config.fan_in_fan_out && described.some((m) => !m.embedding))
    issues.push({
      code: 'FAN_IN_FAN_OUT',
      severity: 'error',
      message: `${family} stores weights as Conv1D ([in, out]); the adapter must set fan_in_fan_out: true.`,
    });
  if (!t.fanInFanOut && config.fan_in_fan_out)
    issues.push({
      code: 'FAN_IN_FAN_OUT',
      severity: 'error',
      message: `${family} uses nn.Linear; fan_in_fan_out must be false.`,
    });
  const adapterBase = config.base_model_name_or_path;
  if (base.name && adapterBase && adapterBase !== base.name)
    issues.push({
      code: 'BASE_MODEL_MISMATCH',
      severity: 'warning',
      message: `Adapter was trained on "${adapterBase}", not "${base.name}".`,
    });
  const shapes = expectedShapes(family!, base);
  const targets = config.target_modules ?? null;
  for (const m of described) {
    if (targets !== null && !matchesTarget(targets, m.name))
      issues.push({
        code: 'NOT_A_TARGET',
        severity: 'warning',
        module: m.name,
        message: `Module "${m.name}" has weights but is not in target_modules.`,
      });
    if (m.embedding) continue;
    let shape = base.moduleShapes?.[m.name];
    if (!shape) {
      const hit = matchModule(family!, m.name, base.numHiddenLayers, shapes);
      if (hit === 'layer') {
        issues.push({
          code: 'LAYER_OUT_OF_RANGE',
          severity: 'error',
          module: m.name,
          message: `Module "${m.name}" is in a layer the base model (${base.numHiddenLayers} layers) does not have.`,
        });
        continue;
      }
      if (!hit) {
        issues.push({
          code: 'UNKNOWN_MODULE',
          severity: 'error',
          module: m.name,
          message: `Module "${m.name}" does not exist in a ${family} model.`,
        });
        continue;
      }
      shape = hit;
    }
    const [out, inn] = shape;
    const [ra, aIn] = m.A as [number, number];
    const [bOut, rb] = m.B as [number, number];
    if (ra !== rb)
      issues.push({
        code: 'RANK_MISMATCH',
        severity: 'error',
        module: m.name,
        message: `Module "${m.name}": lora_A has rank ${ra}, lora_B ${rb}.`,
      });
    if (aIn !== inn || bOut !== out)
      issues.push({
        code: 'SHAPE_MISMATCH',
        severity: 'error',
        module: m.name,
        message: `Module "${m.name}" is [${out}, ${inn}] in the base model but the adapter maps ${aIn} → ${bOut}.`,
      });
    else modules.push({ name: m.name, shape: [out, inn] });
  }
  return { compatible: !issues.some((i) => i.severity === 'error'), issues, modules };
}

function describe(
  tensors: AdapterDescription['tensors'],
): { name: string; A: number[]; B: number[]; embedding: boolean }[] {
  const byKey = new Map(tensors.map((x) => [x.name, x.shape]));
  const names = new Set<string>();
  for (const x of tensors) {
    const m = /^(.*)\.(lora_A\.weight|lora_B\.weight|lora_embedding_A|lora_embedding_B)$/.exec(x.name);
    if (m) names.add(m[1]!.startsWith(PEFT_PREFIX) ? m[1]!.slice(PEFT_PREFIX.length) : m[1]!);
  }
  return [...names].sort().map((name) => {
    const embedding = byKey.has(`${PEFT_PREFIX}${name}.lora_embedding_A`);
    const k = moduleKeys({ name, kind: embedding ? 'embedding' : 'linear' });
    const A = byKey.get(k.A);
    const B = byKey.get(k.B);
    if (!A || !B || A.length !== 2 || B.length !== 2)
      throw new AdapterError('MISSING_TENSOR', `Module "${name}" lacks a 2-D lora_A/lora_B pair.`, {
        module: name,
      });
    return { name, A, B, embedding };
  });
}

/** [out, in] of each projection of the family, from the model's dimensions. */
function expectedShapes(family: ModelFamily, b: BaseModelInfo): Record<string, [number, number]> {
  const H = b.hiddenSize;
  const nH = b.numAttentionHeads;
  const hd = b.headDim ?? H / nH;
  const nKV = b.numKeyValueHeads ?? nH;
  const I = b.intermediateSize ?? 4 * H;
  switch (family) {
    case 'llama':
    case 'mistral':
    case 'qwen':
    case 'deepseek':
      return {
        q_proj: [nH * hd, H],
        k_proj: [nKV * hd, H],
        v_proj: [nKV * hd, H],
        o_proj: [H, nH * hd],
        gate_proj: [I, H],
        up_proj: [I, H],
        down_proj: [H, I],
      };
    case 'bloom':
      return { query_key_value: [3 * H, H], dense: [H, H], dense_h_to_4h: [I, H], dense_4h_to_h: [H, I] };
    case 'falcon':
      return {
        query_key_value: [(nH + 2 * nKV) * hd, H],
        dense: [H, nH * hd],
        dense_h_to_4h: [I, H],
        dense_4h_to_h: [H, I],
      };
    case 'chatglm':
      // ChatGLM fuses the SwiGLU gate and up projections into dense_h_to_4h.
      return {
        query_key_value: [(nH + 2 * nKV) * hd, H],
        dense: [H, nH * hd],
        dense_h_to_4h: [2 * I, H],
        dense_4h_to_h: [H, I],
      };
    case 'gpt2':
      return { 'attn.c_attn': [3 * H, H], 'attn.c_proj': [H, H], 'mlp.c_fc': [I, H], 'mlp.c_proj': [H, I] };
  }
}

const LAYOUT: Record<ModelFamily, RegExp> = {
  llama: /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$/,
  mistral: /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$/,
  qwen: /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$/,
  deepseek: /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$/,
  bloom: /^transformer\.h\.(\d+)\.(?:self_attention|mlp)\.(\w+)$/,
  falcon: /^transformer\.h\.(\d+)\.(?:self_attention|mlp)\.(\w+)$/,
  chatglm: /^transformer\.encoder\.layers\.(\d+)\.(?:self_attention|mlp)\.(\w+)$/,
  gpt2: /^transformer\.h\.(\d+)\.((?:attn|mlp)\.\w+)$/,
};

function matchModule(
  family: ModelFamily,
  name: string,
  layers: number,
  shapes: Record<string, [number, number]>,
): [number, number] | 'layer' | undefined {
  const m = LAYOUT[family].exec(name);
  if (!m) return undefined;
  const shape = shapes[m[2]!];
  if (!shape) return undefined;
  const path = targetModules(family).modulePath(Number(m[1]), m[2]!);
  if (family !== 'gpt2' && path !== name) return undefined;
  if (Number(m[1]) >= layers) return 'layer';
  return shape;
}
