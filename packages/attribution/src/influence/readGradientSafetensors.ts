import { InfluenceError } from './errors.js';
import type { TracInCheckpoint } from './tracIn.js';
import type { GradientMatrix } from './types.js';

/** Tensors and metadata of a safetensors file of per-example gradients. */
export interface GradientSafetensors {
  /** Every 2-D tensor (1-D ones become one row), as Float32 or Float64 matrices. */
  tensors: Record<string, GradientMatrix>;
  /** The file's `__metadata__` strings. */
  metadata: Record<string, string>;
}

const MAX_HEADER = 100 * 1024 * 1024;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Read per-example gradients from a safetensors file (e.g. projected LoRA gradients saved by
 * PyTorch with one row per example). F32 and F64 tensors are used in place when aligned;
 * F16 and BF16 are widened to Float32. Every offset is bounds-checked against the buffer, so
 * a truncated or hostile file gets an `INVALID_SAFETENSORS` error, never an out-of-range read.
 *
 * @example
 * import { readGradientSafetensors } from '@openledger/attribution';
 * import { readFile } from 'node:fs/promises';
 * const { tensors, metadata } = readGradientSafetensors(await readFile('grads.safetensors'));
 */
export function readGradientSafetensors(bytes: Uint8Array | ArrayBuffer): GradientSafetensors {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const bad = (why: string) =>
    new InfluenceError('INVALID_SAFETENSORS', `Not a valid safetensors file: ${why}.`);
  if (u8.byteLength < 8) throw bad('shorter than its 8-byte header length');
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const hlen = Number(dv.getBigUint64(0, true));
  if (hlen > MAX_HEADER || 8 + hlen > u8.byteLength) throw bad(`header length ${hlen} runs past the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(8, 8 + hlen)));
  } catch (cause) {
    throw new InfluenceError(
      'INVALID_SAFETENSORS',
      'Not a valid safetensors file: the header is not UTF-8 JSON.',
      { cause },
    );
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw bad('the header is not an object');
  const base = 8 + hlen;
  const dataLen = u8.byteLength - base;
  const tensors: Record<string, GradientMatrix> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (info && typeof info === 'object' && Object.values(info).every((v) => typeof v === 'string')) {
        metadata = { ...(info as Record<string, string>) };
        continue;
      }
      throw bad('__metadata__ must map strings to strings');
    }
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!t || typeof t !== 'object') throw bad(`tensor ${name} has no description`);
    const size = { F64: 8, F32: 4, F16: 2, BF16: 2 }[String(t.dtype)];
    if (!size)
      throw new InfluenceError(
        'UNSUPPORTED',
        `Tensor ${name} has dtype ${String(t.dtype)}; gradients must be F64, F32, F16 or BF16.`,
      );
    const shape = t.shape;
    if (
      !Array.isArray(shape) ||
      shape.length < 1 ||
      shape.length > 2 ||
      !shape.every((s) => Number.isSafeInteger(s) && s >= 0)
    ) {
      throw bad(`tensor ${name} must be 1-D or 2-D`);
    }
    const [rows, cols] = shape.length === 2 ? (shape as [number, number]) : [1, shape[0] as number];
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0))
      throw bad(`tensor ${name} has bad data_offsets`);
    const [start, end] = off as [number, number];
    const count = rows * cols;
    if (end < start || end > dataLen || end - start !== count * size)
      throw bad(`tensor ${name}'s data_offsets do not match its shape or the file`);
    if (cols === 0) throw bad(`tensor ${name} has zero columns`);
    const at = u8.byteOffset + base + start;
    let data: Float32Array | Float64Array;
    if (t.dtype === 'F32' || t.dtype === 'F64') {
      const Ctor = t.dtype === 'F32' ? Float32Array : Float64Array;
      // Unaligned data (the header length decides the alignment) is copied once.
      data =
        at % size === 0
          ? new Ctor(u8.buffer as ArrayBuffer, at, count)
          : new Ctor(u8.slice(base + start, base + end).buffer as ArrayBuffer);
      if (!littleEndian()) throw new InfluenceError('UNSUPPORTED', 'Big-endian hosts are not supported.');
    } else {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const h = dv.getUint16(base + start + 2 * i, true);
        out[i] = t.dtype === 'F16' ? halfToFloat(h) : new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
      }
      data = out;
    }
    tensors[name] = { rows, cols, data };
  }
  return { tensors, metadata };
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * TracIn checkpoints from a gradient safetensors file laid out as tensors `ckpt{c}.train` and
 * `ckpt{c}.test` with metadata `ckpt{c}.learning_rate` for c = 0, 1, ….
 *
 * @example
 * import { gradientCheckpoints, readGradientSafetensors, tracIn } from '@openledger/attribution';
 * declare const bytes: Uint8Array;
 * const result = tracIn({ checkpoints: gradientCheckpoints(readGradientSafetensors(bytes)) });
 */
export function gradientCheckpoints(file: GradientSafetensors): TracInCheckpoint[] {
  const out: TracInCheckpoint[] = [];
  for (let c = 0; `ckpt${c}.train` in file.tensors; c++) {
    const train = file.tensors[`ckpt${c}.train`]!;
    const test = file.tensors[`ckpt${c}.test`];
    const lr = Number(file.metadata[`ckpt${c}.learning_rate`]);
    if (!test) throw new InfluenceError('INVALID_INPUT', `ckpt${c}.test is missing.`);
    if (!Number.isFinite(lr))
      throw new InfluenceError(
        'INVALID_INPUT',
        `Metadata ckpt${c}.learning_rate is missing or not a number.`,
      );
    out.push({ learningRate: lr, train, test });
  }
  if (out.length === 0) throw new InfluenceError('INVALID_INPUT', 'No ckpt0.train tensor in the file.');
  return out;
}
