import type { LoraAdapter } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import { toFloat32 } from '../safetensors/toFloat32.js';

/** The minimal slice of onnxruntime's API this module uses (onnxruntime-web or -node). */
export interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}

/** A LoRA-adapted linear layer of an ONNX graph, found from its input names. */
export interface LoraGraphModule {
  name: string;
  /** Input features, when the graph fixes them. */
  inFeatures: number | undefined;
  /** Output features, when the graph fixes them. */
  outFeatures: number | undefined;
  inputs: { A: string; B: string; scale: string };
}

/** Graph input names of a module's LoRA tensors. Default `<module>.lora_A`, `.lora_B`, `.lora_scale`. */
export interface LoraInputNaming {
  A: (module: string) => string;
  B: (module: string) => string;
  scale: (module: string) => string;
}

export const DEFAULT_NAMING: LoraInputNaming = {
  A: (m) => `${m}.lora_A`,
  B: (m) => `${m}.lora_B`,
  scale: (m) => `${m}.lora_scale`,
};

/** Options of {@link adapterFeeds}. */
export interface AdapterFeedsOptions {
  ort: OrtLike;
  /** The graph's LoRA modules (a `LoraSession` has them as `session.modules`). */
  modules: LoraGraphModule[];
  /** Multiplier on every module's scaling. Default 1. */
  weight?: number;
  /** Ignore adapter modules the graph does not have instead of throwing. Default false. */
  ignoreUnknownModules?: boolean;
}

/**
 * The graph inputs that apply an adapter: for every LoRA module of the graph, lora_A [r, in],
 * lora_B [out, r] and the scaling [1] — views of the adapter's float32 weights, no copies —
 * and a rank-1 zero branch with scale 0 for modules the adapter does not touch. Pass `null`
 * for the base model alone. Feeding different adapters to one session switches them without
 * creating a new session.
 *
 * @throws {AdapterError} `INCOMPATIBLE` for modules or shapes the graph does not have,
 *   `UNSUPPORTED_VARIANT` for DoRA (use the merged path).
 * @example
 * import { adapterFeeds, createLoraSession } from '@openledger/lora/onnx';
 * import * as ort from 'onnxruntime-web';
 * declare const model: Uint8Array;
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const session = await createLoraSession(model);
 * const feeds = adapterFeeds(adapter, { ort, modules: session.modules });
 */
export function adapterFeeds(
  adapter: LoraAdapter | null,
  opts: AdapterFeedsOptions,
): Record<string, unknown> {
  const { ort, modules } = opts;
  const feeds: Record<string, unknown> = {};
  const byName = new Map((adapter?.modules ?? []).map((m) => [m.name, m]));
  if (adapter?.modules.some((m) => m.magnitude))
    throw new AdapterError(
      'UNSUPPORTED_VARIANT',
      'DoRA adapters cannot run through a LoRA branch; use mergeAdapterIntoOnnx.',
    );
  const known = new Set(modules.map((m) => m.name));
  if (!opts.ignoreUnknownModules)
    for (const name of byName.keys())
      if (!known.has(name))
        throw new AdapterError('INCOMPATIBLE', `The model has no LoRA inputs for module "${name}".`, {
          module: name,
          metaMessages: [`Graph modules: ${[...known].slice(0, 8).join(', ')}${known.size > 8 ? ', …' : ''}`],
        });
  for (const g of modules) {
    const m = byName.get(g.name);
    if (!m) {
      if (g.inFeatures === undefined || g.outFeatures === undefined)
        throw new AdapterError(
          'INCOMPATIBLE',
          `Cannot build a zero branch for "${g.name}": the graph leaves its size dynamic.`,
          {
            module: g.name,
          },
        );
      feeds[g.inputs.A] = new ort.Tensor('float32', new Float32Array(g.inFeatures), [1, g.inFeatures]);
      feeds[g.inputs.B] = new ort.Tensor('float32', new Float32Array(g.outFeatures), [g.outFeatures, 1]);
      feeds[g.inputs.scale] = new ort.Tensor('float32', new Float32Array([0]), [1]);
      continue;
    }
    if (
      (g.inFeatures !== undefined && g.inFeatures !== m.inFeatures) ||
      (g.outFeatures !== undefined && g.outFeatures !== m.outFeatures)
    )
      throw new AdapterError(
        'INCOMPATIBLE',
        `Module "${g.name}" is ${g.outFeatures}×${g.inFeatures} in the model but ${m.outFeatures}×${m.inFeatures} in the adapter.`,
        { module: g.name },
      );
    if (m.kind === 'embedding' || m.fanInFanOut)
      throw new AdapterError(
        'UNSUPPORTED_VARIANT',
        `Module "${g.name}" is ${m.kind === 'embedding' ? 'an embedding' : 'fan_in_fan_out'}; the LoRA branch expects linear layers.`,
        {
          module: g.name,
        },
      );
    feeds[g.inputs.A] = new ort.Tensor('float32', toFloat32(m.A), [m.r, m.inFeatures]);
    feeds[g.inputs.B] = new ort.Tensor('float32', toFloat32(m.B), [m.outFeatures, m.r]);
    feeds[g.inputs.scale] = new ort.Tensor(
      'float32',
      new Float32Array([m.scaling * (opts.weight ?? 1)]),
      [1],
    );
  }
  return feeds;
}
