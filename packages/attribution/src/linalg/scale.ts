/**
 * The `beta · C` part of every product here: C[0, len) becomes 0 when beta is 0 (so NaN or
 * garbage in C does not survive), is left alone when beta is 1, else is scaled.
 */
export function scaleOutput(C: Float32Array | Float64Array, len: number, beta: number): void {
  if (beta === 0) C.fill(0, 0, len);
  else if (beta !== 1) for (let i = 0; i < len; i++) C[i]! *= beta;
}
