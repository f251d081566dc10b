// lora-load: load a 64 MiB PEFT adapter from disk with loadAdapter vs fs.readFile of the same file alone
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '../src/adapter/createAdapter.js';
import { loadAdapter } from '../src/adapter/loadAdapter.js';
import { saveAdapter } from '../src/adapter/saveAdapter.js';
import { mulberry32 } from '../src/math/prng.js';
import type { Tensor } from '../src/safetensors/types.js';

// LLaMA-7B shapes: rank 16 on q/k/v/o of 32 layers, float32 → 64 MiB of weights.
const H = 4096;
const R = 16;
const rand = mulberry32(1);
const tensors: Record<string, Tensor> = {};
for (let l = 0; l < 32; l++)
  for (const m of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) {
    const base = `base_model.model.model.layers.${l}.self_attn.${m}`;
    tensors[`${base}.lora_A.weight`] = {
      dtype: 'F32',
      shape: [R, H],
      data: Float32Array.from({ length: R * H }, () => rand() - 0.5),
    };
    tensors[`${base}.lora_B.weight`] = {
      dtype: 'F32',
      shape: [H, R],
      data: Float32Array.from({ length: R * H }, () => rand() - 0.5),
    };
  }
const adapter = createAdapter({
  config: {
    r: R,
    lora_alpha: 32,
    target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
    base_model_name_or_path: 'meta-llama/Llama-2-7b-hf',
  },
  tensors,
});
const dir = await mkdtemp(join(tmpdir(), 'lora-load-'));
try {
  await saveAdapter(adapter, { dir });
  const file = join(dir, 'adapter_model.safetensors');
  const bytes = (await readFile(file)).length;
  console.error(`adapter: ${(bytes / 2 ** 20).toFixed(1)} MiB, ${adapter.modules.length} modules, in ${dir}`);
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < 12; i++) {
    // Alternate so both see the same page-cache and machine state.
    let t0 = performance.now();
    const buf = await readFile(file);
    ref.push(performance.now() - t0);
    if (buf.length !== bytes) throw new Error('short read');
    t0 = performance.now();
    const a = await loadAdapter(dir);
    ours.push(performance.now() - t0);
    if (a.modules.length !== 128) throw new Error('bad load');
    (globalThis as { gc?: () => void }).gc?.();
  }
  const med = (xs: number[]) => [...xs.slice(2)].sort((a, b) => a - b)[Math.floor((xs.length - 2) / 2)]!;
  const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
  console.error(
    `loadAdapter: ${med(ours).toFixed(1)} ms; fs.readFile: ${med(ref).toFixed(1)} ms (medians of 10)`,
  );
  const o = mbps(med(ours));
  const r = mbps(med(ref));
  console.log(
    JSON.stringify({
      name: 'lora-load',
      ours: { mb_per_s: Math.round(o) },
      reference: { name: 'fs.readFile alone', mb_per_s: Math.round(r) },
      ratio: Math.round((o / r) * 1000) / 1000,
      input: {
        bytes,
        modules: 128,
        rank: R,
        dtype: 'F32',
        source: 'seeded random LLaMA-7B q/k/v/o adapter written by saveAdapter',
      },
      node: process.version,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
