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
  /**
   * How to rebuild this tokenizer in another thread, as plain data. The built-in tokenizers
   * have one; `buildSpanIndexInWorkers` tokenizes in its workers when it is present, and
   * on the calling thread when not.
   */
  readonly recipe?: TokenizerRecipe;
}

/**
 * A tokenizer as plain (structured-cloneable) data: what a worker needs to build the same
 * tokenizer again.
 *
 * @example
 * import { createByteTokenizer, type TokenizerRecipe } from '@openledger/attribution';
 * const recipe: TokenizerRecipe | undefined = createByteTokenizer().recipe; // { kind: 'bytes' }
 */
export type TokenizerRecipe =
  | { readonly kind: 'bytes' }
  | {
      readonly kind: 'tiktoken';
      readonly ranks: { pat_str: string; special_tokens: Record<string, number>; bpe_ranks: string };
      readonly name: string;
      /** False when the tokenizer was made with `webAssembly: false`. */
      readonly webAssembly?: boolean;
    };
