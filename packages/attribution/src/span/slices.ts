/**
 * Sorting in slices: the suffix sorters are generators that yield where they may pause, and
 * this runs them either to the end at once or in slices with the event loop turning between.
 */
import { AbortError } from '@openledger/core';

/** The steps of a sort: it yields where it may pause. */
export type Steps<T = void> = Generator<void, T, void>;

/** Shared by a sort's loops and its driver. */
export interface SortClock {
  /** Loops yield (between chunks) once `performance.now()` reaches this. */
  end: number;
  /** Entries the loops have gone over so far (for progress). */
  work: number;
}

/** A clock that never pauses. */
export const unpaused = (): SortClock => ({ end: Number.POSITIVE_INFINITY, work: 0 });

/**
 * Entries the WebAssembly sorter's loops go over per symbol, about: 13 to 15 measured on text,
 * GPT-2 tokens, random and Fibonacci strings (periodic and constant texts take fewer, and
 * their estimate jumps to 1 at the end). The JavaScript sorter's: 15 to 19.
 */
export const WASM_WORK_PER_SYMBOL = 14;
export const JS_WORK_PER_SYMBOL = 16;

/** Run `steps` to their end without pausing. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

/** Options of {@link runInSlices}. */
export interface SliceOptions {
  /** Stops the sort between slices, with an `AbortError` naming `operation`. */
  signal?: AbortSignal | undefined;
  /** Operation an `AbortError` names (default `'sort'`). */
  operation?: string | undefined;
  /** Hears an estimate of the fraction done after each slice, and 1 once sorted. */
  onProgress?: ((fraction: number) => void) | undefined;
  /** Milliseconds of sorting between turns of the event loop (default 40). */
  sliceMs?: number | undefined;
}

/**
 * Run a sort of `n` symbols in slices of about `sliceMs`, the event loop turning in between:
 * `signal` then stops it (the steps' `finally` blocks run), and `onProgress` hears an estimate
 * of the fraction done, the work counted on `clock` against `workPerSymbol` entries per symbol
 * (increasing; 1 at the end, unless the sort returns null).
 */
export async function runInSlices<T>(
  steps: Steps<T>,
  clock: SortClock,
  n: number,
  workPerSymbol: number,
  options: SliceOptions,
): Promise<T> {
  const { signal, onProgress, sliceMs = 40 } = options;
  let shown = 0;
  try {
    for (;;) {
      if (signal?.aborted) {
        throw new AbortError({ operation: options.operation ?? 'sort', cause: signal.reason });
      }
      clock.end = performance.now() + sliceMs;
      const s = steps.next();
      if (s.done) {
        if (s.value !== null) onProgress?.(1);
        return s.value;
      }
      shown = Math.max(shown, Math.min(0.99, clock.work / (workPerSymbol * n)));
      onProgress?.(shown);
      await nextTurn();
    }
  } finally {
    // Stopped early: the steps clean up (restore what they changed) and the rest is dropped.
    steps.return(undefined as T);
  }
}

/** Resolve on a later turn of the event loop (without the minimum delay of timers). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    }
  });
}
