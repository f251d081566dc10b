import { SafetensorsError } from '../errors.js';
import { DTYPE_SIZE, isDtype } from './dtypes.js';
import type { Tensor } from './types.js';

/** Tensors to write: a Map or a plain record of name → tensor. */
export type SerializeSafetensorsInput = Map<string, Tensor> | Record<string, Tensor>;

/**
 * Write tensors and string metadata as a safetensors file. Layout is deterministic: tensors
 * ordered by element size (largest first, so every tensor stays aligned) then name, compact
 * JSON header with `__metadata__` first, padded with spaces to a multiple of 8 bytes.
 * Serializing the result of {@link parseSafetensors} again gives the same bytes.
 *
 * @throws {SafetensorsError} `INVALID_TENSOR` when a tensor's data does not match its shape.
 * @example
 * import { serializeSafetensors } from '@openledger/lora';
 * const bytes = serializeSafetensors(
 *   { w: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: 'pt' },
 * );
 */
export function serializeSafetensors(
  tensors: SerializeSafetensorsInput,
  metadata: Record<string, string> = {},
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '__metadata__' || name === '__proto__')
      throw new SafetensorsError('INVALID_TENSOR', `"${name}" cannot be a tensor name.`, { tensor: name });
    if (!isDtype(t.dtype))
      throw new SafetensorsError('UNSUPPORTED_DTYPE', `Tensor "${name}" has unknown dtype.`, {
        tensor: name,
      });
    const elements = t.shape.reduce((a, d) => a * d, 1);
    if (
      !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      elements * DTYPE_SIZE[t.dtype] !== t.data.byteLength
    )
      throw new SafetensorsError(
        'INVALID_TENSOR',
        `Tensor "${name}" has ${t.data.byteLength} bytes of data but shape [${t.shape.join(', ')}] × ${t.dtype} needs ${elements * DTYPE_SIZE[t.dtype]}.`,
        { tensor: name },
      );
  }
  for (const [k, v] of Object.entries(metadata))
    if (typeof v !== 'string')
      throw new SafetensorsError('INVALID_METADATA', `Metadata "${k}" must be a string.`);
  entries.sort(
    (a, b) => DTYPE_SIZE[b[1].dtype] - DTYPE_SIZE[a[1].dtype] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = sortedRecord(metadata);
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let pos = 8 + padded;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort())
    Object.defineProperty(out, k, { value: r[k], enumerable: true, writable: true, configurable: true });
  return out;
}
