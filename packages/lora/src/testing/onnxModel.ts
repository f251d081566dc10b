/**
 * Builds small ONNX graphs with LoRA inputs for tests and benchmarks, with onnx-proto: an MLP
 * whose every linear layer is y = x·Wᵀ + ((x·Aᵀ)·Bᵀ)·s, where W is an initializer named
 * `<module>.weight` ([out, in], as PyTorch stores it) and A, B, s are graph inputs
 * `<module>.lora_A` ([r, in]), `<module>.lora_B` ([out, r]) and `<module>.lora_scale` ([1]).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto as unknown as typeof import('onnx-proto');

export interface LinearSpec {
  name: string;
  in: number;
  out: number;
  weight: Float32Array;
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function transB() {
  return [onnx.AttributeProto.create({ name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT })];
}

/**
 * A stack of LoRA-adapted linear layers with ReLU between them; input `x` [tokens, in], output `y`.
 * With `weightLayout: 'in_out'` the base weights are stored transposed ([in, out]) and applied
 * with MatMul, as PyTorch's ONNX export of nn.Linear often does.
 */
export function buildLoraMlp(
  layers: LinearSpec[],
  opts: { weightLayout?: 'out_in' | 'in_out' } = {},
): Uint8Array {
  const inOut = opts.weightLayout === 'in_out';
  const nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  const inputs = [valueInfo('x', ['tokens', layers[0]!.in])];
  const initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  let cur = 'x';
  layers.forEach((l, i) => {
    const p = l.name;
    inputs.push(
      valueInfo(`${p}.lora_A`, [`r_${i}`, l.in]),
      valueInfo(`${p}.lora_B`, [l.out, `r_${i}`]),
      valueInfo(`${p}.lora_scale`, [1]),
    );
    const w = transposeIf(inOut, l);
    initializers.push(
      onnx.TensorProto.create({
        name: `${p}.weight`,
        dims: inOut ? [l.in, l.out] : [l.out, l.in],
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(w.buffer, w.byteOffset, w.byteLength),
      }),
    );
    nodes.push(
      inOut
        ? onnx.NodeProto.create({ opType: 'MatMul', input: [cur, `${p}.weight`], output: [`${p}/base`] })
        : onnx.NodeProto.create({
            opType: 'Gemm',
            input: [cur, `${p}.weight`],
            output: [`${p}/base`],
            attribute: transB(),
          }),
      onnx.NodeProto.create({
        opType: 'Gemm',
        input: [cur, `${p}.lora_A`],
        output: [`${p}/xa`],
        attribute: transB(),
      }),
      onnx.NodeProto.create({
        opType: 'Gemm',
        input: [`${p}/xa`, `${p}.lora_B`],
        output: [`${p}/xab`],
        attribute: transB(),
      }),
      onnx.NodeProto.create({
        opType: 'Mul',
        input: [`${p}/xab`, `${p}.lora_scale`],
        output: [`${p}/delta`],
      }),
      onnx.NodeProto.create({ opType: 'Add', input: [`${p}/base`, `${p}/delta`], output: [`${p}/out`] }),
    );
    cur = `${p}/out`;
    if (i < layers.length - 1) {
      nodes.push(onnx.NodeProto.create({ opType: 'Relu', input: [cur], output: [`${p}/relu`] }));
      cur = `${p}/relu`;
    }
  });
  nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [cur], output: ['y'] }));
  const graph = onnx.GraphProto.create({
    name: 'lora_mlp',
    node: nodes,
    input: inputs,
    output: [valueInfo('y', ['tokens', layers[layers.length - 1]!.out])],
    initializer: initializers,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    producerName: 'openledger-lora-tests',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

function transposeIf(inOut: boolean, l: LinearSpec): Float32Array {
  if (!inOut) return Float32Array.from(l.weight);
  const t = new Float32Array(l.in * l.out);
  for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) t[i * l.out + o] = l.weight[o * l.in + i]!;
  return t;
}
