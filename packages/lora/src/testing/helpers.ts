/** Test-only helpers: seeded random adapters and naive reference math. Not part of the package. */
import { type CreateAdapterParameters, createAdapter } from '../adapter/createAdapter.js';
import type { LoraAdapter } from '../adapter/types.js';
import { mulberry32 } from '../math/prng.js';
import type { Tensor } from '../safetensors/types.js';

export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (rand() * 2 - 1) * scale;
  return out;
}

export interface ModuleSpec {
  name: string;
  in: number;
  out: number;
  r?: number;
  embedding?: boolean;
}

export function randomAdapter(
  modules: ModuleSpec[],
  config: CreateAdapterParameters['config'],
  seed: number,
  extra: Partial<CreateAdapterParameters> = {},
): LoraAdapter {
  const tensors: Record<string, Tensor> = {};
  const r0 = config.r ?? 8;
  modules.forEach((m, i) => {
    const r = m.r ?? r0;
    const base = `base_model.model.${m.name}`;
    const A = { dtype: 'F32' as const, shape: [r, m.in], data: randomMatrix(r, m.in, seed * 1000 + i * 2) };
    const B = {
      dtype: 'F32' as const,
      shape: [m.out, r],
      data: randomMatrix(m.out, r, seed * 1000 + i * 2 + 1),
    };
    if (m.embedding) {
      tensors[`${base}.lora_embedding_A`] = A;
      tensors[`${base}.lora_embedding_B`] = B;
    } else {
      tensors[`${base}.lora_A.weight`] = A;
      tensors[`${base}.lora_B.weight`] = B;
    }
    if (config.use_dora && !m.embedding)
      tensors[`${base}.lora_magnitude_vector`] = {
        dtype: 'F32',
        shape: [m.out],
        data: randomMatrix(1, m.out, seed * 1000 + i * 2 + 7).map((x) => 1 + Math.abs(x)),
      };
  });
  return createAdapter({ config, tensors, ...extra });
}

/** Naive triple loop in float64: C = X (m×k) · Y (k×n). */
export function naiveMatmul(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += X[i * k + p]! * Y[p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! ** 2;
  return Math.sqrt(s);
}
