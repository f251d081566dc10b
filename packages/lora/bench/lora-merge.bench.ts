// lora-merge: ΔW = B·A (4096×16 · 16×4096) and a 32-layer q/v adapter, GFLOP/s vs onnxruntime-node MatMul (1 thread)
import { performance } from 'node:perf_hooks';
import * as ortNode from 'onnxruntime-node';
import { lowRankProduct } from '../src/math/gemm.js';
import { mulberry32 } from '../src/math/prng.js';
import { matmulModel } from './onnxMatmul.js';

const M = 4096;
const R = 16;
const N = 4096;
const flops = 2 * M * R * N;

function random(len: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = rand() - 0.5;
  return a;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const B = random(M * R, 1);
const A = random(R * N, 2);
const out = new Float32Array(M * N);

// Ours.
for (let i = 0; i < 3; i++) lowRankProduct(B, A, M, R, N, 1, out);
const oursTimes: number[] = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  lowRankProduct(B, A, M, R, N, 1, out);
  oursTimes.push(performance.now() - t0);
}
const oursMs = median(oursTimes);
console.error(`ours: ${oursMs.toFixed(2)} ms per ΔW`);

// Reference: onnxruntime-node MatMul, one thread, output preallocated like ours.
const session = await ortNode.InferenceSession.create(matmulModel(M, R, N), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
});
const feeds = { X: new ortNode.Tensor('float32', B, [M, R]), W: new ortNode.Tensor('float32', A, [R, N]) };
const refOut = new ortNode.Tensor('float32', new Float32Array(M * N), [M, N]);
for (let i = 0; i < 3; i++) await session.run(feeds, { Y: refOut });
const refTimes: number[] = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  await session.run(feeds, { Y: refOut });
  refTimes.push(performance.now() - t0);
}
const refMs = median(refTimes);
console.error(`onnxruntime-node MatMul: ${refMs.toFixed(2)} ms per ΔW`);
let maxDiff = 0;
const refData = refOut.data as Float32Array;
for (let i = 0; i < out.length; i += 997) maxDiff = Math.max(maxDiff, Math.abs(refData[i]! - out[i]!));
console.error(`max |ours - ort| on a sample: ${maxDiff.toExponential(2)}`);
await session.release();

// A whole 32-layer adapter on q_proj and v_proj (PEFT's default targets for LLaMA-7B): 64 deltas.
const layers: { B: Float32Array; A: Float32Array }[] = [];
for (let l = 0; l < 64; l++) layers.push({ B: random(M * R, 10 + l), A: random(R * N, 100 + l) });
const t0 = performance.now();
for (const { B: b, A: a } of layers) lowRankProduct(b, a, M, R, N, 2, out);
const seconds32 = (performance.now() - t0) / 1000;
console.error(`32 layers × (q_proj, v_proj): ${seconds32.toFixed(2)} s`);

const ours = flops / (oursMs / 1000) / 1e9;
const ref = flops / (refMs / 1000) / 1e9;
console.log(
  JSON.stringify({
    name: 'lora-merge',
    ours: { gflops: Math.round(ours * 100) / 100, seconds_32_layers: Math.round(seconds32 * 100) / 100 },
    reference: { name: 'onnxruntime-node MatMul, 1 thread', gflops: Math.round(ref * 100) / 100 },
    ratio: Math.round((ours / ref) * 1000) / 1000,
    input: {
      m: M,
      r: R,
      n: N,
      layers: 32,
      modules: ['q_proj', 'v_proj'],
      source: 'seeded uniform random factors',
    },
    node: process.version,
  }),
);
