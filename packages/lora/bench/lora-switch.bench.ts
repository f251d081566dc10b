// lora-switch: switch adapters in a live onnxruntime-web session (wasm, 1 thread), p50 ms per switch
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-web';
import { createAdapter } from '../src/adapter/createAdapter.js';
import type { LoraAdapter } from '../src/adapter/types.js';
import { mulberry32 } from '../src/math/prng.js';
import { buildLoraMlpModel } from '../src/onnx/buildLoraMlpModel.js';
import { createLoraSession } from '../src/onnx/createLoraSession.js';
import type { Tensor } from '../src/safetensors/types.js';

ort.env.wasm.numThreads = 1;
const D = 1024;
const LAYERS = 4;
const R = 16;
const rand = mulberry32(3);
const rnd = (n: number, s = 0.05) => Float32Array.from({ length: n }, () => (rand() - 0.5) * s);
const layers = Array.from({ length: LAYERS }, (_, i) => ({
  name: `layers.${i}.mlp`,
  in: D,
  out: D,
  weight: rnd(D * D),
}));
const model = buildLoraMlpModel(layers);

function adapter(seed: number): LoraAdapter {
  const r2 = mulberry32(seed);
  const t: Record<string, Tensor> = {};
  for (const l of layers) {
    t[`base_model.model.${l.name}.lora_A.weight`] = {
      dtype: 'F32',
      shape: [R, D],
      data: Float32Array.from({ length: R * D }, () => r2() - 0.5),
    };
    t[`base_model.model.${l.name}.lora_B.weight`] = {
      dtype: 'F32',
      shape: [D, R],
      data: Float32Array.from({ length: R * D }, () => r2() - 0.5),
    };
  }
  return createAdapter({ config: { r: R, lora_alpha: 32 }, tensors: t });
}

const pool = Array.from({ length: 16 }, (_, i) => adapter(100 + i));
const lora = await createLoraSession(model, { ort });
const x = { x: new ort.Tensor('float32', rnd(D, 1), [1, D]) };
for (let i = 0; i < 5; i++) {
  lora.setAdapter(pool[i % pool.length]!);
  await lora.run(x);
}
const switchMs: number[] = [];
const runMs: number[] = [];
const N = 400;
for (let i = 0; i < N; i++) {
  // A fresh adapter object each time, so no feed cache helps: the switch builds the graph
  // inputs for 4 modules (views of the adapter's weights) and the next run uses them.
  const src = pool[i % pool.length]!;
  const next: LoraAdapter = { ...src, modules: src.modules.map((m) => ({ ...m })) };
  const t0 = performance.now();
  lora.setAdapter(next);
  const t1 = performance.now();
  await lora.run(x);
  const t2 = performance.now();
  switchMs.push(t1 - t0);
  runMs.push(t2 - t1);
}
await lora.release();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
console.error(
  `switch p50 ${pct(switchMs, 0.5).toFixed(4)} ms, p99 ${pct(switchMs, 0.99).toFixed(4)} ms; run p50 ${pct(runMs, 0.5).toFixed(3)} ms`,
);
console.log(
  JSON.stringify({
    name: 'lora-switch',
    ours: {
      p50_ms: Math.round(pct(switchMs, 0.5) * 1e4) / 1e4,
      p99_ms: Math.round(pct(switchMs, 0.99) * 1e4) / 1e4,
      run_p50_ms: Math.round(pct(runMs, 0.5) * 1e3) / 1e3,
    },
    input: {
      hidden: D,
      layers: LAYERS,
      rank: R,
      adapters: pool.length,
      switches: N,
      backend: 'onnxruntime-web wasm, 1 thread',
      tokens: 1,
    },
    node: process.version,
  }),
);
