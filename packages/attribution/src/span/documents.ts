import type { Tokenizer } from '../tokenizers/types.js';
import { SpanIndexUsageError } from './errors.js';
import type { SpanDocument } from './types.js';

/** The tokenizer's vocabulary size, checked: ids and the separator after them fit 32 bits. */
export function checkedVocabSize(tokenizer: Tokenizer): number {
  const vocabSize = tokenizer.vocabSize;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize >= 0xffffffff) {
    throw new SpanIndexUsageError(
      `Tokenizer vocabSize must be an integer in [1, 2^32 − 1), got ${vocabSize}.`,
    );
  }
  return vocabSize;
}

/** Document `n`'s text or tokens, after checking its shape (tokens are checked when indexed). */
export function documentContent(doc: SpanDocument, n: number): string | ArrayLike<number> {
  if (!doc || typeof doc.id !== 'string' || typeof doc.contributor !== 'string') {
    throw new SpanIndexUsageError(`Document ${n} needs string "id" and "contributor".`);
  }
  if ('text' in doc && typeof doc.text === 'string') return doc.text;
  if ('tokens' in doc && doc.tokens && typeof doc.tokens.length === 'number') return doc.tokens;
  throw new SpanIndexUsageError(`Document "${doc.id}" needs "text" (string) or "tokens".`);
}
