/** A one-node ONNX MatMul graph (Y = X·W, both inputs), written with onnx-proto, for reference timings. */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto as unknown as typeof import('onnx-proto');

export function matmulModel(m: number, k: number, n: number): Uint8Array {
  const vi = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })),
          }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'matmul',
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['X', 'W'], output: ['Y'] })],
    input: [vi('X', [m, k]), vi('W', [k, n])],
    output: [vi('Y', [m, n])],
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
      graph,
    }),
  ).finish();
}
