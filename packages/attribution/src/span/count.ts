import type { Tokenizer } from '../tokenizers/types.js';
import { withPages } from './paged.js';
import { rankRange, toQueryTokens } from './search.js';
import type { SpanIndex } from './types.js';

/**
 * Options of {@link count}.
 *
 * @example
 * import type { CountOptions } from '@openledger/attribution';
 */
export interface CountOptions {
  /** Tokenizer for text queries; optional for indexes built with `createByteTokenizer()`. */
  tokenizer?: Tokenizer;
}

/**
 * Number of occurrences of an n-gram (text or token ids) in the index, over all shards.
 * Matches never cross document boundaries. The empty n-gram occurs 0 times.
 *
 * @example
 * import { buildSpanIndex, count, createByteTokenizer } from '@openledger/attribution';
 * const index = await buildSpanIndex([{ id: 'a', contributor: 'x', text: 'abcabc' }], { tokenizer: createByteTokenizer() });
 * await count(index, 'abc'); // 2
 */
export async function count(
  index: SpanIndex,
  textOrTokens: string | ArrayLike<number>,
  options: CountOptions = {},
): Promise<number> {
  const q = toQueryTokens(index, textOrTokens, options.tokenizer);
  if (q.length === 0) return 0;
  let total = 0;
  for (const shard of index.shards) {
    const [lo, hi] = await withPages(() => rankRange(shard, q, 0, q.length));
    total += hi - lo;
  }
  return total;
}
