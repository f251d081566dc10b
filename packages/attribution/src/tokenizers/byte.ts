import type { Tokenizer } from './types.js';

/**
 * A tokenizer whose tokens are the UTF-8 bytes of the text (vocabulary of 256). Needs no
 * files, and makes the index a plain byte-level suffix array.
 *
 * @example
 * import { createByteTokenizer } from '@openledger/attribution';
 * const tok = createByteTokenizer();
 * tok.encode('hé'); // Uint8Array [104, 195, 169]
 */
export function createByteTokenizer(): Tokenizer {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    id: 'bytes:utf-8',
    vocabSize: 256,
    recipe: { kind: 'bytes' },
    encode: (text) => encoder.encode(text),
    decode: (tokens) => decoder.decode(tokens instanceof Uint8Array ? tokens : Uint8Array.from(tokens)),
  };
}
