/**
 * Dense row-major matrix kernels on Float32Array. No SIMD is available to plain JS, so the
 * speed comes from keeping partial sums in registers and walking memory contiguously.
 */

/**
 * out (m×n) = scale · B (m×r) · A (r×n), overwriting `out`. The LoRA shape: r is small. A is
 * first transposed (and zero-padded to a multiple of 8) so each output element is a contiguous
 * dot product of length r, computed with the row of B held in locals (registers) and written
 * once; ranks above 16 go in chunks of 16 that accumulate.
 */
export function lowRankProduct(
  B: Float32Array,
  A: Float32Array,
  m: number,
  r: number,
  n: number,
  scale = 1,
  out: Float32Array = new Float32Array(m * n),
): Float32Array {
  if (r === 0) {
    out.fill(0, 0, m * n);
    return out;
  }
  const rp = (r + 7) & ~7;
  const At = new Float32Array(n * rp);
  for (let p = 0; p < r; p++) {
    const ap = p * n;
    for (let j = 0; j < n; j++) At[j * rp + p] = A[ap + j]!;
  }
  const b = new Float64Array(rp);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < r; p++) b[p] = B[i * r + p]! * scale;
    const o = i * n;
    for (let c = 0; c < rp; c += 16) {
      if (rp - c >= 16) kernel16(b, c, At, rp, n, out, o, c > 0);
      else kernel8(b, c, At, rp, n, out, o, c > 0);
    }
  }
  return out;
}

function kernel8(
  b: Float64Array,
  c: number,
  At: Float32Array,
  rp: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  const b0 = b[c]!;
  const b1 = b[c + 1]!;
  const b2 = b[c + 2]!;
  const b3 = b[c + 3]!;
  const b4 = b[c + 4]!;
  const b5 = b[c + 5]!;
  const b6 = b[c + 6]!;
  const b7 = b[c + 7]!;
  for (let j = 0, a = c; j < n; j++, a += rp) {
    const s =
      b0 * At[a]! +
      b1 * At[a + 1]! +
      b2 * At[a + 2]! +
      b3 * At[a + 3]! +
      b4 * At[a + 4]! +
      b5 * At[a + 5]! +
      b6 * At[a + 6]! +
      b7 * At[a + 7]!;
    out[o + j] = accumulate ? out[o + j]! + s : s;
  }
}

function kernel16(
  b: Float64Array,
  c: number,
  At: Float32Array,
  rp: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  const b0 = b[c]!;
  const b1 = b[c + 1]!;
  const b2 = b[c + 2]!;
  const b3 = b[c + 3]!;
  const b4 = b[c + 4]!;
  const b5 = b[c + 5]!;
  const b6 = b[c + 6]!;
  const b7 = b[c + 7]!;
  const b8 = b[c + 8]!;
  const b9 = b[c + 9]!;
  const b10 = b[c + 10]!;
  const b11 = b[c + 11]!;
  const b12 = b[c + 12]!;
  const b13 = b[c + 13]!;
  const b14 = b[c + 14]!;
  const b15 = b[c + 15]!;
  for (let j = 0, a = c; j < n; j++, a += rp) {
    const s =
      b0 * At[a]! +
      b1 * At[a + 1]! +
      b2 * At[a + 2]! +
      b3 * At[a + 3]! +
      b4 * At[a + 4]! +
      b5 * At[a + 5]! +
      b6 * At[a + 6]! +
      b7 * At[a + 7]! +
      b8 * At[a + 8]! +
      b9 * At[a + 9]! +
      b10 * At[a + 10]! +
      b11 * At[a + 11]! +
      b12 * At[a + 12]! +
      b13 * At[a + 13]! +
      b14 * At[a + 14]! +
      b15 * At[a + 15]!;
    out[o + j] = accumulate ? out[o + j]! + s : s;
  }
}

/** out (m×n) = A (m×k) · B (k×n), general sizes, i-p-j order with 4-way unrolled p. */
export function matmul(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  out: Float32Array | Float64Array = new Float32Array(m * n),
): Float32Array | Float64Array {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = A[i * k + p]!;
      const a1 = A[i * k + p + 1]!;
      const a2 = A[i * k + p + 2]!;
      const a3 = A[i * k + p + 3]!;
      const r0 = p * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let j = 0; j < n; j++)
        out[o + j] = out[o + j]! + a0 * B[r0 + j]! + a1 * B[r1 + j]! + a2 * B[r2 + j]! + a3 * B[r3 + j]!;
    }
    for (; p < k; p++) {
      const a = A[i * k + p]!;
      const rp = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + a * B[rp + j]!;
    }
  }
  return out;
}

/** Transpose a row-major m×n matrix into a new n×m one. */
export function transpose<T extends Float32Array | Float64Array>(M: T, m: number, n: number): T {
  const out = new (M.constructor as new (len: number) => T)(m * n);
  const T0 = 32;
  for (let i0 = 0; i0 < m; i0 += T0)
    for (let j0 = 0; j0 < n; j0 += T0) {
      const ie = Math.min(m, i0 + T0);
      const je = Math.min(n, j0 + T0);
      for (let i = i0; i < ie; i++) for (let j = j0; j < je; j++) out[j * m + i] = M[i * n + j]!;
    }
  return out;
}
