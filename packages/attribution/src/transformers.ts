/**
 * @packageDocumentation
 * `@openledger/attribution/transformers`: use a Hugging Face tokenizer (from
 * `@huggingface/transformers`, an optional peer dependency) with the span index. This entry
 * does not import transformers itself; pass it the tokenizer you loaded.
 */
import type { Tokenizer } from './tokenizers/types.js';

/**
 * The part of a transformers.js `PreTrainedTokenizer` this adapter uses.
 *
 * @example
 * import type { TransformersTokenizerLike } from '@openledger/attribution/transformers';
 */
export interface TransformersTokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(
    ids: number[],
    options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean },
  ): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  /** The parsed tokenizer.json, when the tokenizer was loaded from one. */
  _tokenizerJSON?: unknown;
  config?: { tokenizer_class?: string } | undefined;
}

/**
 * Parameters of {@link fromTransformersTokenizer}.
 *
 * @example
 * import type { FromTransformersTokenizerParameters } from '@openledger/attribution/transformers';
 */
export type FromTransformersTokenizerParameters = TransformersTokenizerLike;
/**
 * Return type of {@link fromTransformersTokenizer}.
 *
 * @example
 * import type { FromTransformersTokenizerReturnType } from '@openledger/attribution/transformers';
 */
export type FromTransformersTokenizerReturnType = Tokenizer;

/**
 * Adapt a `@huggingface/transformers` tokenizer (e.g. from `AutoTokenizer.from_pretrained`)
 * to the span index's {@link Tokenizer}: encodes without special tokens, decodes without
 * clean-up (so decoding is lossless for byte-level BPE), and derives a stable `id` from the
 * tokenizer's model, normalizer and pre-tokenizer, so an index records exactly which
 * vocabulary built it.
 *
 * @example
 * import { AutoTokenizer, env } from '@huggingface/transformers';
 * import { fromTransformersTokenizer } from '@openledger/attribution/transformers';
 * import { buildSpanIndex } from '@openledger/attribution';
 * env.allowRemoteModels = false;
 * env.localModelPath = './models/';
 * const tokenizer = fromTransformersTokenizer(await AutoTokenizer.from_pretrained('gpt2'));
 * const index = await buildSpanIndex([{ id: 'c1', contributor: '0xabc', text: 'Call me Ishmael.' }], { tokenizer });
 */
export function fromTransformersTokenizer(
  tokenizer: FromTransformersTokenizerParameters,
): FromTransformersTokenizerReturnType {
  const vocab = tokenizer.get_vocab();
  const entries: [string, number][] = vocab instanceof Map ? [...vocab] : Object.entries(vocab);
  let max = -1;
  for (const [, id] of entries) if (id > max) max = id;
  const json = tokenizer._tokenizerJSON as Record<string, unknown> | undefined;
  // Identity = what decides the ids: the model (vocab, merges), normalization, pre-tokenization, added tokens.
  const identity = json
    ? JSON.stringify([json.model, json.normalizer, json.pre_tokenizer, json.added_tokens, json.decoder])
    : JSON.stringify(entries.sort((a, b) => a[1] - b[1]));
  const kind = tokenizer.config?.tokenizer_class ?? 'tokenizer';
  return {
    id: `hf:${kind}:${fnv1a64(identity)}`,
    vocabSize: max + 1,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    decode: (ids) =>
      tokenizer.decode(Array.from(ids), { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}

/** Two 32-bit FNV-1a hashes (different offset bases) as 16 hex digits: an identifier, not a MAC. */
function fnv1a64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
