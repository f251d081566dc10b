import type { LoraModule } from '../adapter/types.js';
import { lowRankProduct, transpose } from '../math/gemm.js';
import { toFloat32 } from '../safetensors/toFloat32.js';

/** Options of {@link deltaWeight}. */
export interface DeltaWeightOptions {
  /** Extra multiplier on top of the module's scaling. Default 1. */
  weight?: number;
  /** Lay the result out as B·A (out×in) even when the base weight is stored transposed. */
  raw?: boolean;
}

/**
 * The weight update a module adds to its base weight, laid out like that weight:
 * s·B·A (out×in) for nn.Linear, its transpose (in×out) with fan_in_fan_out (GPT-2's
 * Conv1D), and (B·A)ᵀ (vocab×dim) for embeddings — as PEFT's `get_delta_weight`.
 *
 * @example
 * import { deltaWeight } from '@openledger/lora';
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const dW = deltaWeight(adapter.modules[0]!); // Float32Array, out×in
 */
export function deltaWeight(module: LoraModule, opts: DeltaWeightOptions = {}): Float32Array {
  const { r, inFeatures: n, outFeatures: m } = module;
  const d = lowRankProduct(
    toFloat32(module.B),
    toFloat32(module.A),
    m,
    r,
    n,
    module.scaling * (opts.weight ?? 1),
  );
  if (opts.raw) return d;
  return module.fanInFanOut || module.kind === 'embedding' ? transpose(d, m, n) : d;
}
