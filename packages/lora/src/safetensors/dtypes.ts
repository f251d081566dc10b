/** Element type names used in safetensors headers. */
export type Dtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The typed array a tensor's `data` holds for each dtype (F16/BF16/F8 stay raw bits). */
export type TensorData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.hasOwn(DTYPE_SIZE, s);
}

type ArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  new (length: number): TensorData;
  BYTES_PER_ELEMENT: number;
};

export function arrayCtor(dtype: Dtype): ArrayCtor {
  switch (dtype) {
    case 'I8':
      return Int8Array as unknown as ArrayCtor;
    case 'I16':
      return Int16Array as unknown as ArrayCtor;
    case 'U16':
    case 'F16':
    case 'BF16':
      return Uint16Array as unknown as ArrayCtor;
    case 'I32':
      return Int32Array as unknown as ArrayCtor;
    case 'U32':
      return Uint32Array as unknown as ArrayCtor;
    case 'F32':
      return Float32Array as unknown as ArrayCtor;
    case 'F64':
      return Float64Array as unknown as ArrayCtor;
    case 'I64':
      return BigInt64Array as unknown as ArrayCtor;
    case 'U64':
      return BigUint64Array as unknown as ArrayCtor;
    default:
      return Uint8Array as unknown as ArrayCtor;
  }
}

/** Decode one IEEE 754 half-precision value from its 16 bits. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32buf = /* @__PURE__ */ new Float32Array(1);
const u32buf = /* @__PURE__ */ new Uint32Array(f32buf.buffer);

/** Encode a number as IEEE 754 half precision (round to nearest even). */
export function f32ToF16(value: number): number {
  f32buf[0] = value;
  const x = u32buf[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rem > half || (rem === half && out & 1)) out++;
    return sign | out;
  }
  const rem = mant & 0x1fff;
  let out = (e << 10) | (mant >>> 13);
  if (rem > 0x1000 || (rem === 0x1000 && out & 1)) out++;
  return sign | out;
}

/** Encode a number as bfloat16 (round to nearest even). */
export function f32ToBf16(value: number): number {
  f32buf[0] = value;
  const x = u32buf[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

let f16Table: Float32Array | undefined;

/**
 * Widen F16 or BF16 bits (or any numeric typed array) to a new Float32Array.
 * F16 goes through a 64K-entry lookup table built on first use.
 */
export function widenToF32(dtype: Dtype, data: TensorData): Float32Array {
  const n = data.length;
  if (dtype === 'F32') return data as Float32Array;
  const out = new Float32Array(n);
  if (dtype === 'F16') {
    if (!f16Table) {
      f16Table = new Float32Array(65536);
      for (let i = 0; i < 65536; i++) f16Table[i] = f16ToF32(i);
    }
    const t = f16Table;
    const src = data as Uint16Array;
    for (let i = 0; i < n; i++) out[i] = t[src[i]!]!;
    return out;
  }
  if (dtype === 'BF16') {
    const src = data as Uint16Array;
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
    return out;
  }
  if (dtype === 'I64' || dtype === 'U64') {
    const src = data as BigInt64Array;
    for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
    return out;
  }
  const src = data as Exclude<TensorData, BigInt64Array | BigUint64Array>;
  for (let i = 0; i < n; i++) out[i] = src[i]!;
  return out;
}
