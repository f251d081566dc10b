import { AbortError } from '@openledger/core';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import type { MatmulEngine } from '../linalg/engine.js';
import { matmulNT } from '../linalg/matmul.js';
import { createOnnxMatmul } from '../linalg/onnxMatmul.js';
import { dataInf } from './dataInf.js';
import { InfluenceError } from './errors.js';
import type { InfluenceProgress } from './progress.js';
import { tracIn } from './tracIn.js';
import type { GradientMatrix, InfluenceResult } from './types.js';

function rng(seed: number) {
  let s = seed >>> 0 || 7;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
const mat = (rows: number, cols: number, r: () => number, F32 = true): GradientMatrix => ({
  rows,
  cols,
  data: F32 ? Float32Array.from({ length: rows * cols }, r) : Float64Array.from({ length: rows * cols }, r),
});
const close = (a: InfluenceResult, b: InfluenceResult, tol: number) => {
  expect(a.scores.length).toBe(b.scores.length);
  let scale = 0;
  for (const v of b.scores) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.scores.length; i++)
    expect(Math.abs(a.scores[i]! - b.scores[i]!)).toBeLessThan(tol * scale);
  expect(a.top.map((r) => r.map((s) => s.index))).toEqual(b.top.map((r) => r.map((s) => s.index)));
};

const onnx = createOnnxMatmul(ort, { sessionOptions: { intraOpNumThreads: 1 } });
afterAll(() => onnx.release());

/** The built-in kernel behind the engine interface, counting its calls; optionally A·Bᵀ only. */
function counting(withNN: boolean) {
  const calls: string[] = [];
  const engine: MatmulEngine = {
    name: 'counting',
    async matmulNT(m, n, k, A, B, C, alpha, beta) {
      calls.push('NT');
      await Promise.resolve();
      matmulNT(m, n, k, A, B, C, alpha, beta);
    },
    ...(withNN
      ? {
          matmulNN(
            m: number,
            n: number,
            k: number,
            A: Float32Array,
            B: Float32Array,
            C,
            alpha = 1,
            beta = 0,
          ) {
            calls.push('NN');
            const Bt = new Float32Array(n * k);
            for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j]!;
            matmulNT(m, n, k, A, Bt, C, alpha, beta);
          },
        }
      : {}),
  };
  return { engine, calls };
}

describe('tracIn and dataInf on an engine', () => {
  const r = rng(5);
  const cks = [0.5, 0.2].map((learningRate) => ({
    learningRate,
    train: mat(301, 97, r),
    test: mat(7, 97, r),
  }));
  const layers = [
    { name: 'q', train: mat(211, 64, r), test: mat(9, 64, r) },
    { name: 'v', train: mat(211, 33, r), test: mat(9, 33, r) },
  ];

  test('return a promise of the same scores as the built-in path (onnxruntime-node)', async () => {
    const sync = tracIn({ checkpoints: cks, blockRows: 64, selfInfluence: true });
    const pending = tracIn({ checkpoints: cks, blockRows: 64, selfInfluence: true, engine: onnx });
    expect(pending).toBeInstanceOf(Promise);
    const viaOrt = await pending;
    close(viaOrt, sync, 1e-5);
    expect(Array.from(viaOrt.selfInfluence!)).toEqual(Array.from(sync.selfInfluence!));
    close(await dataInf({ layers, engine: onnx }), dataInf({ layers }), 1e-4);
  });

  test('dataInf uses the engine for all three products, transposing for A·B when it has no matmulNN', async () => {
    const want = dataInf({ layers });
    for (const withNN of [true, false]) {
      const { engine, calls } = counting(withNN);
      close(await dataInf({ layers, engine }), want, 1e-5);
      expect(calls).toEqual(
        withNN ? ['NT', 'NN', 'NT', 'NT', 'NN', 'NT'] : ['NT', 'NT', 'NT', 'NT', 'NT', 'NT'],
      );
    }
  });

  test('Float64 gradients stay on the built-in double-precision path', async () => {
    const { engine, calls } = counting(true);
    const c64 = [{ learningRate: 1, train: mat(30, 5, r, false), test: mat(2, 5, r, false) }];
    const res = await tracIn({ checkpoints: c64, engine });
    expect(calls).toEqual([]);
    expect(Array.from(res.scores)).toEqual(Array.from(tracIn({ checkpoints: c64 }).scores));
  });

  test('report the same progress as the built-in path', async () => {
    const seen = (into: InfluenceProgress[]) => (p: InfluenceProgress) => void into.push(p);
    const a: InfluenceProgress[] = [];
    const b: InfluenceProgress[] = [];
    tracIn({ checkpoints: cks, blockRows: 100, onProgress: seen(a) });
    await tracIn({ checkpoints: cks, blockRows: 100, onProgress: seen(b), engine: onnx });
    expect(b).toEqual(a);
    expect(b.at(-1)).toEqual({ phase: 'scores', done: 602, total: 602 });
    const c: InfluenceProgress[] = [];
    await dataInf({ layers, onProgress: seen(c), engine: onnx });
    expect(c.map((p) => `${p.phase} ${p.done}/${p.total}`)).toEqual([
      'layer 0 1/3',
      'layer 0 2/3',
      'layer 0 3/3',
      'layer 1 1/3',
      'layer 1 2/3',
      'layer 1 3/3',
    ]);
  });

  test('stop on the signal, also while a product is running, and reject with AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(tracIn({ checkpoints: cks, signal: ac.signal, engine: onnx })).rejects.toBeInstanceOf(
      AbortError,
    );

    // Aborted from progress after the first block: no further products.
    const { engine, calls } = counting(true);
    const ac2 = new AbortController();
    const run = tracIn({
      checkpoints: cks,
      blockRows: 50,
      signal: ac2.signal,
      engine,
      onProgress: () => ac2.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(calls).toEqual(['NT']);

    // Aborted while the engine is busy: the result of that product is dropped.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: MatmulEngine = {
      name: 'slow',
      async matmulNT(m, n, k, A, B, C, alpha, beta) {
        await gate;
        matmulNT(m, n, k, A, B, C, alpha, beta);
      },
    };
    const ac3 = new AbortController();
    const pending = dataInf({ layers, signal: ac3.signal, engine: slow });
    ac3.abort(new Error('user cancelled'));
    release();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error('user cancelled'));
  });

  test('invalid input rejects the promise instead of throwing', async () => {
    const bad = tracIn({ checkpoints: [], engine: onnx });
    await expect(bad).rejects.toBeInstanceOf(InfluenceError);
    await expect(dataInf({ layers: [], engine: onnx })).rejects.toThrow(/at least one layer/);
  });
});
