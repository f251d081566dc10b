import type { InferenceSession } from 'onnxruntime-web';
import type { LoraAdapter } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import {
  adapterFeeds,
  DEFAULT_NAMING,
  type LoraGraphModule,
  type LoraInputNaming,
  type OrtLike,
} from './adapterFeeds.js';
import { type MergeAdapterIntoOnnxOptions, mergeAdapterIntoOnnx } from './mergeAdapterIntoOnnx.js';

type OrtModule = OrtLike & {
  InferenceSession: {
    create(model: Uint8Array | string, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
};

/** Options of {@link createLoraSession}. */
export interface CreateLoraSessionOptions {
  /** The onnxruntime module to use. Default: `import('onnxruntime-web')` (wasm backend, also in Node). */
  ort?: OrtModule;
  sessionOptions?: InferenceSession.SessionOptions;
  /** The adapter applied by `run` until `setAdapter` changes it. Default none (base model). */
  adapter?: LoraAdapter | null;
  /**
   * Merged-weights path: fold this adapter into the model's initializers before creating the
   * session (needs model bytes). The LoRA branch is then fed zeros unless another adapter is set.
   */
  merge?: LoraAdapter;
  mergeOptions?: MergeAdapterIntoOnnxOptions;
  naming?: LoraInputNaming;
}

/** What {@link createLoraSession} returns. */
export interface LoraSession {
  /** The underlying onnxruntime session. */
  session: InferenceSession;
  /** LoRA-adapted modules found in the graph's inputs. */
  modules: LoraGraphModule[];
  /** Graph inputs that are not LoRA inputs (what callers feed). */
  inputNames: string[];
  outputNames: readonly string[];
  /** Switch the active adapter (null: base model). Feeds are built once per adapter and reused. */
  setAdapter(adapter: LoraAdapter | null): void;
  /** Run with the active adapter, or `adapter` for this call only. */
  run(
    feeds: Record<string, unknown>,
    opts?: { adapter?: LoraAdapter | null },
  ): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/**
 * An onnxruntime session over a base model whose LoRA factors are graph inputs
 * (`<module>.lora_A` [r, in], `<module>.lora_B` [out, r], `<module>.lora_scale` [1]; rank may be a
 * dynamic dimension), so one live session serves any adapter: switching is a matter of feeding
 * other tensors. With `merge`, the adapter is folded into the weights instead.
 *
 * @example
 * import { createLoraSession } from '@openledger/lora/onnx';
 * import * as ort from 'onnxruntime-web';
 * declare const model: Uint8Array;
 * declare const legal: import('@openledger/lora').LoraAdapter;
 * const lora = await createLoraSession(model, { adapter: legal });
 * const out = await lora.run({ x: new ort.Tensor('float32', new Float32Array(64), [1, 64]) });
 */
export async function createLoraSession(
  model: Uint8Array | string,
  opts: CreateLoraSessionOptions = {},
): Promise<LoraSession> {
  const ort = opts.ort ?? ((await import('onnxruntime-web')) as unknown as OrtModule);
  let source = model;
  if (opts.merge) {
    if (typeof model === 'string')
      throw new AdapterError('INVALID_ARGUMENT', 'The merged path needs the model bytes, not a URL.');
    source = mergeAdapterIntoOnnx(model, opts.merge, opts.mergeOptions);
  }
  const session = await ort.InferenceSession.create(source, opts.sessionOptions);
  const naming = opts.naming ?? DEFAULT_NAMING;
  const meta = new Map(
    (
      (session as unknown as { inputMetadata?: { name: string; shape?: (number | string)[] }[] })
        .inputMetadata ?? []
    ).map((m) => [m.name, m.shape]),
  );
  const names = new Set(session.inputNames);
  const modules: LoraGraphModule[] = [];
  const loraInputs = new Set<string>();
  for (const input of session.inputNames) {
    for (const candidate of candidates(input, naming)) {
      const inputs = { A: naming.A(candidate), B: naming.B(candidate), scale: naming.scale(candidate) };
      if (inputs.A !== input || !names.has(inputs.B) || !names.has(inputs.scale)) continue;
      const aShape = meta.get(inputs.A);
      const bShape = meta.get(inputs.B);
      modules.push({
        name: candidate,
        inFeatures: typeof aShape?.[1] === 'number' ? aShape[1] : undefined,
        outFeatures: typeof bShape?.[0] === 'number' ? bShape[0] : undefined,
        inputs,
      });
      loraInputs.add(inputs.A).add(inputs.B).add(inputs.scale);
    }
  }
  const feedCache = new WeakMap<LoraAdapter, Record<string, unknown>>();
  let baseFeeds: Record<string, unknown> | undefined;
  const feedsFor = (adapter: LoraAdapter | null) => {
    if (adapter === null) {
      baseFeeds ??= adapterFeeds(null, { ort, modules });
      return baseFeeds;
    }
    let f = feedCache.get(adapter);
    if (!f) {
      f = adapterFeeds(adapter, { ort, modules });
      feedCache.set(adapter, f);
    }
    return f;
  };
  let active: LoraAdapter | null = opts.adapter ?? null;
  if (active) feedsFor(active);
  return {
    session,
    modules,
    inputNames: session.inputNames.filter((n) => !loraInputs.has(n)),
    outputNames: session.outputNames,
    setAdapter(adapter) {
      feedsFor(adapter);
      active = adapter;
    },
    async run(feeds, o = {}) {
      const adapter = o.adapter === undefined ? active : o.adapter;
      const all = { ...feedsFor(adapter), ...feeds } as InferenceSession.FeedsType;
      return (await session.run(all)) as unknown as Record<
        string,
        { data: unknown; dims: readonly number[] }
      >;
    },
    release: () => session.release(),
  };
}

/** Module names whose A-input name could be `input` (inverting the naming by probing suffixes). */
function candidates(input: string, naming: LoraInputNaming): string[] {
  const probe = naming.A('\u0000');
  const [pre, post] = probe.split('\u0000') as [string, string];
  if (!input.startsWith(pre) || !input.endsWith(post) || input.length < pre.length + post.length) return [];
  return [input.slice(pre.length, input.length - post.length)];
}
