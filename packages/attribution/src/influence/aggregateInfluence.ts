import { InfluenceError } from './errors.js';
import type { InfluenceResult } from './types.js';

/** Who owns a training example. */
export interface TrainingExampleOwner {
  contributionId: string;
  contributor: string;
  datanetId?: string;
}

/** Parameters of {@link aggregateInfluence}. */
export interface AggregateInfluenceParameters {
  /** Owner of each training example, in training order. */
  owners: readonly TrainingExampleOwner[];
  /** Which test examples to include (default: all) — e.g. the tokens of one inference. */
  testIndices?: readonly number[];
  /** `'positive'` (default): only helpful scores count; `'absolute'`: |score|. */
  mode?: 'positive' | 'absolute';
}

/** Aggregated credit (a record source for `createAttributionRecord`). */
export interface AggregateInfluenceReturnType {
  contributions: {
    contributionId: string;
    contributor: string;
    datanetId?: string;
    score: number;
    share: number;
  }[];
  contributors: { contributor: string; score: number; share: number }[];
}

/**
 * Sum per-example influence over test examples and group it by contribution and by
 * contributor, with shares that sum to 1 (both lists empty when nothing scored positive).
 * The `contributions` list is what `createAttributionRecord` takes as `result`.
 *
 * @example
 * import { aggregateInfluence, tracIn, createAttributionRecord } from '@openledger/attribution';
 * const train = { rows: 2, cols: 2, data: Float32Array.of(1, 0, 0, 1) };
 * const test = { rows: 1, cols: 2, data: Float32Array.of(1, 0.5) };
 * const res = tracIn({ checkpoints: [{ learningRate: 1, train, test }] });
 * const agg = aggregateInfluence(res, { owners: [
 *   { contributionId: 'c1', datanetId: 'dn', contributor: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
 *   { contributionId: 'c2', datanetId: 'dn', contributor: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' }] });
 */
export function aggregateInfluence(
  result: InfluenceResult,
  params: AggregateInfluenceParameters,
): AggregateInfluenceReturnType {
  const { owners, mode = 'positive' } = params;
  const n = result.numTrain;
  if (!Array.isArray(owners) || owners.length !== n) {
    throw new InfluenceError(
      'SHAPE_MISMATCH',
      `owners must list ${n} training examples (got ${owners?.length}).`,
    );
  }
  const tests = params.testIndices ?? Array.from({ length: result.numTest }, (_, t) => t);
  const perExample = new Float64Array(n);
  for (const t of tests) {
    if (!Number.isInteger(t) || t < 0 || t >= result.numTest)
      throw new InfluenceError('INVALID_INPUT', `test index ${t} is out of range.`);
    for (let i = 0; i < n; i++) {
      const s = result.scores[t * n + i]!;
      perExample[i]! += mode === 'absolute' ? Math.abs(s) : Math.max(0, s);
    }
  }
  const byContribution = new Map<
    string,
    { contributionId: string; contributor: string; datanetId?: string; score: number }
  >();
  owners.forEach((o, i) => {
    const cur = byContribution.get(o.contributionId);
    if (cur) cur.score += perExample[i]!;
    else byContribution.set(o.contributionId, { ...o, score: perExample[i]! });
  });
  const total = perExample.reduce((a, b) => a + b, 0);
  const contributions = [...byContribution.values()]
    .filter((c) => c.score > 0)
    .map((c) => ({ ...c, share: c.score / total }))
    .sort((a, b) => b.score - a.score || (a.contributionId < b.contributionId ? -1 : 1));
  const byContributor = new Map<string, number>();
  for (const c of contributions) {
    const k = c.contributor.toLowerCase();
    byContributor.set(k, (byContributor.get(k) ?? 0) + c.score);
  }
  const contributors = [...byContributor]
    .map(([contributor, score]) => ({ contributor, score, share: score / total }))
    .sort((a, b) => b.score - a.score || (a.contributor < b.contributor ? -1 : 1));
  return { contributions, contributors };
}
