import { withAppender } from './append.js';
import type { Tokenizer } from './types.js';

/** Texts up to this many UTF-16 units are encoded through a reused buffer when indexed. */
const SCRATCH_CHARS = 1 << 20;

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
  let scratch = new Uint8Array(0);
  return withAppender(
    {
      id: 'bytes:utf-8',
      vocabSize: 256,
      recipe: { kind: 'bytes' },
      encode: (text) => encoder.encode(text),
      decode: (tokens) => decoder.decode(tokens instanceof Uint8Array ? tokens : Uint8Array.from(tokens)),
    },
    (text, room, at) => {
      let bytes: Uint8Array;
      if (text.length <= SCRATCH_CHARS) {
        // At most 3 bytes per UTF-16 unit.
        if (scratch.length < 3 * text.length) {
          scratch = new Uint8Array(
            Math.min(3 * SCRATCH_CHARS, Math.max(3 * text.length, 2 * scratch.length)),
          );
        }
        bytes = scratch.subarray(0, encoder.encodeInto(text, scratch).written);
      } else bytes = encoder.encode(text);
      const end = at + bytes.length;
      room(end).set(bytes, at);
      return end;
    },
  );
}
