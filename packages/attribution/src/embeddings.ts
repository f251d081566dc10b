/**
 * @packageDocumentation `@openledger/attribution/embeddings`: embedding-similarity attribution
 * (nearest training texts by cosine similarity of `@huggingface/transformers` embeddings).
 * A separate entry so the main one never pulls transformers in.
 */
export {
  type EmbeddingSimilarityParameters,
  embeddingSimilarity,
  type FeatureExtractor,
} from './influence/embeddingSimilarity.js';
