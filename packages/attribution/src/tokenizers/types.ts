/**
 * What the span index needs from a tokenizer. The index records `id`, so an index built with
 * one tokenizer is never queried with another.
 *
 * @example
 * import type { Tokenizer } from '@openledger/attribution';
 * const t: Tokenizer = { id: 'x', vocabSize: 256, encode: (s) => [...new TextEncoder().encode(s)],
 *   decode: (ids) => new TextDecoder().decode(Uint8Array.from(ids)) };
 */
export interface Tokenizer {
  /** Stable identifier of the vocabulary and its rules (e.g. `bytes:utf8`, `tiktoken:gpt2:<hash>`). */
  readonly id: string;
  /** Number of token ids; every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Text to token ids. */
  encode(text: string): ArrayLike<number>;
  /** Token ids to text. Must be lossless for text produced by `encode` so evidence offsets hold. */
  decode(tokens: ArrayLike<number>): string;
}
