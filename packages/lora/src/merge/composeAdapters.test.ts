import { describe, expect, test } from 'vitest';
import { createAdapter } from '../adapter/createAdapter.js';
import { loadAdapter } from '../adapter/loadAdapter.js';
import { saveAdapter } from '../adapter/saveAdapter.js';
import type { LoraAdapter } from '../adapter/types.js';
import { isAdapterError } from '../errors.js';
import { mulberry32 } from '../math/prng.js';
import { jacobiSvd } from '../math/svd.js';
import { toFloat32 } from '../safetensors/toFloat32.js';
import { frobenius, maxAbsDiff, naiveMatmul, randomAdapter } from '../testing/helpers.js';
import { composeAdapters } from './composeAdapters.js';
import { deltaWeight } from './deltaWeight.js';
import { disjointMerge, magnitudePrune, majoritySignMask, randomPrune, ties } from './taskArithmetic.js';

const MODS = [
  { name: 'model.layers.0.self_attn.q_proj', in: 24, out: 20 },
  { name: 'model.layers.0.mlp.down_proj', in: 32, out: 24 },
];

function pair(): [LoraAdapter, LoraAdapter] {
  return [
    randomAdapter(MODS, { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'down_proj'] }, 1),
    randomAdapter(MODS, { r: 4, lora_alpha: 2, target_modules: ['q_proj', 'down_proj'] }, 2),
  ];
}

/** Σ coefᵢ · Bᵢ·Aᵢ in float64 for one module. */
function combined(
  adapters: LoraAdapter[],
  name: string,
  coef: (a: LoraAdapter, i: number) => number,
): Float64Array {
  let out: Float64Array | undefined;
  adapters.forEach((a, i) => {
    const m = a.modules.find((x) => x.name === name);
    if (!m) return;
    const p = naiveMatmul(toFloat32(m.B), toFloat32(m.A), m.outFeatures, m.r, m.inFeatures);
    out ??= new Float64Array(p.length);
    const c = coef(a, i);
    for (let j = 0; j < p.length; j++) out[j] = out[j]! + c * p[j]!;
  });
  return out!;
}

function product(a: LoraAdapter, name: string): Float64Array {
  const m = a.modules.find((x) => x.name === name)!;
  return naiveMatmul(toFloat32(m.B), toFloat32(m.A), m.outFeatures, m.r, m.inFeatures);
}

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  return maxAbsDiff(got, want) / Math.max(1e-30, frobenius(want) / Math.sqrt(want.length));
}

describe('composeAdapters', () => {
  test('cat gives exactly Σ wᵢ·sᵢ·Bᵢ·Aᵢ with rank Σrᵢ and scaling 1', () => {
    const ads = pair();
    const w = [0.7, -0.4];
    const out = composeAdapters(ads, { weights: w, method: 'cat' });
    expect(out.config).toMatchObject({ r: 8, lora_alpha: 8 });
    for (const { name } of MODS) {
      const m = out.modules.find((x) => x.name === name)!;
      expect(m.scaling).toBe(1);
      const want = combined(ads, name, (a, i) => w[i]! * a.modules[0]!.scaling);
      expect(relErr(product(out, name), want)).toBeLessThan(1e-5);
    }
  });

  test('cat zero-pads modules that only some adapters have', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 4 }, 3);
    const b = randomAdapter(MODS, { r: 2, lora_alpha: 4 }, 4);
    const out = composeAdapters([a, b], { weights: [1, 1], method: 'cat' });
    const down = out.modules.find((m) => m.name === MODS[1]!.name)!;
    expect(down.A.shape).toEqual([6, 32]);
    expect(
      relErr(
        product(out, MODS[1]!.name),
        combined([b], MODS[1]!.name, () => 2),
      ),
    ).toBeLessThan(1e-5);
  });

  test('linear combines A and B separately with √(w·s) weights (PEFT semantics)', () => {
    const ads = pair();
    const w = [0.5, 2];
    const out = composeAdapters(ads, { weights: w, method: 'linear' });
    expect(out.config.r).toBe(4);
    const m = out.modules[0]!;
    const c = ads.map((a, i) => Math.sqrt(w[i]! * a.modules[0]!.scaling));
    const wantA = toFloat32(ads[0].modules[0]!.A).map(
      (x, j) => c[0]! * x + c[1]! * toFloat32(ads[1].modules[0]!.A)[j]!,
    );
    expect(maxAbsDiff(toFloat32(m.A), wantA)).toBeLessThan(1e-6);
  });

  test('svd at full rank reproduces the combined delta Σ wᵢsᵢ·ΔWᵢ (ΔWᵢ = sᵢBᵢAᵢ, as PEFT scales)', () => {
    const ads = pair();
    const w = [0.3, 1.2];
    const out = composeAdapters(ads, { weights: w, method: 'svd', svdRank: 8 });
    for (const { name } of MODS) {
      const want = combined(ads, name, (a, i) => w[i]! * a.modules[0]!.scaling ** 2);
      expect(relErr(product(out, name), want)).toBeLessThan(1e-5);
    }
  });

  test('svd below full rank keeps the best rank-k approximation', () => {
    const ads = pair();
    const out = composeAdapters(ads, { weights: [1, 1], method: 'svd', svdRank: 3 });
    const name = MODS[1]!.name;
    const want = combined(ads, name, (a) => a.modules[0]!.scaling ** 2);
    const ref = jacobiSvd(want, 24, 32);
    const resid = frobenius(product(out, name).map((x, i) => want[i]! - x));
    expect(resid).toBeCloseTo(Math.sqrt(ref.S.slice(3).reduce((a, x) => a + x * x, 0)), 3);
    expect(out.modules.find((m) => m.name === MODS[0]!.name)!.A.shape).toEqual([3, 24]);
  });

  test('svdClamp bounds the factors by the quantile of their values', () => {
    const ads = pair();
    const free = composeAdapters(ads, { weights: [1, 1], method: 'svd', svdRank: 4 });
    const clamped = composeAdapters(ads, { weights: [1, 1], method: 'svd', svdRank: 4, svdClamp: 0.9 });
    const values = (a: LoraAdapter) => a.modules.flatMap((m) => [...toFloat32(m.A), ...toFloat32(m.B)]);
    const maxFree = Math.max(...values(free).map(Math.abs));
    const maxClamped = Math.max(...values(clamped).map(Math.abs));
    expect(maxClamped).toBeLessThan(maxFree);
    const m = clamped.modules[0]!;
    const all = [...toFloat32(free.modules[0]!.B), ...toFloat32(free.modules[0]!.A)].sort((x, y) => x - y);
    const pos = 0.9 * (all.length - 1);
    const q =
      all[Math.floor(pos)]! + (all[Math.ceil(pos)]! - all[Math.floor(pos)]!) * (pos - Math.floor(pos));
    expect(Math.max(...[...toFloat32(m.A), ...toFloat32(m.B)].map(Math.abs))).toBeLessThanOrEqual(
      Math.abs(q) + 1e-6,
    );
  });

  test('magnitude_prune_svd with density 1 equals svd', () => {
    const ads = pair();
    const a = composeAdapters(ads, { weights: [1, 0.5], method: 'svd', svdRank: 8 });
    const b = composeAdapters(ads, {
      weights: [1, 0.5],
      method: 'magnitude_prune_svd',
      svdRank: 8,
      density: 1,
    });
    expect(relErr(product(b, MODS[0]!.name), product(a, MODS[0]!.name))).toBeLessThan(1e-4);
  });

  test('DARE masks are reproducible from the seed and differ across seeds', () => {
    const ads = pair();
    const opts = { weights: [1, 1], method: 'dare_linear' as const, density: 0.5 };
    const a = composeAdapters(ads, { ...opts, seed: 7 });
    const b = composeAdapters(ads, { ...opts, seed: 7 });
    const c = composeAdapters(ads, { ...opts, seed: 8 });
    expect(toFloat32(a.modules[0]!.A)).toEqual(toFloat32(b.modules[0]!.A));
    expect(toFloat32(a.modules[0]!.A)).not.toEqual(toFloat32(c.modules[0]!.A));
    const d1 = composeAdapters(ads, {
      weights: [1, 1],
      method: 'dare_ties_svd',
      density: 0.3,
      seed: 3,
      svdRank: 4,
    });
    const d2 = composeAdapters(ads, {
      weights: [1, 1],
      method: 'dare_ties_svd',
      density: 0.3,
      seed: 3,
      svdRank: 4,
    });
    expect(toFloat32(d1.modules[1]!.B)).toEqual(toFloat32(d2.modules[1]!.B));
  });

  test('dare_linear matches an independent replay of its seeded Bernoulli masks', () => {
    // One module, two adapters; the documented PRNG stream is consumed A₀, A₁, then B₀, B₁.
    const mods = [{ name: 'm', in: 6, out: 5 }];
    const ads = [
      randomAdapter(mods, { r: 2, lora_alpha: 4 }, 11),
      randomAdapter(mods, { r: 2, lora_alpha: 1 }, 12),
    ];
    const w = [0.5, 3];
    const density = 0.4;
    const out = composeAdapters(ads, { weights: w, method: 'dare_linear', density, seed: 99 });
    const rand = mulberry32(99);
    const replay = (key: 'A' | 'B') => {
      const masked = ads.map((a) =>
        toFloat32(a.modules[0]![key]).map((v) => (rand() < density ? v / density : 0)),
      );
      return masked[0]!.map((v, j) =>
        ads.reduce(
          (acc, a, i) => acc + Math.sqrt(w[i]! * a.modules[0]!.scaling) * (i === 0 ? v : masked[i]![j]!),
          0,
        ),
      );
    };
    const wantA = replay('A');
    const wantB = replay('B');
    expect(maxAbsDiff(toFloat32(out.modules[0]!.A), wantA)).toBeLessThan(1e-5);
    expect(maxAbsDiff(toFloat32(out.modules[0]!.B), wantB)).toBeLessThan(1e-5);
    expect(wantA.some((v) => v === 0)).toBe(true);
  });

  test('dare_linear with density 1 equals linear', () => {
    const ads = pair();
    const a = composeAdapters(ads, { weights: [1, 0.5], method: 'linear' });
    const b = composeAdapters(ads, { weights: [1, 0.5], method: 'dare_linear', density: 1 });
    expect(toFloat32(b.modules[0]!.A)).toEqual(toFloat32(a.modules[0]!.A));
  });

  test('TIES on a hand-checked case', () => {
    // Two r=1 adapters on a 1×4 module, scaling 1, weights 1 → √(w·s) = 1.
    const mk = (A: number[], B: number[]) =>
      createAdapter({
        config: { r: 1, lora_alpha: 1 },
        tensors: {
          'base_model.model.m.lora_A.weight': { dtype: 'F32', shape: [1, 4], data: Float32Array.from(A) },
          'base_model.model.m.lora_B.weight': { dtype: 'F32', shape: [1, 1], data: Float32Array.from(B) },
        },
      });
    const out = composeAdapters([mk([3, -1, 2, 0.5], [1]), mk([-1, -4, 1, 0.25], [-2])], {
      weights: [1, 1],
      method: 'ties',
      density: 0.5,
    });
    // density 0.5 keeps the 2 largest |x|: [3, 0, 2, 0] and [0, -4, 0, 0] (ties broken by index).
    // total signs: [3, -4, 2, 0] → majority [+, -, +, +]; disjoint mean: [3, -4, 2, 0].
    expect(Array.from(toFloat32(out.modules[0]!.A))).toEqual([3, -4, 2, 0]);
    // B: [1] and [-2], density 0.5 of one element keeps ⌊0.5⌋ = 0 entries → 0.
    expect(Array.from(toFloat32(out.modules[0]!.B))).toEqual([0]);
  });

  test('rsLoRA is refused unless folded, and folding uses alpha/√r', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 8, use_rslora: true }, 5);
    try {
      composeAdapters([a], { weights: [1], method: 'cat' });
      expect.unreachable();
    } catch (e) {
      expect(isAdapterError(e) && e.code).toBe('UNSUPPORTED_VARIANT');
    }
    const out = composeAdapters([a], { weights: [1], method: 'cat', foldRsLora: true });
    expect(out.config.use_rslora).toBe(false);
    expect(
      relErr(
        product(out, MODS[0]!.name),
        combined([a], MODS[0]!.name, () => 8 / 2),
      ),
    ).toBeLessThan(1e-5);
  });

  test('DoRA inputs are refused', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 8, use_dora: true }, 6);
    expect(() => composeAdapters([a], { weights: [1], method: 'svd' })).toThrow(/DoRA/);
  });

  test.each([
    [{ weights: [1] }, 'one finite weight'],
    [{ weights: [1, 1], method: 'ties' as const }, 'density'],
    [{ weights: [1, -1], method: 'linear' as const }, 'negative'],
  ])('rejects bad options %#', (opts, msg) => {
    expect(() => composeAdapters(pair(), opts)).toThrow(msg);
  });

  test('linear methods refuse adapters of different ranks', () => {
    const a = randomAdapter([MODS[0]!], { r: 4, lora_alpha: 8 }, 1);
    const b = randomAdapter([MODS[0]!], { r: 2, lora_alpha: 8 }, 2);
    expect(() => composeAdapters([a, b], { weights: [1, 1], method: 'linear' })).toThrow(/equal rank/);
  });

  test('a composed adapter saves and loads with scaling 1', async () => {
    const out = composeAdapters(pair(), { weights: [1, 1], method: 'cat' });
    const loaded = await loadAdapter({ files: (await saveAdapter(out)).files });
    expect(loaded.modules.every((m) => m.scaling === 1 && m.r === 8)).toBe(true);
    expect(maxAbsDiff(deltaWeight(loaded.modules[0]!), deltaWeight(out.modules[0]!))).toBe(0);
  });
});

describe('task arithmetic primitives', () => {
  test('magnitude prune keeps ⌊density·n⌋ largest magnitudes', () => {
    expect(Array.from(magnitudePrune(Float32Array.from([0.1, -5, 3, -0.2, 4]), 0.6))).toEqual([
      0, -5, 3, 0, 4,
    ]);
  });

  test('random prune keeps about density of entries, scaled by 1/density', () => {
    const t = new Float32Array(20000).fill(1);
    const out = randomPrune(t, 0.3, mulberry32(1));
    const kept = out.filter((x) => x !== 0);
    expect(kept.every((x) => Math.abs(x - 1 / 0.3) < 1e-6)).toBe(true);
    expect(kept.length / t.length).toBeGreaterThan(0.28);
    expect(kept.length / t.length).toBeLessThan(0.32);
  });

  test('sign election by frequency vs total', () => {
    const ts = [Float32Array.from([5]), Float32Array.from([-1]), Float32Array.from([-1])];
    expect(majoritySignMask(ts, 'total').map((m) => m[0])).toEqual([1, 0, 0]);
    expect(majoritySignMask(ts, 'frequency').map((m) => m[0])).toEqual([0, 1, 1]);
    expect(Array.from(disjointMerge(ts, majoritySignMask(ts, 'frequency')))).toEqual([-1]);
    expect(Array.from(ties(ts, [1, 2, 2], 1, 'frequency'))).toEqual([-2]);
  });
});
