import { arrayCtor, type TensorData } from './dtypes.js';
import { MAX_HEADER_BYTES, parseHeaderJson, readHeaderLength } from './header.js';
import type { SafetensorsFile, Tensor } from './types.js';

/** Options of {@link parseSafetensors}. */
export interface ParseSafetensorsOptions {
  /** Reject headers longer than this many bytes. Default 100 MB. */
  maxHeaderBytes?: number;
  /** Always copy tensor data instead of viewing the input buffer. Default false. */
  copy?: boolean;
}

/** What {@link parseSafetensors} returns. */
export type ParseSafetensorsReturnType = SafetensorsFile;

const littleEndian = /* @__PURE__ */ (() => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)();

/**
 * Parse a safetensors file. The header is validated before any tensor is touched
 * (length cap, JSON object, string metadata, known dtypes, shape × dtype = byte span, offsets
 * covering the data section with no gaps, overlaps or duplicates). Tensor `data` views the
 * input buffer without copying when the offset is aligned for its element type, and is a
 * copy otherwise (or with `copy: true`). F16/BF16 stay as raw bits; widen them with `toFloat32`.
 *
 * @throws {SafetensorsError} with a stable `code` for every malformed file.
 * @example
 * import { parseSafetensors, toFloat32 } from '@openledger/lora';
 * import { readFileSync } from 'node:fs';
 * const file = parseSafetensors(readFileSync('adapter_model.safetensors'));
 * for (const [name, t] of file.tensors) console.log(name, t.dtype, t.shape, toFloat32(t)[0]);
 */
export function parseSafetensors(
  bytes: Uint8Array,
  opts: ParseSafetensorsOptions = {},
): ParseSafetensorsReturnType {
  const headerBytes = readHeaderLength(bytes, bytes.length, opts.maxHeaderBytes ?? MAX_HEADER_BYTES);
  const dataOffset = 8 + headerBytes;
  const header = parseHeaderJson(bytes.subarray(8, dataOffset), headerBytes, bytes.length - dataOffset);
  const tensors = new Map<string, Tensor>();
  for (const info of header.tensors) {
    const Ctor = arrayCtor(info.dtype);
    const start = bytes.byteOffset + dataOffset + info.begin;
    const count = (info.end - info.begin) / Ctor.BYTES_PER_ELEMENT;
    let data: TensorData;
    if (
      !opts.copy &&
      start % Ctor.BYTES_PER_ELEMENT === 0 &&
      (littleEndian || Ctor.BYTES_PER_ELEMENT === 1)
    ) {
      data = new Ctor(bytes.buffer, start, count);
    } else {
      // Not bytes.slice(): on a Node Buffer that is a view, not a copy.
      const copy = Uint8Array.prototype.slice.call(bytes, dataOffset + info.begin, dataOffset + info.end);
      if (!littleEndian && Ctor.BYTES_PER_ELEMENT > 1) swapBytes(copy, Ctor.BYTES_PER_ELEMENT);
      data = new Ctor(copy.buffer, 0, count);
    }
    tensors.set(info.name, { dtype: info.dtype, shape: info.shape, data });
  }
  return { metadata: header.metadata, tensors };
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}
