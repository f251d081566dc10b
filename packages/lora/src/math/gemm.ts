/**
 * Dense row-major matrix kernels on Float32Array. No SIMD is available to plain JS, so the
 * speed comes from keeping partial sums in registers and walking memory contiguously.
 */

/**
 * out (m×n) = scale · B (m×r) · A (r×n), overwriting `out`. The LoRA shape: r is small, so each
 * output row is built from r scaled rows of A while it sits in L1; rows of B are read once.
 * Processes two output rows at a time so each loaded element of A feeds two multiply-adds.
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
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const o0 = i * n;
    const o1 = o0 + n;
    const b0 = i * r;
    const b1 = b0 + r;
    {
      const x0 = B[b0]! * scale;
      const x1 = B[b1]! * scale;
      for (let j = 0; j < n; j++) {
        const a = A[j]!;
        out[o0 + j] = x0 * a;
        out[o1 + j] = x1 * a;
      }
    }
    let p = 1;
    for (; p + 1 < r; p += 2) {
      const x00 = B[b0 + p]! * scale;
      const x01 = B[b0 + p + 1]! * scale;
      const x10 = B[b1 + p]! * scale;
      const x11 = B[b1 + p + 1]! * scale;
      const ap = p * n;
      const aq = ap + n;
      for (let j = 0; j < n; j++) {
        const a0 = A[ap + j]!;
        const a1 = A[aq + j]!;
        out[o0 + j] = out[o0 + j]! + x00 * a0 + x01 * a1;
        out[o1 + j] = out[o1 + j]! + x10 * a0 + x11 * a1;
      }
    }
    for (; p < r; p++) {
      const x0 = B[b0 + p]! * scale;
      const x1 = B[b1 + p]! * scale;
      const ap = p * n;
      for (let j = 0; j < n; j++) {
        const a = A[ap + j]!;
        out[o0 + j] = out[o0 + j]! + x0 * a;
        out[o1 + j] = out[o1 + j]! + x1 * a;
      }
    }
  }
  for (; i < m; i++) {
    const o = i * n;
    out.fill(0, o, o + n);
    for (let p = 0; p < r; p++) {
      const x = B[i * r + p]! * scale;
      const ap = p * n;
      for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + x * A[ap + j]!;
    }
  }
  if (r === 0) out.fill(0);
  return out;
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
