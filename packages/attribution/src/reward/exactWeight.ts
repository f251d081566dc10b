/**
 * Exact integer weights from non-negative numbers and bigints: every finite double is
 * m·2^e exactly, so scaling all of them to the smallest exponent gives bigints whose
 * ratios equal the ratios of the inputs with no rounding at all.
 */
export function exactWeights(values: readonly (number | bigint)[]): bigint[] {
  const view = new DataView(new ArrayBuffer(8));
  const parts: { m: bigint; e: number }[] = [];
  let minE = Number.POSITIVE_INFINITY;
  for (const v of values) {
    if (typeof v === 'bigint') {
      parts.push({ m: v, e: 0 });
      minE = Math.min(minE, 0);
      continue;
    }
    if (v === 0) {
      parts.push({ m: 0n, e: 0 });
      continue;
    }
    view.setFloat64(0, v);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e: number;
    if (biased === 0) {
      e = -1074; // subnormal
    } else {
      m |= 1n << 52n;
      e = biased - 1075;
    }
    parts.push({ m, e });
    minE = Math.min(minE, e);
  }
  if (!Number.isFinite(minE)) minE = 0;
  return parts.map(({ m, e }) => (m === 0n ? 0n : m << BigInt(e - minE)));
}
