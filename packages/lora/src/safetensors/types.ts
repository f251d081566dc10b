import type { Dtype, TensorData } from './dtypes.js';

/** One tensor of a safetensors file: dtype, shape (row-major) and its elements. */
export interface Tensor {
  dtype: Dtype;
  shape: number[];
  /** Elements; F16/BF16 hold raw 16-bit patterns, F8 and BOOL raw bytes. */
  data: TensorData;
}

/** A parsed safetensors file. */
export interface SafetensorsFile {
  /** The string→string `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
  /** Tensors in data-section order. */
  tensors: Map<string, Tensor>;
}
