import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import { matmulNN, matmulNT } from './matmul.js';
import { matmulNTSimd } from './matmulSimd.js';
import { createOnnxMatmul } from './onnxMatmul.js';
import { gemmModel } from './onnxModel.js';

const { onnx } = onnxProto as unknown as typeof import('onnx-proto');
type ValueInfo = import('onnx-proto').onnx.IValueInfoProto;

function rand(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** Float64 reference: alpha·A·op(B) + beta·C0. */
function reference(
  m: number,
  n: number,
  k: number,
  A: Float32Array,
  B: Float32Array,
  C0: Float64Array,
  alpha: number,
  beta: number,
  transB: boolean,
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p]! * B[transB ? j * k + p : p * n + j]!;
      C[i * n + j] = alpha * s + beta * C0[i * n + j]!;
    }
  return C;
}

const engine = createOnnxMatmul(ort, { sessionOptions: { intraOpNumThreads: 1 } });
afterAll(() => engine.release());

describe('gemmModel', () => {
  test('is a one-node Gemm over float tensors with symbolic m, n, k, as onnx.proto decodes it', () => {
    for (const transB of [true, false]) {
      const model = onnx.ModelProto.decode(gemmModel(transB));
      expect(Number(model.irVersion)).toBe(7);
      expect(model.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])).toEqual([['', 13]]);
      const g = model.graph!;
      expect(g.node).toHaveLength(1);
      const node = g.node![0]!;
      expect(node.opType).toBe('Gemm');
      expect(node.input).toEqual(['A', 'B']);
      expect(node.output).toEqual(['Y']);
      expect(node.attribute!.map((a) => [a.name, a.type, Number(a.i)])).toEqual([
        ['transB', onnx.AttributeProto.AttributeType.INT, transB ? 1 : 0],
      ]);
      const dims = (v: ValueInfo) => {
        expect(v.type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
        return v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam);
      };
      expect(g.input!.map((v) => [v.name, dims(v)])).toEqual([
        ['A', ['m', 'k']],
        ['B', transB ? ['n', 'k'] : ['k', 'n']],
      ]);
      expect(g.output!.map((v) => [v.name, dims(v)])).toEqual([['Y', ['m', 'n']]]);
    }
  });
});

describe('createOnnxMatmul (onnxruntime-node)', () => {
  const shapes = fc.record({
    m: fc.integer({ min: 1, max: 9 }),
    n: fc.integer({ min: 1, max: 70 }),
    k: fc.integer({ min: 1, max: 700 }),
    alpha: fc.constantFrom(1, -1.5, 0.25),
    beta: fc.constantFrom(0, 1, 2),
    seed: fc.integer(),
  });

  test('A·Bᵀ equals the WebAssembly kernel and the float64 product on random shapes', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async ({ m, n, k, alpha, beta, seed }) => {
        const r = rand(seed);
        const A = Float32Array.from({ length: m * k }, r);
        const B = Float32Array.from({ length: n * k }, r);
        const C0 = Float64Array.from({ length: m * n }, r);
        const ref = reference(m, n, k, A, B, C0, alpha, beta, true);
        const viaOrt = Float64Array.from(C0);
        await engine.matmulNT(m, n, k, A, B, viaOrt, alpha, beta);
        const viaWasm = Float64Array.from(C0);
        expect(matmulNTSimd(m, n, k, A, B, viaWasm, alpha, beta)).toBe(true);
        const tol = 1e-4 * Math.sqrt(k) * Math.abs(alpha) + 1e-9;
        for (let i = 0; i < m * n; i++) {
          expect(Math.abs(viaOrt[i]! - ref[i]!)).toBeLessThan(tol);
          expect(Math.abs(viaOrt[i]! - viaWasm[i]!)).toBeLessThan(tol);
        }
      }),
      { numRuns: 30 },
    );
  });

  test('A·B equals the float64 product, into Float32 and Float64 outputs', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, async ({ m, n, k, alpha, beta, seed }) => {
        const r = rand(seed);
        const A = Float32Array.from({ length: m * k }, r);
        const B = Float32Array.from({ length: k * n }, r);
        const C0 = Float64Array.from({ length: m * n }, r);
        const ref = reference(m, n, k, A, B, C0, alpha, beta, false);
        const c64 = Float64Array.from(C0);
        await engine.matmulNN(m, n, k, A, B, c64, alpha, beta);
        const c32 = Float32Array.from(C0);
        await engine.matmulNN(m, n, k, A, B, c32, alpha, beta);
        const js = Float64Array.from(C0);
        matmulNN(m, n, k, A, B, js, alpha, beta);
        const tol = 1e-4 * Math.sqrt(k) * Math.abs(alpha) + 1e-5 * Math.abs(beta) * 4;
        for (let i = 0; i < m * n; i++) {
          expect(Math.abs(c64[i]! - ref[i]!)).toBeLessThan(tol);
          expect(Math.abs(c32[i]! - ref[i]!)).toBeLessThan(tol);
          expect(Math.abs(js[i]! - ref[i]!)).toBeLessThan(tol);
        }
      }),
      { numRuns: 20 },
    );
  });

  test('edge sizes: empty products, k = 0, a single element, views into larger buffers, odd large shapes', async () => {
    const C = Float64Array.of(5, 6);
    await engine.matmulNT(0, 2, 3, new Float32Array(0), new Float32Array(6), C);
    expect([...C]).toEqual([5, 6]);
    await engine.matmulNT(1, 2, 0, new Float32Array(0), new Float32Array(0), C, 1, 0.5);
    expect([...C]).toEqual([2.5, 3]);
    await engine.matmulNT(1, 2, 0, new Float32Array(0), new Float32Array(0), C);
    expect([...C]).toEqual([0, 0]);
    const one = new Float64Array(1);
    await engine.matmulNT(1, 1, 1, Float32Array.of(3), Float32Array.of(-2), one);
    expect(one[0]).toBe(-6);
    // Operands that are windows of bigger arrays (as tracIn passes blocks of training rows).
    const r = rand(3);
    const big = Float32Array.from({ length: 50 * 33 }, r);
    const A = big.subarray(33 * 7, 33 * 12); // rows 7..11
    const B = big.subarray(33 * 20, 33 * 49); // rows 20..48
    const out = new Float64Array(5 * 29);
    await engine.matmulNT(5, 29, 33, A, B, out);
    const ref = reference(5, 29, 33, A, B, new Float64Array(5 * 29), 1, 0, true);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 4);
    // Shapes around the WebAssembly kernel's tiles and chunks.
    for (const [m, n, k] of [
      [257, 3, 5],
      [5, 1027, 9],
      [3, 5, 2051],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, r);
      const b = Float32Array.from({ length: n * k }, r);
      const viaOrt = new Float64Array(m * n);
      const viaWasm = new Float64Array(m * n);
      await engine.matmulNT(m, n, k, a, b, viaOrt);
      matmulNT(m, n, k, a, b, viaWasm);
      const want = reference(m, n, k, a, b, new Float64Array(m * n), 1, 0, true);
      for (let i = 0; i < m * n; i++) {
        expect(Math.abs(viaOrt[i]! - want[i]!)).toBeLessThan(1e-4 * Math.sqrt(k));
        expect(Math.abs(viaWasm[i]! - want[i]!)).toBeLessThan(1e-4 * Math.sqrt(k));
      }
    }
  });

  test('release() closes the sessions; the next product opens them again', async () => {
    const e = createOnnxMatmul(ort);
    const C = new Float32Array(1);
    await e.matmulNT(1, 1, 2, Float32Array.of(1, 2), Float32Array.of(3, 4), C);
    await e.release();
    await e.matmulNT(1, 1, 2, Float32Array.of(1, 2), Float32Array.of(3, 4), C, 1, 1);
    expect(C[0]).toBe(22);
    await e.release();
  });
});

describe('createOnnxMatmul with onnxruntime-web (the browser build, on its WebAssembly backend)', () => {
  test('A·Bᵀ and A·B equal the float64 product', async () => {
    const web = await import('onnxruntime-web');
    web.env.wasm.numThreads = 1;
    const webEngine = createOnnxMatmul(web);
    try {
      for (const [m, n, k, seed] of [
        [3, 5, 7, 1],
        [17, 33, 129, 2],
        [1, 64, 1000, 3],
      ] as const) {
        const r = rand(seed);
        const A = Float32Array.from({ length: m * k }, r);
        const B = Float32Array.from({ length: n * k }, r);
        const C0 = Float64Array.from({ length: m * n }, r);
        const tol = 1e-4 * Math.sqrt(k) + 1e-9;
        const nt = Float64Array.from(C0);
        await webEngine.matmulNT(m, n, k, A, B, nt, 0.5, 2);
        const wantNT = reference(m, n, k, A, B, C0, 0.5, 2, true);
        for (let i = 0; i < m * n; i++) expect(Math.abs(nt[i]! - wantNT[i]!)).toBeLessThan(tol);
        const nn = new Float32Array(m * n);
        await webEngine.matmulNN!(m, n, k, A, B, nn);
        const wantNN = reference(m, n, k, A, B, new Float64Array(m * n), 1, 0, false);
        for (let i = 0; i < m * n; i++) expect(Math.abs(nn[i]! - wantNN[i]!)).toBeLessThan(tol);
      }
    } finally {
      await webEngine.release();
    }
  });
});
