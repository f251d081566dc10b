/**
 * The built-in tokenizers' fast path for index builds (internal): a text's ids appended straight
 * to the index's token array, without an array per document, a second copy, or a range check
 * per id. `Tokenizer.encode` stays the public contract; this is what `buildSpanIndex` uses
 * when the tokenizer offers it.
 */
import type { Tokenizer } from './types.js';

/** Token ids as the index holds them. */
export type TokenArray = Uint16Array | Uint32Array;

/**
 * Encode `text` and write its ids at `at` of the array `room(end)` returns (whose entries before
 * `at` must be kept, and whose length is at least `end`); return `end`, the offset after the
 * last id. Every id written is below the tokenizer's `vocabSize`.
 */
export type Appender = (text: string, room: (end: number) => TokenArray, at: number) => number;

const appenders = new WeakMap<Tokenizer, Appender>();

/** Give `tokenizer` an appender (its ids must be exactly those of `tokenizer.encode`). */
export function withAppender<T extends Tokenizer>(tokenizer: T, append: Appender): T {
  appenders.set(tokenizer, append);
  return tokenizer;
}

/** The appender of `tokenizer`, if it was made with one. */
export function appenderOf(tokenizer: Tokenizer): Appender | undefined {
  return appenders.get(tokenizer);
}
