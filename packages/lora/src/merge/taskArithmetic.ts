/**
 * The elementwise combinations behind PEFT's `add_weighted_adapter` (its merge_utils), on
 * flat Float32Arrays of equal length: task arithmetic, magnitude and random (DARE) pruning,
 * TIES sign election and disjoint merge.
 */

/** Majority sign rule for TIES: sum of values (`total`) or count of signs (`frequency`). */
export type MajoritySignMethod = 'total' | 'frequency';

/** Σ wᵢ tᵢ. */
export function weightedSum(tensors: Float32Array[], weights: number[]): Float32Array {
  const out = new Float32Array(tensors[0]!.length);
  tensors.forEach((t, i) => {
    const w = weights[i]!;
    for (let j = 0; j < t.length; j++) out[j] = out[j]! + w * t[j]!;
  });
  return out;
}

/**
 * Keep the ⌊density·n⌋ entries of largest magnitude, zero the rest. Among equal magnitudes at
 * the cut-off, lower indices win (torch.topk leaves that order unspecified).
 */
export function magnitudePrune(t: Float32Array, density: number): Float32Array {
  const n = t.length;
  const k = Math.floor(density * n);
  const out = new Float32Array(n);
  if (k <= 0) return out;
  if (k >= n) {
    out.set(t);
    return out;
  }
  const mags = new Float32Array(n);
  for (let i = 0; i < n; i++) mags[i] = Math.abs(t[i]!);
  const sorted = mags.slice().sort();
  const threshold = sorted[n - k]!;
  let above = 0;
  for (let i = 0; i < n; i++) if (mags[i]! > threshold) above++;
  let ties = k - above;
  for (let i = 0; i < n; i++) {
    const m = mags[i]!;
    if (m > threshold) out[i] = t[i]!;
    else if (m === threshold && ties > 0) {
      out[i] = t[i]!;
      ties--;
    }
  }
  return out;
}

/**
 * DARE's random drop: keep each entry with probability `density` (Bernoulli from `rand`),
 * then divide the survivors by `density` so the expectation is unchanged.
 */
export function randomPrune(t: Float32Array, density: number, rand: () => number): Float32Array {
  const out = new Float32Array(t.length);
  const inv = 1 / density;
  for (let i = 0; i < t.length; i++) if (rand() < density) out[i] = t[i]! * inv;
  return out;
}

/** Per entry, whether each tensor's sign agrees with the elected majority sign (zeros never agree). */
export function majoritySignMask(tensors: Float32Array[], method: MajoritySignMethod): Uint8Array[] {
  const n = tensors[0]!.length;
  const score = new Float64Array(n);
  for (const t of tensors)
    for (let j = 0; j < n; j++) {
      const v = t[j]!;
      score[j] = score[j]! + (method === 'total' ? v : Math.sign(v));
    }
  return tensors.map((t) => {
    const mask = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const major = score[j]! >= 0 ? 1 : -1;
      mask[j] = Math.sign(t[j]!) === major ? 1 : 0;
    }
    return mask;
  });
}

/** TIES disjoint merge: mean of the agreeing weighted entries (sum / max(count, 1)). */
export function disjointMerge(weighted: Float32Array[], masks: Uint8Array[]): Float32Array {
  const n = weighted[0]!.length;
  const out = new Float32Array(n);
  const count = new Uint16Array(n);
  weighted.forEach((t, i) => {
    const m = masks[i]!;
    for (let j = 0; j < n; j++)
      if (m[j]) {
        out[j] = out[j]! + t[j]!;
        count[j] = count[j]! + 1;
      }
  });
  for (let j = 0; j < n; j++) if (count[j]! > 1) out[j] = out[j]! / count[j]!;
  return out;
}

/** TIES: magnitude-prune each tensor, elect signs on the pruned (unweighted) tensors, weight, disjoint-merge. */
export function ties(
  tensors: Float32Array[],
  weights: number[],
  density: number,
  method: MajoritySignMethod,
): Float32Array {
  const pruned = tensors.map((t) => magnitudePrune(t, density));
  const masks = majoritySignMask(pruned, method);
  return disjointMerge(
    pruned.map((t, i) => scaleCopy(t, weights[i]!)),
    masks,
  );
}

/** DARE-TIES: random-prune with rescaling, then sign election and disjoint merge. */
export function dareTies(
  tensors: Float32Array[],
  weights: number[],
  density: number,
  method: MajoritySignMethod,
  rand: () => number,
): Float32Array {
  const pruned = tensors.map((t) => randomPrune(t, density, rand));
  const masks = majoritySignMask(pruned, method);
  return disjointMerge(
    pruned.map((t, i) => scaleCopy(t, weights[i]!)),
    masks,
  );
}

function scaleCopy(t: Float32Array, w: number): Float32Array {
  const out = new Float32Array(t.length);
  for (let j = 0; j < t.length; j++) out[j] = t[j]! * w;
  return out;
}
