import { InfluenceError } from './errors.js';
import type { GradientMatrix } from './types.js';

/** Refuse a matrix whose data does not match its shape, or (unless `values` is false) holds NaN/Infinity. */
export function checkMatrix(m: GradientMatrix, name: string, cols?: number, values = true): void {
  if (
    !m ||
    !Number.isSafeInteger(m.rows) ||
    !Number.isSafeInteger(m.cols) ||
    m.rows < 0 ||
    m.cols <= 0 ||
    !(m.data instanceof Float32Array || m.data instanceof Float64Array)
  ) {
    throw new InfluenceError(
      'INVALID_INPUT',
      `${name} must be { rows, cols, data: Float32Array | Float64Array }.`,
    );
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new InfluenceError(
      'SHAPE_MISMATCH',
      `${name}.data has ${m.data.length} values, expected ${m.rows} × ${m.cols}.`,
    );
  }
  if (cols !== undefined && m.cols !== cols) {
    throw new InfluenceError('SHAPE_MISMATCH', `${name} has ${m.cols} columns, expected ${cols}.`);
  }
  if (!values) return;
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      throw new InfluenceError(
        'INVALID_INPUT',
        `${name} holds a non-finite value at row ${Math.floor(i / m.cols)}.`,
      );
    }
  }
}

export function checkTopK(k: number | undefined): number {
  const v = k ?? 10;
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InfluenceError('INVALID_INPUT', 'topK must be a non-negative integer.');
  return v;
}
