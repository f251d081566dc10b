import { describe, expect, test } from 'vitest';
import { f32ToF16 } from '../safetensors/dtypes.js';
import { toFloat32 } from '../safetensors/toFloat32.js';
import type { Tensor } from '../safetensors/types.js';
import { maxAbsDiff, naiveMatmul, randomAdapter, randomMatrix } from '../testing/helpers.js';
import { deltaWeight } from './deltaWeight.js';
import { mergeAdapter, unmergeAdapter } from './mergeAdapter.js';

const MODS = [
  { name: 'model.layers.0.self_attn.q_proj', in: 24, out: 16 },
  { name: 'model.layers.0.self_attn.o_proj', in: 16, out: 24 },
];

function baseFor(mods: { name: string; in: number; out: number }[], transposed = false): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const [i, x] of mods.entries())
    m.set(`${x.name}.weight`, {
      dtype: 'F32',
      shape: transposed ? [x.in, x.out] : [x.out, x.in],
      data: randomMatrix(x.out, x.in, 50 + i),
    });
  m.set('lm_head.weight', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) });
  return m;
}

describe('deltaWeight', () => {
  test('is s·B·A, transposed for fan_in_fan_out and for embeddings', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 12 }, 1);
    const m = a.modules[0]!;
    const ref = naiveMatmul(toFloat32(m.B), toFloat32(m.A), 16, 4, 24).map((x) => x * 3);
    expect(maxAbsDiff(deltaWeight(m), ref)).toBeLessThan(1e-5);
    const t = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 12, fan_in_fan_out: true }, 1).modules[0]!;
    const dt = deltaWeight(t);
    for (let o = 0; o < 16; o++)
      for (let i = 0; i < 24; i++) expect(dt[i * 16 + o]).toBeCloseTo(ref[o * 24 + i]!, 5);
    const e = randomAdapter([{ name: 'embed', in: 30, out: 6, embedding: true }], { r: 2, lora_alpha: 2 }, 2)
      .modules[0]!;
    const eref = naiveMatmul(toFloat32(e.B), toFloat32(e.A), 6, 2, 30);
    const ed = deltaWeight(e);
    for (let v = 0; v < 30; v++)
      for (let d = 0; d < 6; d++) expect(ed[v * 6 + d]).toBeCloseTo(eref[d * 30 + v]!, 5);
  });
});

describe('mergeAdapter / unmergeAdapter', () => {
  test('merge adds s·B·A; unmerge restores the base within float tolerance', () => {
    const a = randomAdapter(MODS, { r: 4, lora_alpha: 8 }, 3);
    const base = baseFor(MODS);
    const merged = mergeAdapter(base, a, { weight: 0.5 });
    for (const m of a.modules) {
      const W = toFloat32(base.get(`${m.name}.weight`)!);
      const want = naiveMatmul(toFloat32(m.B), toFloat32(m.A), m.outFeatures, m.r, m.inFeatures).map(
        (x, i) => W[i]! + 0.5 * 2 * x,
      );
      expect(maxAbsDiff(toFloat32(merged.get(`${m.name}.weight`)!), want)).toBeLessThan(1e-5);
    }
    expect(merged.get('lm_head.weight')).toBe(base.get('lm_head.weight'));
    const restored = unmergeAdapter(merged, a, { weight: 0.5 });
    for (const m of a.modules)
      expect(
        maxAbsDiff(toFloat32(restored.get(`${m.name}.weight`)!), toFloat32(base.get(`${m.name}.weight`)!)),
      ).toBeLessThan(1e-5);
  });

  test('keeps the base dtype (F16 in, F16 out)', () => {
    const a = randomAdapter([MODS[0]!], { r: 2, lora_alpha: 2 }, 4);
    const W = randomMatrix(16, 24, 9);
    const base = new Map<string, Tensor>([
      [`${MODS[0]!.name}.weight`, { dtype: 'F16', shape: [16, 24], data: Uint16Array.from(W, f32ToF16) }],
    ]);
    const out = mergeAdapter(base, a).get(`${MODS[0]!.name}.weight`)!;
    expect(out.dtype).toBe('F16');
    const want = toFloat32(base.get(`${MODS[0]!.name}.weight`)!).map(
      (x, i) => x + deltaWeight(a.modules[0]!)[i]!,
    );
    expect(maxAbsDiff(toFloat32(out), want)).toBeLessThan(4e-3);
  });

  test('DoRA merge scales each output row of W + ΔW to its magnitude; unmerge is refused', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 4, use_dora: true }, 5);
    const base = baseFor([MODS[0]!]);
    const out = toFloat32(mergeAdapter(base, a).get(`${MODS[0]!.name}.weight`)!);
    const mag = toFloat32(a.modules[0]!.magnitude!);
    for (let o = 0; o < 16; o++) {
      let norm = 0;
      for (let i = 0; i < 24; i++) norm += out[o * 24 + i]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(mag[o]!, 4);
    }
    expect(() => unmergeAdapter(base, a)).toThrow(/DoRA/);
  });

  test('checks every module before touching any weight', () => {
    const a = randomAdapter(MODS, { r: 4, lora_alpha: 8 }, 3);
    const base = baseFor([MODS[0]!]);
    expect(() => mergeAdapter(base, a)).toThrow(/o_proj/);
    const wrong = baseFor(MODS, true);
    expect(() => mergeAdapter(wrong, a)).toThrow(/needs \[\d+,\d+\]/);
  });
});
