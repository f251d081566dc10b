/** GPT-2's BPE, from the vocabulary js-tiktoken ships, as an attribution `Tokenizer`. */
import type { Tokenizer } from '@openledger/attribution';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';

export function gpt2Tokenizer(): Tokenizer {
  const enc = new Tiktoken(gpt2);
  return {
    id: 'tiktoken:gpt2',
    vocabSize: 50_257,
    encode: (text) => enc.encode(text, [], []),
    decode: (tokens) => enc.decode(Array.from(tokens)),
  };
}
