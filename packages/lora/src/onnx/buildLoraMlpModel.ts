import { encodeOnnxModel, type OnnxNode, type OnnxValueInfo } from '@openledger/core';

/** One linear layer of {@link buildLoraMlpModel}: its module name, sizes and base weight ([out, in], row-major). */
export interface LoraMlpLayer {
  name: string;
  in: number;
  out: number;
  weight: Float32Array;
}

/** Options of {@link buildLoraMlpModel}. */
export interface BuildLoraMlpModelOptions {
  /**
   * How base weights are stored: `'out_in'` (default; PyTorch's layout, applied by Gemm with
   * transB) or `'in_out'` (transposed, applied by MatMul, as many nn.Linear ONNX exports do).
   */
  weightLayout?: 'out_in' | 'in_out';
}

/**
 * Build an ONNX MLP in the layout {@link createLoraSession} expects: every linear layer is
 * y = x·Wᵀ + ((x·Aᵀ)·Bᵀ)·s, where W is the initializer `<module>.weight` and the LoRA factors are
 * graph inputs `<module>.lora_A` ([r, in]), `<module>.lora_B` ([out, r]) and
 * `<module>.lora_scale` ([1]), with ReLU between layers; input `x` is [tokens, in], output `y`.
 * A reference for exporting your own base model with switchable adapters, and a small real
 * model for tests and demos.
 *
 * @example
 * import { buildLoraMlpModel } from '@openledger/lora/onnx';
 * const model = buildLoraMlpModel([
 *   { name: 'layers.0.proj', in: 16, out: 8, weight: new Float32Array(8 * 16) },
 *   { name: 'layers.1.proj', in: 8, out: 2, weight: new Float32Array(2 * 8) },
 * ]);
 * // const session = await createLoraSession(ort, model, { modules: [...] });
 */
export function buildLoraMlpModel(
  layers: readonly LoraMlpLayer[],
  opts: BuildLoraMlpModelOptions = {},
): Uint8Array {
  if (layers.length === 0) throw new RangeError('buildLoraMlpModel needs at least one layer.');
  const inOut = opts.weightLayout === 'in_out';
  const nodes: OnnxNode[] = [];
  const inputs: OnnxValueInfo[] = [{ name: 'x', shape: ['tokens', layers[0]!.in] }];
  const initializers = [];
  const transB = { transB: { int: 1 } };
  let cur = 'x';
  for (const [i, l] of layers.entries()) {
    if (l.weight.length !== l.in * l.out)
      throw new RangeError(`Layer ${l.name}: weight has ${l.weight.length} values, not ${l.out}×${l.in}.`);
    const p = l.name;
    inputs.push(
      { name: `${p}.lora_A`, shape: [`r_${i}`, l.in] },
      { name: `${p}.lora_B`, shape: [l.out, `r_${i}`] },
      { name: `${p}.lora_scale`, shape: [1] },
    );
    initializers.push({
      name: `${p}.weight`,
      dims: inOut ? [l.in, l.out] : [l.out, l.in],
      data: inOut ? transpose(l.weight, l.out, l.in) : l.weight,
    });
    nodes.push(
      inOut
        ? { opType: 'MatMul', inputs: [cur, `${p}.weight`], outputs: [`${p}/base`] }
        : { opType: 'Gemm', inputs: [cur, `${p}.weight`], outputs: [`${p}/base`], attributes: transB },
      { opType: 'Gemm', inputs: [cur, `${p}.lora_A`], outputs: [`${p}/xa`], attributes: transB },
      { opType: 'Gemm', inputs: [`${p}/xa`, `${p}.lora_B`], outputs: [`${p}/xab`], attributes: transB },
      { opType: 'Mul', inputs: [`${p}/xab`, `${p}.lora_scale`], outputs: [`${p}/delta`] },
      { opType: 'Add', inputs: [`${p}/base`, `${p}/delta`], outputs: [`${p}/out`] },
    );
    cur = `${p}/out`;
    if (i < layers.length - 1) {
      nodes.push({ opType: 'Relu', inputs: [cur], outputs: [`${p}/relu`] });
      cur = `${p}/relu`;
    }
  }
  nodes.push({ opType: 'Identity', inputs: [cur], outputs: ['y'] });
  return encodeOnnxModel({
    graphName: 'lora_mlp',
    producerName: '@openledger/lora',
    inputs,
    outputs: [{ name: 'y', shape: ['tokens', layers.at(-1)!.out] }],
    nodes,
    initializers,
    opset: 17,
  });
}

/** [rows, cols] → [cols, rows]. */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}
