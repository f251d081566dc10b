import { SafetensorsError } from '../errors.js';
import { DTYPE_SIZE, type Dtype, isDtype } from './dtypes.js';

/** Default cap on the JSON header (the reference implementation uses the same 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** A tensor entry of a safetensors header, validated. */
export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Total header length in bytes (without the 8-byte length prefix). */
  headerBytes: number;
  /** Offset of the data section from the start of the file. */
  dataOffset: number;
  /** Length of the data section implied by the offsets. */
  dataBytes: number;
  metadata: Record<string, string>;
  /** Entries sorted by `begin`. */
  tensors: TensorInfo[];
}

/**
 * Read the 8-byte little-endian header length; throws when it is beyond the file or the cap.
 * `fileBytes` may be undefined when the total size is unknown (remote inspection).
 */
export function readHeaderLength(
  prefix: Uint8Array,
  fileBytes: number | undefined,
  maxHeaderBytes: number,
): number {
  if (prefix.length < 8)
    throw new SafetensorsError('FILE_TOO_SHORT', 'File is shorter than the 8-byte header length.');
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(maxHeaderBytes))
    throw new SafetensorsError(
      'HEADER_TOO_LARGE',
      `Header length ${n} exceeds the ${maxHeaderBytes}-byte cap.`,
    );
  const len = Number(n);
  if (fileBytes !== undefined && 8 + len > fileBytes)
    throw new SafetensorsError(
      'HEADER_OUT_OF_BOUNDS',
      `Header length ${len} runs past the end of the ${fileBytes}-byte file.`,
    );
  if (len < 2) throw new SafetensorsError('INVALID_HEADER', 'Header is too short to be a JSON object.');
  return len;
}

const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * Collect the keys of the top-level JSON object in source order, so duplicates (which
 * JSON.parse silently collapses) can be rejected. Assumes `text` already parsed as JSON.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) {
        if (text.charCodeAt(i) === 0x5c) i++;
        i++;
      }
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(text.slice(start, i + 1)) as string);
        expectKey = false;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x2c && depth === 1) expectKey = true;
  }
  return keys;
}

function fail(code: ConstructorParameters<typeof SafetensorsError>[0], msg: string, tensor?: string): never {
  throw new SafetensorsError(code, msg, tensor === undefined ? {} : { tensor });
}

/**
 * Decode and validate a header's JSON. `dataBytes` is the length of the data section when
 * known; offsets must then cover it exactly.
 */
export function parseHeaderJson(
  bytes: Uint8Array,
  headerBytes: number,
  dataBytes: number | undefined,
): SafetensorsHeader {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (cause) {
    throw new SafetensorsError('INVALID_HEADER_JSON', 'Header is not valid UTF-8.', { cause });
  }
  if (text.charCodeAt(0) !== 0x7b) fail('INVALID_HEADER', 'Header must be a JSON object starting with "{".');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('INVALID_HEADER_JSON', 'Header is not valid JSON.', { cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('INVALID_HEADER', 'Header must be a JSON object.');
  const keys = topLevelKeys(text);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) fail('DUPLICATE_KEY', `Header names "${k.slice(0, 200)}" twice.`, k);
    if (k === '__proto__' || k === 'constructor' || k === 'prototype')
      fail('FORBIDDEN_KEY', `Header key "${k}" is not allowed.`, k);
    seen.add(k);
  }
  const obj = raw as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail('INVALID_METADATA', '__metadata__ must be an object of strings.');
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (typeof mv !== 'string')
          fail('INVALID_METADATA', `__metadata__["${mk.slice(0, 200)}"] is not a string.`);
        Object.defineProperty(metadata, mk, {
          value: mv,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      continue;
    }
    tensors.push(validateInfo(key, value));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of tensors) {
    if (t.begin !== cursor)
      fail(
        'INVALID_OFFSETS',
        t.begin > cursor
          ? `Gap in the data section before "${t.name}" (bytes ${cursor}..${t.begin} belong to no tensor).`
          : `Tensor "${t.name}" overlaps the previous tensor.`,
        t.name,
      );
    cursor = t.end;
  }
  if (dataBytes !== undefined) {
    if (cursor > dataBytes)
      fail(
        'OFFSETS_OUT_OF_BOUNDS',
        `Tensor offsets end at ${cursor}, past the ${dataBytes}-byte data section.`,
      );
    if (cursor < dataBytes)
      fail(
        'INVALID_OFFSETS',
        `The last ${dataBytes - cursor} bytes of the data section belong to no tensor.`,
      );
  }
  return { headerBytes, dataOffset: 8 + headerBytes, dataBytes: cursor, metadata, tensors };
}

function validateInfo(name: string, value: unknown): TensorInfo {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('INVALID_TENSOR_INFO', `Entry "${name}" is not an object.`, name);
  const v = value as Record<string, unknown>;
  if (!isDtype(v.dtype))
    fail(
      'UNSUPPORTED_DTYPE',
      `Tensor "${name}" has unsupported dtype ${JSON.stringify(v.dtype)?.slice(0, 40)}.`,
      name,
    );
  const dtype = v.dtype;
  const shape = v.shape;
  if (!Array.isArray(shape) || shape.length > 64)
    fail('INVALID_TENSOR_INFO', `Tensor "${name}" has no valid shape.`, name);
  let elements = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      fail('INVALID_TENSOR_INFO', `Tensor "${name}" has a non-integer dimension.`, name);
    elements *= d;
    if (!Number.isSafeInteger(elements * DTYPE_SIZE[dtype]))
      fail('SHAPE_OVERFLOW', `Tensor "${name}" shape overflows.`, name);
  }
  const offs = v.data_offsets;
  if (
    !Array.isArray(offs) ||
    offs.length !== 2 ||
    !offs.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  )
    fail('INVALID_TENSOR_INFO', `Tensor "${name}" needs data_offsets [begin, end].`, name);
  const [begin, end] = offs as [number, number];
  if (end < begin) fail('INVALID_OFFSETS', `Tensor "${name}" ends before it begins.`, name);
  const expected = elements * DTYPE_SIZE[dtype];
  if (end - begin !== expected)
    fail(
      'SIZE_MISMATCH',
      `Tensor "${name}" spans ${end - begin} bytes but shape [${shape.join(', ')}] × ${dtype} needs ${expected}.`,
      name,
    );
  return { name, dtype, shape: shape as number[], begin, end };
}
