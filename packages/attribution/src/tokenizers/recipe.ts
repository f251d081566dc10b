import { createByteTokenizer } from './byte.js';
import { fromTiktokenRanks } from './tiktoken.js';
import type { Tokenizer, TokenizerRecipe } from './types.js';

/** The tokenizer a {@link TokenizerRecipe} describes (in a worker: the same ids as the original). */
export function tokenizerFromRecipe(recipe: TokenizerRecipe): Tokenizer {
  if (recipe.kind === 'bytes') return createByteTokenizer();
  if (recipe.kind === 'tiktoken')
    return fromTiktokenRanks(recipe.ranks, { name: recipe.name, webAssembly: recipe.webAssembly });
  throw new TypeError(`Unknown tokenizer recipe kind ${JSON.stringify((recipe as { kind: unknown }).kind)}.`);
}
