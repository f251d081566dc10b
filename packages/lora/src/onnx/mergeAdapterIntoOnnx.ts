import type { LoraAdapter } from '../adapter/types.js';
import { AdapterError } from '../errors.js';
import { deltaWeight } from '../merge/deltaWeight.js';
import { fields, readVarints } from './protobuf.js';

/** Options of {@link mergeAdapterIntoOnnx}. */
export interface MergeAdapterIntoOnnxOptions {
  /** Initializer holding a module's base weight. Default `${module}.weight`. */
  weightName?: (moduleName: string) => string;
  /** Multiplier on the adapter's update. Default 1. */
  weight?: number;
}

const FLOAT = 1;

/**
 * Fold an adapter into an ONNX model's weights: each module's float32 initializer becomes
 * W + s·B·A, in place in a copy of the model bytes (same size, nothing re-encoded). The weight
 * may be stored [out, in] (as PyTorch and Gemm with transB) or [in, out] (as exported MatMul
 * weights); square weights are taken as [out, in]. Use it for the merged-weights path, where one
 * adapter serves every request and the LoRA branch can be fed zeros.
 *
 * @throws {AdapterError} `MISSING_TENSOR` when an initializer is absent, `SHAPE_MISMATCH`,
 *   `UNSUPPORTED_VARIANT` for DoRA adapters or non-float32 / external-data initializers.
 * @example
 * import { mergeAdapterIntoOnnx } from '@openledger/lora/onnx';
 * declare const model: Uint8Array;
 * declare const adapter: import('@openledger/lora').LoraAdapter;
 * const merged = mergeAdapterIntoOnnx(model, adapter);
 */
export function mergeAdapterIntoOnnx(
  model: Uint8Array,
  adapter: LoraAdapter,
  opts: MergeAdapterIntoOnnxOptions = {},
): Uint8Array {
  if (adapter.modules.some((m) => m.magnitude))
    throw new AdapterError(
      'UNSUPPORTED_VARIANT',
      'DoRA adapters need the base weight norms; merge them with mergeAdapter on the weights instead.',
    );
  // Uint8Array.prototype.slice: a Node Buffer's own slice() would share memory with the input.
  const out = Uint8Array.prototype.slice.call(model);
  const nameOf = opts.weightName ?? ((n: string) => `${n}.weight`);
  const wanted = new Map(adapter.modules.map((m) => [nameOf(m.name), m]));
  const dec = new TextDecoder();
  let found = 0;
  for (const g of fields(out, 0, out.length)) {
    if (g.field !== 7 || g.wire !== 2) continue;
    for (const init of fields(out, g.start, g.end)) {
      if (init.field !== 5 || init.wire !== 2) continue;
      let name = '';
      let dims: number[] = [];
      let dataType = 0;
      let data: { start: number; end: number } | undefined;
      let external = false;
      for (const f of fields(out, init.start, init.end)) {
        if (f.field === 8 && f.wire === 2) name = dec.decode(out.subarray(f.start, f.end));
        else if (f.field === 1) dims = dims.concat(readVarints(out, f));
        else if (f.field === 2 && f.wire === 0) dataType = f.value;
        else if ((f.field === 9 || f.field === 4) && f.wire === 2) data = f;
        else if (f.field === 14 && f.wire === 0 && f.value === 1) external = true;
      }
      const m = wanted.get(name);
      if (!m) continue;
      if (external || dataType !== FLOAT || !data)
        throw new AdapterError('UNSUPPORTED_VARIANT', `Initializer "${name}" is not inline float32 data.`, {
          module: m.name,
        });
      const [d0, d1] = dims;
      const outIn = d0 === m.outFeatures && d1 === m.inFeatures;
      const inOut = d0 === m.inFeatures && d1 === m.outFeatures;
      if (
        dims.length !== 2 ||
        (!outIn && !inOut) ||
        data.end - data.start !== 4 * m.inFeatures * m.outFeatures
      )
        throw new AdapterError(
          'SHAPE_MISMATCH',
          `Initializer "${name}" is [${dims}] but module "${m.name}" is ${m.outFeatures}×${m.inFeatures}.`,
          {
            module: m.name,
          },
        );
      const delta = deltaWeight(m, { weight: opts.weight ?? 1, raw: true }); // out×in
      const view = new DataView(out.buffer, out.byteOffset + data.start, data.end - data.start);
      const O = m.outFeatures;
      const I = m.inFeatures;
      for (let o = 0; o < O; o++)
        for (let i = 0; i < I; i++) {
          const idx = outIn ? o * I + i : i * O + o;
          view.setFloat32(idx * 4, view.getFloat32(idx * 4, true) + delta[o * I + i]!, true);
        }
      wanted.delete(name);
      found++;
    }
  }
  if (wanted.size > 0)
    throw new AdapterError(
      'MISSING_TENSOR',
      `The model has no initializer ${[...wanted.keys()].map((k) => `"${k}"`).join(', ')}.`,
    );
  if (found === 0 && adapter.modules.length > 0)
    throw new AdapterError('MISSING_TENSOR', 'No adapted weight found in the model.');
  return out;
}
