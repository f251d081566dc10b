import { AttributionRecordError } from './errors.js';
import { hashCanonical } from './hashAttributionRecord.js';
import {
  type AdapterLineage,
  type AttributionRecord,
  AttributionRecordSchema,
  type RecordContribution,
} from './schema.js';

/**
 * What a record is built from: a span `AttributionResult` (from `attributeOutput`) or an
 * influence aggregate (from `aggregateInfluence`). Only these fields are read.
 */
export interface AttributionSource {
  contributions: readonly {
    contributionId: string;
    contributor: string;
    score: number;
    /** Ignored: shares are recomputed from scores and lineage. */
    share?: number;
    datanetId?: string;
  }[];
}

/** Parameters of {@link createAttributionRecord}. */
export interface CreateAttributionRecordParameters {
  inferenceId: string;
  modelId: string;
  method: AttributionRecord['method'];
  /** The attribution of the output to training contributions. */
  result: AttributionSource;
  /** Datanet of each contribution, when `result` does not carry `datanetId`. */
  datanetOf?: Readonly<Record<string, string>> | ((contributionId: string) => string | undefined);
  /**
   * Adapters that produced the output: `weight` is the adapter's part of the output, `lineage`
   * the datanet versions that trained it. Without adapters, shares follow the scores directly.
   */
  adapters?: readonly AdapterLineage[];
  /** Hash of the span index (span attribution). */
  indexHash?: `0x${string}` | null;
  /** What the scores rest on (spans, per-example scores); hashed into `evidenceHash`. Default: `result`. */
  evidence?: unknown;
  /** Default: now. */
  createdAt?: Date | string;
}

/**
 * Build an {@link AttributionRecord}, combining the layers output → adapters → contributions.
 *
 * Scores are clipped at zero (a contribution that pulled the output away earns nothing). With
 * adapters, each adapter's output weight is divided among its lineage datanets by lineage
 * weight, and each datanet's part among its contributions by score; datanets (and adapters)
 * with no positively scored contribution hand their part to the rest pro rata. Without
 * adapters, shares are the normalised scores. Shares sum to 1, or the list is empty.
 *
 * @example
 * import { createAttributionRecord } from '@openledger/attribution';
 * const record = createAttributionRecord({
 *   inferenceId: 'inf_1', modelId: 'llama-3-8b', method: { name: 'span', params: { minSpanLength: 4 } },
 *   result: { contributions: [{ contributionId: 'c1', datanetId: 'dn1', score: 2.5,
 *     contributor: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }] },
 * });
 */
export function createAttributionRecord(params: CreateAttributionRecordParameters): AttributionRecord {
  const { result, adapters = [], datanetOf } = params;
  if (!result || !Array.isArray(result.contributions)) {
    throw new AttributionRecordError('INVALID_INPUT', 'result.contributions must be an array.');
  }
  const resolve = (id: string): string | undefined =>
    typeof datanetOf === 'function' ? datanetOf(id) : datanetOf ? datanetOf[id] : undefined;

  // Merge repeated contribution ids (e.g. one contribution cited by several spans).
  const merged = new Map<
    string,
    { contributionId: string; datanetId: string; contributor: string; score: number }
  >();
  for (const [i, c] of result.contributions.entries()) {
    const datanetId = c.datanetId ?? resolve(c.contributionId);
    if (!datanetId) {
      throw new AttributionRecordError(
        'INVALID_INPUT',
        `No datanet for contribution ${JSON.stringify(c.contributionId)}.`,
        {
          details: `result.contributions[${i}] has no datanetId and datanetOf does not know it.`,
        },
      );
    }
    if (typeof c.score !== 'number' || !Number.isFinite(c.score)) {
      throw new AttributionRecordError(
        'INVALID_INPUT',
        `result.contributions[${i}].score must be a finite number.`,
      );
    }
    const prev = merged.get(c.contributionId);
    if (prev) {
      if (prev.datanetId !== datanetId || prev.contributor.toLowerCase() !== c.contributor.toLowerCase()) {
        throw new AttributionRecordError(
          'INVALID_INPUT',
          `Contribution ${c.contributionId} appears with two owners.`,
        );
      }
      prev.score += c.score;
    } else
      merged.set(c.contributionId, {
        contributionId: c.contributionId,
        datanetId,
        contributor: c.contributor,
        score: c.score,
      });
  }
  const rows = [...merged.values()].sort((a, b) =>
    a.contributionId < b.contributionId ? -1 : a.contributionId > b.contributionId ? 1 : 0,
  );

  const share = new Map<string, number>();
  const positive = rows.filter((r) => r.score > 0);
  // Weights and scores are scaled by their largest value before summing, so that neither tiny
  // (subnormal) nor huge ones underflow to 0 or overflow to Infinity and turn shares into NaN.
  if (adapters.length === 0) {
    const maxScore = positive.reduce((m, r) => Math.max(m, r.score), 0);
    const total = positive.reduce((a, r) => a + r.score / maxScore, 0);
    for (const r of positive) share.set(r.contributionId, r.score / maxScore / total);
  } else {
    const byDatanet = new Map<string, typeof rows>();
    for (const r of positive) byDatanet.set(r.datanetId, [...(byDatanet.get(r.datanetId) ?? []), r]);
    // Adapters that credit anything: positive weight and a lineage datanet with positive scores.
    const credited = adapters
      .map((a) => ({
        weight: a.weight,
        live: a.lineage.filter((l) => byDatanet.has(l.datanetId) && l.weight > 0),
      }))
      .filter((a) => a.weight > 0 && a.live.length > 0);
    const maxAdapter = credited.reduce((m, a) => Math.max(m, a.weight), 0);
    const datanetWeight = new Map<string, number>();
    for (const { weight, live } of credited) {
      const maxL = live.reduce((m, l) => Math.max(m, l.weight), 0);
      const lw = live.reduce((s, l) => s + l.weight / maxL, 0);
      const aw = weight / maxAdapter;
      for (const l of live)
        datanetWeight.set(l.datanetId, (datanetWeight.get(l.datanetId) ?? 0) + (aw * (l.weight / maxL)) / lw);
    }
    const totalW = [...datanetWeight.values()].reduce((s, w) => s + w, 0);
    for (const [d, w] of datanetWeight) {
      const members = byDatanet.get(d)!;
      const top = members.reduce((m, r) => Math.max(m, r.score), 0);
      const ms = members.reduce((s, r) => s + r.score / top, 0);
      for (const r of members) share.set(r.contributionId, (w / totalW) * (r.score / top / ms));
    }
  }

  const contributions: RecordContribution[] = rows.map((r) => ({
    contributionId: r.contributionId,
    datanetId: r.datanetId,
    contributor: r.contributor,
    score: r.score,
    share: Math.min(1, share.get(r.contributionId) ?? 0),
  }));
  const createdAt =
    params.createdAt instanceof Date
      ? params.createdAt.toISOString()
      : (params.createdAt ?? new Date().toISOString());
  const record = {
    version: 1 as const,
    inferenceId: params.inferenceId,
    modelId: params.modelId,
    adapters: adapters.map((a) => ({
      adapterId: a.adapterId,
      weight: a.weight,
      lineage: a.lineage.map((l) => ({ ...l })),
    })),
    method: params.method,
    indexHash: params.indexHash ?? null,
    contributions,
    evidenceHash: hashCanonical(params.evidence ?? result),
    createdAt,
  };
  const parsed = AttributionRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AttributionRecordError('INVALID_INPUT', 'The inputs do not make a valid attribution record.', {
      details: `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    });
  }
  return parsed.data;
}
