import type { InfluenceResult, ScoredExample } from './types.js';

/** The k largest entries of a row (ties to the lower index), best first. */
export function topKRow(row: ArrayLike<number>, k: number): ScoredExample[] {
  const n = row.length;
  k = Math.min(k, n);
  if (k <= 0) return [];
  // A small sorted buffer beats a full sort when k ≪ n.
  const out: ScoredExample[] = [];
  for (let i = 0; i < n; i++) {
    const s = row[i]!;
    if (out.length === k && !(s > out[k - 1]!.score)) continue;
    let j = out.length === k ? k - 1 : out.length;
    if (out.length < k) out.push({ index: i, score: s });
    while (j > 0 && out[j - 1]!.score < s) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = { index: i, score: s };
  }
  return out;
}

export function buildResult(
  method: InfluenceResult['method'],
  params: InfluenceResult['params'],
  scores: Float64Array,
  numTest: number,
  numTrain: number,
  topK: number,
  selfInfluence?: Float64Array,
): InfluenceResult {
  const top: ScoredExample[][] = [];
  for (let t = 0; t < numTest; t++)
    top.push(topKRow(scores.subarray(t * numTrain, (t + 1) * numTrain), topK));
  return { method, params, numTest, numTrain, scores, top, ...(selfInfluence ? { selfInfluence } : {}) };
}
