import type { Tokenizer } from '../tokenizers/types.js';

/** Word structure of an output's tokens, from each token's decoded text. */
export interface OutputShape {
  /** `start[i]`: a span may start at token i (a word start, not whitespace only). */
  start: Uint8Array;
  /** `end[j]` (length L + 1): a span may end before token j (a word boundary). */
  end: Uint8Array;
  /** `delim[i]`: token i holds a sentence or line delimiter; spans may only end with one. */
  delim: Uint8Array;
}

const WS_START = /^\s/u;
const ALL_WS = /^\s*$/u;
// U+FFFD counts as a word character: a byte-level token holding part of a multi-byte
// character decodes to it, and a boundary must never fall inside a character.
const WORD_FIRST = /^[\p{L}\p{N}\p{M}_'\uFFFD]/u;
const WORD_LAST = /[\p{L}\p{N}\p{M}_'\uFFFD]$/u;
const DELIM = /[.!?\n]/u;

/**
 * Word starts, word ends and delimiters of a token sequence. A token starts a word when it
 * begins with whitespace (the GPT-2/Llama leading-space convention) or follows a token that
 * ends in a non-word character (space, punctuation); a span may end where the next token
 * begins, or the last one ends, with a non-word character. Whitespace-only tokens never start
 * or end a span, and UTF-8 fragments never make a boundary.
 */
export function analyzeOutput(tokenizer: Tokenizer, tokens: ArrayLike<number>): OutputShape {
  const L = tokens.length;
  const cache = new Map<number, string>();
  const piece = (t: number) => {
    let s = cache.get(t);
    if (s === undefined) {
      s = tokenizer.decode([t]);
      cache.set(t, s);
    }
    return s;
  };
  const pieces: string[] = new Array(L);
  for (let i = 0; i < L; i++) pieces[i] = piece(tokens[i]!);
  const ws = pieces.map((p) => ALL_WS.test(p));
  const start = new Uint8Array(L);
  const end = new Uint8Array(L + 1);
  const delim = new Uint8Array(L);
  for (let i = 0; i < L; i++) {
    const p = pieces[i]!;
    start[i] = !ws[i] && (i === 0 || WS_START.test(p) || !WORD_LAST.test(pieces[i - 1]!)) ? 1 : 0;
    delim[i] = DELIM.test(p) ? 1 : 0;
  }
  for (let j = 1; j <= L; j++) {
    end[j] =
      !ws[j - 1] && (j === L || !WORD_FIRST.test(pieces[j]!) || !WORD_LAST.test(pieces[j - 1]!)) ? 1 : 0;
  }
  return { start, end, delim };
}
