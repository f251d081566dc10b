import type { LoraAdapter, LoraModule } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import { f32ToBf16, f32ToF16 } from '../safetensors/dtypes.js';
import { toFloat32 } from '../safetensors/toFloat32.js';
import type { Tensor } from '../safetensors/types.js';
import { deltaWeight } from './deltaWeight.js';

/** Base model weights: a parsed checkpoint's tensors (keys like `model.layers.0.self_attn.q_proj.weight`). */
export type BaseWeights = Map<string, Tensor> | Record<string, Tensor>;

/** Options of {@link mergeAdapter} and {@link unmergeAdapter}. */
export interface MergeAdapterOptions {
  /** Multiplier on every module's update (PEFT's adapter weight). Default 1. */
  weight?: number;
  /** Key of a module's base weight. Default `${module}.weight`. */
  keyOf?: (moduleName: string) => string;
}

/** What {@link mergeAdapter} returns: all base tensors, the adapted ones replaced by merged copies. */
export type MergeAdapterReturnType = Map<string, Tensor>;

/**
 * Fold an adapter into base weights: W + s·B·A for each module (transposed for fan_in_fan_out
 * and embeddings), in the base tensor's dtype. DoRA modules are merged exactly as PEFT does:
 * m / ‖W + s·B·A‖ (per output row) times W + s·B·A. Inputs are not modified.
 *
 * @throws {AdapterError} `MISSING_TENSOR` when a module has no base weight, `SHAPE_MISMATCH`
 *   when shapes differ — checked for every module before any arithmetic.
 * @example
 * import { mergeAdapter, parseSafetensors } from '@openledger/lora';
 * declare const base: Uint8Array;
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const merged = mergeAdapter(parseSafetensors(base).tensors, adapter);
 */
export function mergeAdapter(
  base: BaseWeights,
  adapter: LoraAdapter,
  opts: MergeAdapterOptions = {},
): MergeAdapterReturnType {
  return apply(base, adapter, opts, +1);
}

/**
 * Undo {@link mergeAdapter}: W − s·B·A per module. Restores the base up to float rounding.
 * DoRA merges cannot be undone from the merged weights alone and are refused.
 *
 * @example
 * import { mergeAdapter, unmergeAdapter } from '@openledger/lora';
 * declare const base: Map<string, import('@openledger/lora').Tensor>;
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const restored = unmergeAdapter(mergeAdapter(base, adapter), adapter);
 */
export function unmergeAdapter(
  merged: BaseWeights,
  adapter: LoraAdapter,
  opts: MergeAdapterOptions = {},
): MergeAdapterReturnType {
  if (adapter.modules.some((m) => m.magnitude))
    throw new AdapterError(
      'UNSUPPORTED_VARIANT',
      'A DoRA merge cannot be undone: the column norms of the original weight are not recoverable from the merged weight.',
    );
  return apply(merged, adapter, opts, -1);
}

function apply(
  base: BaseWeights,
  adapter: LoraAdapter,
  opts: MergeAdapterOptions,
  sign: 1 | -1,
): Map<string, Tensor> {
  const out = new Map(base instanceof Map ? base : Object.entries(base));
  const keyOf = opts.keyOf ?? ((n: string) => `${n}.weight`);
  const plan: [LoraModule, string, Tensor][] = [];
  for (const m of adapter.modules) {
    const key = keyOf(m.name);
    const w = out.get(key);
    if (!w)
      throw new AdapterError('MISSING_TENSOR', `Base weights have no "${key}" for module "${m.name}".`, {
        module: m.name,
      });
    const expected =
      m.kind === 'embedding' || m.fanInFanOut ? [m.inFeatures, m.outFeatures] : [m.outFeatures, m.inFeatures];
    if (w.shape.length !== 2 || w.shape[0] !== expected[0] || w.shape[1] !== expected[1])
      throw new AdapterError(
        'SHAPE_MISMATCH',
        `Base weight "${key}" is [${w.shape}] but module "${m.name}" needs [${expected}].`,
        { module: m.name },
      );
    if (w.dtype !== 'F32' && w.dtype !== 'F16' && w.dtype !== 'BF16' && w.dtype !== 'F64')
      throw new AdapterError(
        'INVALID_ARGUMENT',
        `Base weight "${key}" is ${w.dtype}; quantized weights cannot be merged.`,
        {
          module: m.name,
        },
      );
    plan.push([m, key, w]);
  }
  for (const [m, key, w] of plan) {
    const d = deltaWeight(m, { weight: sign * (opts.weight ?? 1) });
    const W = Float32Array.from(toFloat32(w));
    for (let i = 0; i < W.length; i++) W[i] = W[i]! + d[i]!;
    if (m.magnitude && sign > 0) applyDora(W, toFloat32(m.magnitude), m);
    out.set(key, { dtype: w.dtype, shape: [...w.shape], data: narrow(W, w.dtype) });
  }
  return out;
}

/** Scale each output row of W + ΔW to the DoRA magnitude (rows are columns when fan_in_fan_out). */
function applyDora(W: Float32Array, mag: Float32Array, m: LoraModule): void {
  const out = m.outFeatures;
  const inn = m.inFeatures;
  const norms = new Float64Array(out);
  if (m.fanInFanOut) {
    for (let i = 0; i < inn; i++) for (let o = 0; o < out; o++) norms[o] = norms[o]! + W[i * out + o]! ** 2;
  } else {
    for (let o = 0; o < out; o++) for (let i = 0; i < inn; i++) norms[o] = norms[o]! + W[o * inn + i]! ** 2;
  }
  const f = new Float64Array(out);
  for (let o = 0; o < out; o++) f[o] = mag[o]! / Math.sqrt(norms[o]!);
  if (m.fanInFanOut) {
    for (let i = 0; i < inn; i++) for (let o = 0; o < out; o++) W[i * out + o] = W[i * out + o]! * f[o]!;
  } else {
    for (let o = 0; o < out; o++) for (let i = 0; i < inn; i++) W[o * inn + i] = W[o * inn + i]! * f[o]!;
  }
}

function narrow(W: Float32Array, dtype: Tensor['dtype']): Tensor['data'] {
  if (dtype === 'F32') return W;
  if (dtype === 'F64') return Float64Array.from(W);
  const out = new Uint16Array(W.length);
  const enc = dtype === 'F16' ? f32ToF16 : f32ToBf16;
  for (let i = 0; i < W.length; i++) out[i] = enc(W[i]!);
  return out;
}
