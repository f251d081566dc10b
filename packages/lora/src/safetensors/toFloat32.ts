import { widenToF32 } from './dtypes.js';
import type { Tensor } from './types.js';

/**
 * A tensor's elements as Float32Array: the same array for F32, a widened copy for F16, BF16
 * and integer dtypes.
 *
 * @example
 * import { toFloat32 } from '@openledger/lora';
 * toFloat32({ dtype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) }); // Float32Array [1]
 */
export function toFloat32(tensor: Tensor): Float32Array {
  return widenToF32(tensor.dtype, tensor.data);
}
