import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LoraAdapter } from '../adapter/types.js';
import { isAdapterError } from '../errors.js';
import { deltaWeight } from '../merge/deltaWeight.js';
import { maxAbsDiff, randomAdapter, randomMatrix } from '../testing/helpers.js';
import { adapterFeeds } from './adapterFeeds.js';
import { buildLoraMlpModel } from './buildLoraMlpModel.js';
import { createLoraSession, type LoraSession } from './createLoraSession.js';
import { mergeAdapterIntoOnnx } from './mergeAdapterIntoOnnx.js';

const H = 16;
const F = 32;
const O = 8;
const layers = [
  { name: 'mlp.fc1', in: H, out: F, weight: randomMatrix(F, H, 101, 0.3) },
  { name: 'mlp.fc2', in: F, out: O, weight: randomMatrix(O, F, 102, 0.3) },
];
const model = buildLoraMlpModel(layers);
const both = randomAdapter(
  layers.map((l, i) => ({ name: l.name, in: l.in, out: l.out, r: i === 1 ? 2 : 4 })),
  { r: 4, lora_alpha: 8, rank_pattern: { fc2: 2 } },
  7,
);
const firstOnly = randomAdapter(
  [{ name: 'mlp.fc1', in: H, out: F }],
  { r: 3, lora_alpha: 1.5, use_rslora: true },
  8,
);

/** Plain TypeScript forward pass in float64: effective weight W + ΔW per layer, ReLU between. */
function reference(x: Float32Array, tokens: number, adapter: LoraAdapter | null): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  layers.forEach((l, li) => {
    const m = adapter?.modules.find((mm) => mm.name === l.name);
    const d = m ? deltaWeight(m) : new Float32Array(l.out * l.in);
    const next = new Float64Array(tokens * l.out);
    for (let t = 0; t < tokens; t++)
      for (let o = 0; o < l.out; o++) {
        let s = 0;
        for (let i = 0; i < l.in; i++) s += h[t * l.in + i]! * (l.weight[o * l.in + i]! + d[o * l.in + i]!);
        next[t * l.out + o] = li < layers.length - 1 ? Math.max(0, s) : s;
      }
    h = next;
  });
  return h;
}

const tokens = 5;
const x = randomMatrix(tokens, H, 55);
const input = () => ({ x: new ort.Tensor('float32', x, [tokens, H]) });
let lora: LoraSession;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  lora = await createLoraSession(model, { ort });
});
afterAll(async () => {
  await lora?.release();
});

describe('createLoraSession', () => {
  test('finds the LoRA modules and their sizes from the graph inputs', () => {
    expect(lora.modules.map((m) => [m.name, m.inFeatures, m.outFeatures])).toEqual([
      ['mlp.fc1', H, F],
      ['mlp.fc2', F, O],
    ]);
    expect(lora.inputNames).toEqual(['x']);
  });

  test('ORT output with adapter inputs equals the TypeScript reference, for several adapters in one session', async () => {
    const session = lora.session;
    for (const adapter of [both, firstOnly, null, both]) {
      lora.setAdapter(adapter);
      const out = await lora.run(input());
      expect(lora.session).toBe(session);
      expect(maxAbsDiff(out.y!.data as Float32Array, reference(x, tokens, adapter))).toBeLessThan(1e-4);
    }
    const perCall = await lora.run(input(), { adapter: firstOnly });
    expect(maxAbsDiff(perCall.y!.data as Float32Array, reference(x, tokens, firstOnly))).toBeLessThan(1e-4);
  });

  test('the merged-weights path gives the same output as the adapter-input path', async () => {
    const merged = await createLoraSession(model, { ort, merge: both });
    try {
      const viaMerge = (await merged.run(input())).y!.data as Float32Array;
      lora.setAdapter(both);
      const viaInputs = (await lora.run(input())).y!.data as Float32Array;
      expect(maxAbsDiff(viaMerge, viaInputs)).toBeLessThan(1e-4);
      expect(maxAbsDiff(viaMerge, reference(x, tokens, both))).toBeLessThan(1e-4);
    } finally {
      await merged.release();
    }
  });

  test('merging into weights stored [in, out] (MatMul export layout) matches the reference', async () => {
    const transposed = buildLoraMlpModel(layers, { weightLayout: 'in_out' });
    const merged = await createLoraSession(transposed, { ort, merge: both });
    try {
      const y = (await merged.run(input())).y!.data as Float32Array;
      expect(maxAbsDiff(y, reference(x, tokens, both))).toBeLessThan(1e-4);
    } finally {
      await merged.release();
    }
  });

  test('adapters that do not fit the graph are rejected before running', () => {
    const stranger = randomAdapter([{ name: 'mlp.fc3', in: H, out: F }], { r: 2 }, 9);
    const wrongShape = randomAdapter([{ name: 'mlp.fc1', in: H + 1, out: F }], { r: 2 }, 9);
    for (const a of [stranger, wrongShape]) {
      try {
        adapterFeeds(a, { ort, modules: lora.modules });
        expect.unreachable();
      } catch (e) {
        expect(isAdapterError(e) && e.code).toBe('INCOMPATIBLE');
      }
    }
    expect(() => mergeAdapterIntoOnnx(model, stranger)).toThrow(/no initializer/);
  });

  test('merging rewrites only the adapted initializers, keeping the model size', () => {
    const merged = mergeAdapterIntoOnnx(model, firstOnly);
    expect(merged.length).toBe(model.length);
    let changed = 0;
    for (let i = 0; i < model.length; i++) if (merged[i] !== model[i]) changed++;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(4 * H * F);
  });
});
