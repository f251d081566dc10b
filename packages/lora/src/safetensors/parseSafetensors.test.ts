import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isSafetensorsError, SafetensorsError } from '../errors.js';
import { f16ToF32, f32ToBf16, f32ToF16 } from './dtypes.js';
import { parseSafetensors } from './parseSafetensors.js';
import { serializeSafetensors } from './serializeSafetensors.js';
import { toFloat32 } from './toFloat32.js';

/** An independent writer: header JSON built by hand, bytes placed with a DataView. */
function handWritten(): Uint8Array {
  const header =
    '{"__metadata__":{"format":"pt"},"b.bias":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},' +
    '"a.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"c":{"dtype":"I64","shape":[1],"data_offsets":[24,32]},' +
    '"pad":{"dtype":"U8","shape":[2],"data_offsets":[22,24]}}';
  const h = new TextEncoder().encode(header);
  const buf = new ArrayBuffer(8 + h.length + 32);
  const dv = new DataView(buf);
  dv.setUint32(0, h.length, true);
  dv.setUint32(4, 0, true);
  new Uint8Array(buf).set(h, 8);
  const d = 8 + h.length;
  for (const [i, v] of [1.5, -2, 3.25, 1e-3].entries()) dv.setFloat32(d + 4 * i, v, true);
  // F16: 1.0 = 0x3c00, -0.5 = 0xb800, 65504 = 0x7bff
  for (const [i, v] of [0x3c00, 0xb800, 0x7bff].entries()) dv.setUint16(d + 16 + 2 * i, v, true);
  dv.setUint8(d + 22, 7);
  dv.setUint8(d + 23, 9);
  dv.setBigInt64(d + 24, -42n, true);
  return new Uint8Array(buf);
}

function fileWithHeader(header: string, dataBytes = 0): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isSafetensorsError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('parseSafetensors', () => {
  test('parses a file written independently with a DataView', () => {
    const file = parseSafetensors(handWritten());
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.keys()]).toEqual(['a.weight', 'b.bias', 'pad', 'c']);
    expect(Array.from(toFloat32(file.tensors.get('a.weight')!))).toEqual([1.5, -2, 3.25, Math.fround(1e-3)]);
    expect(Array.from(toFloat32(file.tensors.get('b.bias')!))).toEqual([1, -0.5, 65504]);
    expect(Array.from(file.tensors.get('pad')!.data as Uint8Array)).toEqual([7, 9]);
    expect((file.tensors.get('c')!.data as BigInt64Array)[0]).toBe(-42n);
  });

  test('views the input buffer without copying when aligned, copies when not', () => {
    const bytes = serializeSafetensors({
      w: { dtype: 'F32', shape: [4], data: new Float32Array([1, 2, 3, 4]) },
    });
    const aligned = parseSafetensors(bytes).tensors.get('w')!;
    expect(aligned.data.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const unaligned = parseSafetensors(shifted.subarray(1)).tensors.get('w')!;
    expect(unaligned.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(unaligned.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(parseSafetensors(bytes, { copy: true }).tensors.get('w')!.data.buffer).not.toBe(bytes.buffer);
  });

  test('copies out of a Node Buffer at an odd offset instead of viewing it', () => {
    const bytes = serializeSafetensors({
      w: { dtype: 'F32', shape: [3], data: new Float32Array([1.5, 2.5, -3]) },
    });
    const pool = Buffer.alloc(bytes.length + 3);
    pool.set(bytes, 3);
    const buf = pool.subarray(3);
    for (const copy of [false, true]) {
      const t = parseSafetensors(buf, { copy }).tensors.get('w')!;
      expect(Array.from(t.data as Float32Array)).toEqual([1.5, 2.5, -3]);
      expect(t.data.buffer).not.toBe(pool.buffer);
    }
  });

  test('round trips every dtype byte for byte', () => {
    const tensors = {
      f32: { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      f64: { dtype: 'F64' as const, shape: [1], data: new Float64Array([Math.PI]) },
      f16: { dtype: 'F16' as const, shape: [2], data: new Uint16Array([f32ToF16(0.1), f32ToF16(-3)]) },
      bf16: { dtype: 'BF16' as const, shape: [2], data: new Uint16Array([f32ToBf16(0.1), f32ToBf16(-3)]) },
      i8: { dtype: 'I8' as const, shape: [3], data: new Int8Array([-128, 0, 127]) },
      u8: { dtype: 'U8' as const, shape: [1], data: new Uint8Array([255]) },
      i32: { dtype: 'I32' as const, shape: [1], data: new Int32Array([-7]) },
      i64: { dtype: 'I64' as const, shape: [2], data: new BigInt64Array([1n, -1n]) },
      bool: { dtype: 'BOOL' as const, shape: [2], data: new Uint8Array([1, 0]) },
      empty: { dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
    };
    const bytes = serializeSafetensors(tensors, { format: 'pt', note: 'ünïcode' });
    const parsed = parseSafetensors(bytes);
    expect(parsed.metadata).toEqual({ format: 'pt', note: 'ünïcode' });
    for (const [name, t] of Object.entries(tensors)) {
      const got = parsed.tensors.get(name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    }
    expect(serializeSafetensors(parsed.tensors, parsed.metadata)).toEqual(bytes);
    expect(toFloat32(parsed.tensors.get('bf16')!)[1]).toBe(-3);
    expect(Math.abs(toFloat32(parsed.tensors.get('f16')!)[0]! - 0.1)).toBeLessThan(1e-4);
  });

  test('F16 encoding agrees with a brute-force decode for every 16-bit pattern', () => {
    const mismatches: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = f16ToF32(h);
      if (!Number.isNaN(v) && f32ToF16(v) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
    // Round to nearest even between two halves: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16(70000)).toBe(0x7c00);
  });

  test.each([
    ['FILE_TOO_SHORT', new Uint8Array(5)],
    [
      'HEADER_OUT_OF_BOUNDS',
      (() => {
        const b = new Uint8Array(16);
        b[0] = 200;
        return b;
      })(),
    ],
    [
      'HEADER_TOO_LARGE',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 60n, true);
        return b;
      })(),
    ],
    ['INVALID_HEADER', fileWithHeader('[1,2,3]')],
    ['INVALID_HEADER_JSON', fileWithHeader('{"a":')],
    ['INVALID_METADATA', fileWithHeader('{"__metadata__":{"k":1}}')],
    ['UNSUPPORTED_DTYPE', fileWithHeader('{"t":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}', 1)],
    ['SIZE_MISMATCH', fileWithHeader('{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4)],
    ['OFFSETS_OUT_OF_BOUNDS', fileWithHeader('{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', 4)],
    ['INVALID_OFFSETS', fileWithHeader('{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8)],
    ['INVALID_OFFSETS', fileWithHeader('{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 8)],
    [
      'INVALID_OFFSETS',
      fileWithHeader(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        8,
      ),
    ],
    [
      'SHAPE_OVERFLOW',
      fileWithHeader('{"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}', 4),
    ],
    [
      'DUPLICATE_KEY',
      fileWithHeader(
        '{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}',
        1,
      ),
    ],
    ['FORBIDDEN_KEY', fileWithHeader('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1)],
    ['INVALID_TENSOR_INFO', fileWithHeader('{"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', 1)],
    ['INVALID_TENSOR_INFO', fileWithHeader('{"t":{"dtype":"U8","shape":[1]}}', 1)],
  ])('rejects a hostile file with %s', (code, bytes) => {
    expect(codeOf(() => parseSafetensors(bytes))).toBe(code);
  });

  test('fuzzed headers never crash, hang or read out of bounds', () => {
    const dims = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(-1, 2 ** 53, 1.5, 2 ** 40));
    const info = fc.record({
      dtype: fc.constantFrom('F32', 'F16', 'BF16', 'U8', 'I64', 'X', 3),
      shape: fc.oneof(fc.array(dims, { maxLength: 4 }), fc.constant('x')),
      data_offsets: fc.oneof(fc.tuple(fc.nat(80), fc.nat(80)), fc.array(fc.integer({ min: -5, max: 200 }))),
    });
    const header = fc.oneof(
      fc
        .dictionary(fc.constantFrom('a', 'b', 'c', '__metadata__', 'd.weight'), info)
        .map((o) => JSON.stringify(o)),
      fc.json(),
      fc.string(),
    );
    fc.assert(
      fc.property(header, fc.nat(96), fc.integer({ min: -8, max: 8 }), (h, dataBytes, lenSkew) => {
        const bytes = fileWithHeader(h, dataBytes);
        const view = new DataView(bytes.buffer);
        view.setBigUint64(0, BigInt(Math.max(0, Number(view.getBigUint64(0, true)) + lenSkew)), true);
        try {
          const parsed = parseSafetensors(bytes);
          let total = 0;
          for (const t of parsed.tensors.values()) {
            expect(t.data.byteOffset + t.data.byteLength).toBeLessThanOrEqual(bytes.byteLength);
            total += t.data.byteLength;
          }
          expect(total).toBeLessThanOrEqual(dataBytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SafetensorsError);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('byte-level mutations of a valid file only ever raise SafetensorsError', () => {
    const valid = handWritten();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        (muts) => {
          const b = valid.slice();
          for (const [i, v] of muts) b[i] = v;
          try {
            parseSafetensors(b);
          } catch (e) {
            expect(e).toBeInstanceOf(SafetensorsError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('serializer refuses data that does not match the shape', () => {
    expect(() =>
      serializeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }),
    ).toThrow(SafetensorsError);
  });
});
