import { AdapterError } from '../errors.js';

/** One field of a protobuf message: number, wire type and the byte range of its payload. */
export interface PbField {
  field: number;
  wire: number;
  /** Varint value (wire 0) — lengths and small ints only. */
  value: number;
  start: number;
  end: number;
}

function bad(msg: string): never {
  throw new AdapterError('INVALID_ARGUMENT', `Malformed ONNX model: ${msg}.`);
}

function varint(b: Uint8Array, pos: number, end: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) bad('truncated varint');
    const byte = b[pos++]!;
    result += (byte & 0x7f) * mul;
    if (byte < 0x80) return [result, pos];
    mul *= 128;
  }
  return bad('varint too long');
}

/** The fields of the message in b[start, end), without decoding payloads. */
export function* fields(b: Uint8Array, start: number, end: number): Generator<PbField> {
  let pos = start;
  while (pos < end) {
    const [tag, p1] = varint(b, pos, end);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = p1;
    if (wire === 0) {
      const [v, p2] = varint(b, pos, end);
      yield { field, wire, value: v, start: pos, end: p2 };
      pos = p2;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (pos + size > end) bad('truncated fixed field');
      yield { field, wire, value: 0, start: pos, end: pos + size };
      pos += size;
    } else if (wire === 2) {
      const [len, p2] = varint(b, pos, end);
      if (p2 + len > end) bad('length-delimited field runs past its message');
      yield { field, wire, value: len, start: p2, end: p2 + len };
      pos = p2 + len;
    } else bad(`unsupported wire type ${wire}`);
  }
}

/** Packed or unpacked repeated varints (TensorProto.dims). */
export function readVarints(b: Uint8Array, f: PbField): number[] {
  if (f.wire === 0) return [f.value];
  const out: number[] = [];
  let pos = f.start;
  while (pos < f.end) {
    const [v, p] = varint(b, pos, f.end);
    out.push(v);
    pos = p;
  }
  return out;
}
