import { ValidationError } from '../errors/errors.js';

/** Element types {@link encodeOnnxModel} writes (ONNX `TensorProto.DataType` codes 1, 6, 7, 11). */
export type OnnxElementType = 'float32' | 'int32' | 'int64' | 'float64';

/** A graph input or output: name, element type (default `float32`) and shape; strings are symbolic dimensions. */
export interface OnnxValueInfo {
  name: string;
  type?: OnnxElementType;
  shape: readonly (number | string)[];
}

/** A constant tensor stored in the model (row-major). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array;
}

/** An attribute value: an integer, a float, a string, or a list of integers or floats. */
export type OnnxAttribute =
  | { int: number | bigint }
  | { float: number }
  | { string: string }
  | { ints: readonly (number | bigint)[] }
  | { floats: readonly number[] };

/** One operator of the graph. */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  /** Operator domain; default the standard `ai.onnx` (empty string). */
  domain?: string;
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** Parameters of {@link encodeOnnxModel}. */
export interface EncodeOnnxModelParameters {
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxInitializer[];
  graphName?: string;
  /** Default opset version of the standard domain. Default 17. */
  opset?: number;
  /** ONNX IR version. Default 8. */
  irVersion?: number;
  producerName?: string;
}

const ELEMENT: Record<OnnxElementType, number> = { float32: 1, int32: 6, int64: 7, float64: 11 };
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A growable protobuf writer: varints, length-delimited fields, fixed32 floats. */
class Writer {
  #buf = new Uint8Array(256);
  #len = 0;

  #reserve(n: number) {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  varint(v: number | bigint) {
    let x = BigInt.asUintN(64, BigInt(v));
    this.#reserve(10);
    while (x >= 0x80n) {
      this.#buf[this.#len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.#buf[this.#len++] = Number(x);
  }

  tag(field: number, wire: 0 | 2 | 5) {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number | bigint) {
    this.tag(field, 0);
    this.varint(v);
  }

  bytes(field: number, b: Uint8Array) {
    this.tag(field, 2);
    this.varint(b.length);
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  string(field: number, s: string) {
    this.bytes(field, new TextEncoder().encode(s));
  }

  float(field: number, f: number) {
    this.tag(field, 5);
    this.#reserve(4);
    new DataView(this.#buf.buffer, this.#len, 4).setFloat32(0, f, true);
    this.#len += 4;
  }

  message(field: number, write: (w: Writer) => void) {
    const inner = new Writer();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

function checkDim(d: number | string, where: string) {
  if (typeof d === 'string' ? d.length === 0 : !Number.isSafeInteger(d) || d < 0)
    throw new ValidationError(`${where}: a dimension must be a non-negative integer or a symbol name.`);
}

function valueInfo(w: Writer, v: OnnxValueInfo) {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEMENT[v.type ?? 'float32']);
      tensor.message(2, (shape) => {
        for (const d of v.shape) {
          checkDim(d, `value ${v.name}`);
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function elementTypeOf(data: OnnxInitializer['data']): OnnxElementType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

const LITTLE_ENDIAN = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();

/** raw_data is little-endian whatever the platform. */
function littleEndianBytes(data: OnnxInitializer['data']): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const raw = new Uint8Array(data.byteLength);
  const view = new DataView(raw.buffer);
  const size = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * size, data[i]!, true);
    else if (data instanceof Float64Array) view.setFloat64(i * size, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(i * size, data[i]!, true);
    else view.setBigInt64(i * size, data[i]!, true);
  }
  return raw;
}

function attribute(w: Writer, name: string, a: OnnxAttribute) {
  w.string(1, name);
  if ('int' in a) {
    w.int(3, a.int);
    w.int(20, ATTR.INT);
  } else if ('float' in a) {
    w.float(2, a.float);
    w.int(20, ATTR.FLOAT);
  } else if ('string' in a) {
    w.string(4, a.string);
    w.int(20, ATTR.STRING);
  } else if ('ints' in a) {
    for (const v of a.ints) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else {
    for (const v of a.floats) w.float(7, v);
    w.int(20, ATTR.FLOATS);
  }
}

/**
 * Write an ONNX model (`ModelProto` protobuf bytes) from a plain description of one graph: its
 * inputs, outputs, operators and constant tensors. Enough for the small graphs an SDK builds
 * itself — a MatMul for a GEMM engine, a LoRA-ready MLP for tests and demos — without shipping
 * protobuf.js. The bytes load in onnxruntime-node and onnxruntime-web.
 *
 * @example
 * import { encodeOnnxModel } from '@openledger/core';
 * const bytes = encodeOnnxModel({
 *   inputs: [{ name: 'a', shape: ['m', 64] }, { name: 'b', shape: [64, 'n'] }],
 *   outputs: [{ name: 'c', shape: ['m', 'n'] }],
 *   nodes: [{ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
 * });
 * // await ort.InferenceSession.create(bytes)
 */
export function encodeOnnxModel(model: EncodeOnnxModelParameters): Uint8Array {
  const w = new Writer();
  w.int(1, model.irVersion ?? 8);
  w.string(2, model.producerName ?? '@openledger/core');
  w.message(7, (g) => {
    for (const node of model.nodes) {
      g.message(1, (n) => {
        for (const i of node.inputs) n.string(1, i);
        for (const o of node.outputs) n.string(2, o);
        if (node.name) n.string(3, node.name);
        n.string(4, node.opType);
        for (const [name, a] of Object.entries(node.attributes ?? {}))
          n.message(5, (x) => attribute(x, name, a));
        if (node.domain) n.string(7, node.domain);
      });
    }
    g.string(2, model.graphName ?? 'graph');
    for (const init of model.initializers ?? []) {
      const count = init.dims.reduce((a, b) => a * b, 1);
      if (init.dims.some((d) => !Number.isSafeInteger(d) || d < 0) || count !== init.data.length)
        throw new ValidationError(
          `Initializer ${init.name}: dims [${init.dims.join(', ')}] do not match ${init.data.length} values.`,
        );
      g.message(5, (t) => {
        for (const d of init.dims) t.int(1, d);
        t.int(2, ELEMENT[elementTypeOf(init.data)]);
        t.string(8, init.name);
        t.bytes(9, littleEndianBytes(init.data));
      });
    }
    for (const v of model.inputs) g.message(11, (x) => valueInfo(x, v));
    for (const v of model.outputs) g.message(12, (x) => valueInfo(x, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, model.opset ?? 17);
  });
  return w.finish();
}
