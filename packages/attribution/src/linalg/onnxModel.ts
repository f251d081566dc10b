/**
 * A one-node ONNX model, `Y = Gemm(A, B)` on float32 with symbolic dimensions m, n, k, written
 * as protobuf bytes directly (a few dozen bytes; no protobuf library). Field numbers are those
 * of onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto.
 */

const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
/** A varint field (wire type 0). */
const int = (field: number, v: number) => [...varint(field << 3), ...varint(v)];
/** A length-delimited field (wire type 2): bytes, a string or an embedded message. */
const bytes = (field: number, body: number[]) => [
  ...varint((field << 3) | 2),
  ...varint(body.length),
  ...body,
];
const text = (field: number, s: string) => bytes(field, Array.from(new TextEncoder().encode(s)));

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT

/** ValueInfoProto of a float tensor with named (symbolic) dimensions. */
function tensorInfo(name: string, dims: readonly string[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, text(2, d))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))]; // { name, type { tensor_type } }
}

/**
 * Bytes of the model `Y (m×n) = A (m×k) · op(B)`, with op(B) = Bᵀ for B n×k when `transB`
 * (Gemm's `transB = 1`), else B (k×n). IR version 7, opset 13: any onnxruntime since 1.6 loads it.
 */
export function gemmModel(transB: boolean): Uint8Array {
  const node = [
    ...text(1, 'A'),
    ...text(1, 'B'),
    ...text(2, 'Y'),
    ...text(3, 'gemm'),
    ...text(4, 'Gemm'),
    ...bytes(5, [...text(1, 'transB'), ...int(3, transB ? 1 : 0), ...int(20, ATTR_INT)]),
  ];
  const graph = [
    ...bytes(1, node),
    ...text(2, transB ? 'matmul_nt' : 'matmul_nn'),
    ...bytes(11, tensorInfo('A', ['m', 'k'])),
    ...bytes(11, tensorInfo('B', transB ? ['n', 'k'] : ['k', 'n'])),
    ...bytes(12, tensorInfo('Y', ['m', 'n'])),
  ];
  return Uint8Array.from([
    ...int(1, 7), // ir_version
    ...text(2, '@openledger/attribution'), // producer_name
    ...bytes(7, graph),
    ...bytes(8, int(2, 13)), // opset_import { domain: '', version: 13 }
  ]);
}
