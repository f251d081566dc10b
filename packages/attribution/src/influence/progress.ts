import { AbortError } from '@openledger/core';

/** Progress of a long influence computation. */
export interface InfluenceProgress {
  /** What is being computed, e.g. `'gradients'`, `'hessian'`, `'solve'`, `'scores'`. */
  phase: string;
  done: number;
  total: number;
}

/** Throw core's AbortError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AbortError({ cause: signal.reason });
  }
}
