/**
 * A "Melville style" scorer: a linear classifier over hashed bag-of-words features whose whole
 * update is a LoRA adapter (rank r on a frozen base), trained on the rows of an instruction
 * datanet. The same weights run three ways: as the attribution package's `loraLinear` model
 * (for training and gradient influence), as a PEFT adapter on disk (for lineage and
 * composition), and through onnxruntime with the adapter fed as graph inputs (for serving).
 */
import { type Example, type LoraLinearModel, loraLinear } from '@openledger/attribution';
import { createAdapter, type LineageManifestInput, type LoraAdapter } from '@openledger/lora';

/** Hashed feature count (the classifier's input is this plus a bias term). */
export const FEATURES = 256;
export const RANK = 4;
const ALPHA = RANK; // scale 1
export const MODULE = 'scorer';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** L2-normalised hashed bag of words and word bigrams. */
export function features(text: string): Float64Array {
  const x = new Float64Array(FEATURES);
  const w = text.toLowerCase().match(/[a-z']+/g) ?? [];
  for (let i = 0; i < w.length; i++) {
    x[fnv1a(w[i]!) % FEATURES]! += 1;
    if (i > 0) x[fnv1a(`${w[i - 1]} ${w[i]}`) % FEATURES]! += 0.5;
  }
  let n = 0;
  for (const v of x) n += v * v;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < FEATURES; i++) x[i]! /= n;
  return x;
}

/** A training row with the contribution it came from. */
export interface ScorerExample extends Example {
  contributionId: string;
}

function shuffleWords(text: string, seed: number): string {
  const w = text.split(/\s+/);
  let s = seed || 1;
  for (let i = w.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [w[i], w[j]] = [w[j]!, w[i]!];
  }
  return w.join(' ');
}

/**
 * Examples from instruction rows: each row's `output` is a positive (class 1), the same words
 * shuffled a negative (class 0) — the scorer learns Melville's word order, not his vocabulary.
 */
export function scorerExamples(
  rows: ReadonlyArray<{ contributionId: string; output: string }>,
): ScorerExample[] {
  return rows.flatMap((r, i) => [
    { x: features(r.output), y: 1, contributionId: r.contributionId },
    { x: features(shuffleWords(r.output, i + 7)), y: 0, contributionId: r.contributionId },
  ]);
}

/** Train the LoRA scorer on `examples`. */
export function trainScorer(examples: readonly ScorerExample[], seed = 7): LoraLinearModel {
  const model = loraLinear({
    numFeatures: FEATURES,
    numClasses: 2,
    rank: RANK,
    alpha: ALPHA,
    l2: 1e-3,
    seed,
  });
  model.fit(examples, { steps: 300, learningRate: 0.05 });
  return model;
}

/** The fitted LoRA factors as a PEFT adapter (module `scorer`, A: r×(F+1), B: 2×r). */
export function scorerAdapter(model: LoraLinearModel, lineage: LineageManifestInput): LoraAdapter {
  const q = FEATURES + 1;
  const A = Float32Array.from(model.params.subarray(0, RANK * q));
  const B = Float32Array.from(model.params.subarray(RANK * q, RANK * q + 2 * RANK));
  return createAdapter({
    config: {
      peft_type: 'LORA',
      r: RANK,
      lora_alpha: ALPHA,
      target_modules: [MODULE],
      base_model_name_or_path: 'openledger/markov-style-scorer',
      task_type: 'SEQ_CLS',
    },
    tensors: {
      [`base_model.model.${MODULE}.lora_A.weight`]: { dtype: 'F32', shape: [RANK, q], data: A },
      [`base_model.model.${MODULE}.lora_B.weight`]: { dtype: 'F32', shape: [2, RANK], data: B },
    },
    lineage,
  });
}
