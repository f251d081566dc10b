import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { encodeOnnxModel, type OnnxNode } from './encodeOnnxModel.js';

// protobuf.js's ONNX bindings are the independent decoder the bytes are checked against.
const { onnx } = onnxProto as unknown as typeof import('onnx-proto');
const num = (v: unknown) => Number(v);
interface DecodedValue {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } };
}
interface DecodedModel {
  opsetImport: { version: number }[];
  graph: {
    input: DecodedValue[];
    output: DecodedValue[];
    node: {
      opType: string;
      input: string[];
      output: string[];
      attribute: { name: string; i: number; f: number; s: number[]; ints: number[]; floats: number[] }[];
    }[];
    initializer: { dims: number[]; rawData: number[] }[];
  };
}
/** Decoded as plain objects: int64 as numbers, bytes as arrays, absent repeated fields as []. */
const decode = (bytes: Uint8Array) =>
  onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), {
    longs: Number,
    bytes: Array,
    defaults: true,
  }) as DecodedModel;

describe('encodeOnnxModel', () => {
  test('onnx-proto decodes exactly what was described, for random graphs', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_./]{0,12}$/);
    const dim = fc.oneof(fc.nat(5000), name);
    const attr = fc.oneof(
      fc.record({ int: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) }),
      fc.record({ float: fc.float({ noNaN: true }) }),
      fc.record({ string: fc.string() }),
      fc.record({ ints: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 5 }) }),
      fc.record({ floats: fc.array(fc.float({ noNaN: true }), { maxLength: 5 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, shape: fc.array(dim, { maxLength: 4 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            opType: name,
            inputs: fc.array(name, { maxLength: 3 }),
            outputs: fc.array(name, { minLength: 1, maxLength: 2 }),
            attributes: fc.dictionary(name, attr, { maxKeys: 3 }),
          }),
          { maxLength: 5 },
        ),
        fc.array(fc.float({ noNaN: true }), { maxLength: 12 }),
        fc.integer({ min: 7, max: 21 }),
        (inputs, nodes, values, opset) => {
          const bytes = encodeOnnxModel({
            inputs,
            outputs: [{ name: 'y', type: 'int64', shape: [1] }],
            nodes: nodes as OnnxNode[],
            initializers: [{ name: 'w', dims: [values.length], data: Float32Array.from(values) }],
            opset,
          });
          const m = decode(bytes);
          expect(num(m.opsetImport[0]!.version)).toBe(opset);
          const g = m.graph;
          expect(g.input.map((i) => i.name)).toEqual(inputs.map((i) => i.name));
          g.input.forEach((vi, k) => {
            const dims = vi.type.tensorType.shape.dim.map((d) => (d.dimParam ? d.dimParam : num(d.dimValue)));
            expect(dims).toEqual(inputs[k]!.shape);
            expect(vi.type.tensorType.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
          });
          expect(g.output[0]!.type.tensorType.elemType).toBe(onnx.TensorProto.DataType.INT64);
          expect(g.node.length).toBe(nodes.length);
          g.node.forEach((n, k) => {
            const want = nodes[k]!;
            expect(n.opType).toBe(want.opType);
            expect(n.input).toEqual(want.inputs);
            expect(n.output).toEqual(want.outputs);
            const attrs = Object.entries(want.attributes);
            expect(n.attribute.map((a) => a.name)).toEqual(attrs.map(([k]) => k));
            n.attribute.forEach((a, j) => {
              const v = attrs[j]![1];
              if ('int' in v) expect(num(a.i)).toBe(v.int);
              if ('float' in v) expect(a.f).toBe(Math.fround(v.float));
              if ('string' in v) expect(new TextDecoder().decode(Uint8Array.from(a.s))).toBe(v.string);
              if ('ints' in v) expect(a.ints.map(num)).toEqual(v.ints);
              if ('floats' in v) expect(a.floats).toEqual(v.floats.map(Math.fround));
            });
          });
          const t = g.initializer[0]!;
          expect(t.dims.map(num)).toEqual([values.length]);
          expect(Array.from(new Float32Array(Uint8Array.from(t.rawData).buffer))).toEqual(
            values.map(Math.fround),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test('runs in onnxruntime-node: Gemm(transB) with a stored weight, then Add and MatMul, against a plain loop', async () => {
    const [m, k, n] = [5, 7, 3];
    const rand = (len: number, seed: number) =>
      Float32Array.from({ length: len }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 2);
    const w = rand(n * k, 1); // [n, k], applied as x·wᵀ
    const bias = rand(n, 2);
    const bytes = encodeOnnxModel({
      inputs: [
        { name: 'x', shape: ['batch', k] },
        { name: 'p', shape: [n, 'q'] },
      ],
      outputs: [{ name: 'y', shape: ['batch', 'q'] }],
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['x', 'w'],
          outputs: ['h'],
          attributes: { transB: { int: 1 }, alpha: { float: 0.5 } },
        },
        { opType: 'Add', inputs: ['h', 'bias'], outputs: ['hb'] },
        { opType: 'MatMul', inputs: ['hb', 'p'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'w', dims: [n, k], data: w },
        { name: 'bias', dims: [n], data: bias },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    const x = rand(m * k, 3);
    const q = 4;
    const p = rand(n * q, 4);
    const out = await session.run({
      x: new ort.Tensor('float32', x, [m, k]),
      p: new ort.Tensor('float32', p, [n, q]),
    });
    const y = out.y!.data as Float32Array;
    expect(out.y!.dims).toEqual([m, q]);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < q; j++) {
        let want = 0;
        for (let c = 0; c < n; c++) {
          let h = 0;
          for (let t = 0; t < k; t++) h += x[i * k + t]! * w[c * k + t]!;
          want += (0.5 * h + bias[c]!) * p[c * q + j]!;
        }
        expect(y[i * q + j]!).toBeCloseTo(want, 4);
      }
    await session.release();
  });

  test('refuses initializers whose dims do not match their data, and bad dimensions', () => {
    const base = { inputs: [], outputs: [], nodes: [] };
    expect(() =>
      encodeOnnxModel({ ...base, initializers: [{ name: 'w', dims: [2, 3], data: new Float32Array(5) }] }),
    ).toThrow(/dims \[2, 3\] do not match 5 values/);
    expect(() => encodeOnnxModel({ ...base, inputs: [{ name: 'x', shape: [-1] }] })).toThrow(/dimension/);
    expect(() => encodeOnnxModel({ ...base, inputs: [{ name: 'x', shape: [1.5] }] })).toThrow(/dimension/);
  });
});
