import type { Tensor } from '../safetensors/types.js';
import type { AdapterConfig } from './AdapterConfigSchema.js';
import type { LineageManifest } from './LineageManifestSchema.js';

/** One adapted module: the low-rank factors and the scaling PEFT applies to them. */
export interface LoraModule {
  /** Module path in the base model, e.g. `model.layers.0.self_attn.q_proj`. */
  name: string;
  /** `linear` (nn.Linear or GPT-2's Conv1D) or `embedding` (lora_embedding_A/B). */
  kind: 'linear' | 'embedding';
  r: number;
  alpha: number;
  /** lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA. */
  scaling: number;
  /** Input features (embedding: vocabulary size). */
  inFeatures: number;
  /** Output features (embedding: embedding dim). */
  outFeatures: number;
  /** lora_A: [r, in] (embedding: [r, vocab]). */
  A: Tensor;
  /** lora_B: [out, r] (embedding: [dim, r]). */
  B: Tensor;
  /** DoRA's per-output magnitude vector, when the adapter uses DoRA. */
  magnitude?: Tensor | undefined;
  /** The base weight is stored transposed ([in, out]), as in GPT-2's Conv1D. */
  fanInFanOut: boolean;
}

/** A LoRA adapter in memory, in PEFT's layout. */
export interface LoraAdapter {
  config: AdapterConfig;
  /** Adapted modules, sorted by name. */
  modules: LoraModule[];
  /** Other tensors of the file (modules_to_save, biases), kept verbatim under their file keys. */
  extraTensors: Map<string, Tensor>;
  /** The safetensors `__metadata__` (lineage excluded; it lives in `lineage`). */
  metadata: Record<string, string>;
  lineage: LineageManifest | undefined;
}
