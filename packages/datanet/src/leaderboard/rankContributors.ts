import { ValidationError } from '@openledger/core';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A reviewed contribution, as the leaderboard sees it. */
export interface ContributionOutcome {
  contributor: string;
  /** Review outcome; `pending` and other states are ignored. */
  status: 'accepted' | 'rejected' | 'pending';
  /** When the outcome happened: epoch ms, `Date`, or ISO 8601. */
  at: number | Date | string;
  /** Validation score (0..1) of an accepted file; defaults to 1. */
  score?: number;
}

/** Tuning of {@link rankContributors}. */
export interface LeaderboardPolicy {
  /** Ranking moment; results only change at `refreshMs` boundaries. Default: now. */
  now?: number | Date;
  /** Length of the window in days (default 30). */
  windowDays?: number;
  /** Refresh interval in ms (default 1 hour). */
  refreshMs?: number;
  /** Beta prior on the acceptance rate: `alpha` pseudo-accepted, `beta` pseudo-rejected (default 2, 2). */
  prior?: { alpha: number; beta: number };
  /** Weights of the three terms (normalised; default 0.6 / 0.25 / 0.15). */
  weights?: { acceptance: number; consistency: number; quality: number };
  /** Quality points at which the quality term reaches 1 − 1/e (default 10). */
  qualityScale?: number;
}

/** One row of the leaderboard. */
export interface LeaderboardEntry {
  /** 1-based; contributors with equal scores share a rank. */
  rank: number;
  contributor: string;
  score: number;
  accepted: number;
  rejected: number;
  /** Posterior mean acceptance rate: (accepted + α) / (accepted + rejected + α + β). */
  acceptanceRate: number;
  /** UTC days in the window with at least one accepted contribution. */
  activeDays: number;
  /** Sum of validation scores of accepted files in the window. */
  qualityPoints: number;
}

/** What {@link rankContributors} returns. */
export interface ContributorRanking {
  /** Start of the refresh bucket the ranking is for (epoch ms). */
  asOf: number;
  windowStart: number;
  /** When the ranking next changes. */
  nextRefresh: number;
  entries: LeaderboardEntry[];
}

function toMs(t: number | Date | string): number {
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
  return ms;
}

/**
 * Rank contributors by acceptance, consistency and the quality of accepted files — pure and
 * deterministic (same events in any order give the same board). Rejections never subtract
 * points; they only lower the Bayesian acceptance rate, and a contributor with no accepted file
 * in the window is not on the board. The formula is in the package README.
 *
 * @example
 * import { rankContributors } from '@openledger/datanet';
 * const board = rankContributors(
 *   [{ contributor: '0xa', status: 'accepted', at: '2026-01-01T10:00:00Z', score: 0.9 }],
 *   { now: Date.parse('2026-01-02T00:00:00Z') },
 * );
 * board.entries[0]?.rank; // 1
 */
export function rankContributors(
  events: Iterable<ContributionOutcome>,
  policy: LeaderboardPolicy = {},
): ContributorRanking {
  const refresh = policy.refreshMs ?? HOUR_MS;
  const windowDays = policy.windowDays ?? 30;
  const { alpha, beta } = policy.prior ?? { alpha: 2, beta: 2 };
  const w = policy.weights ?? { acceptance: 0.6, consistency: 0.25, quality: 0.15 };
  const scale = policy.qualityScale ?? 10;
  const now = policy.now === undefined ? Date.now() : toMs(policy.now);
  const bad = (m: string) =>
    new ValidationError(`Invalid leaderboard policy: ${m}.`, { docsPath: '/datanet/leaderboard' });
  if (!(refresh > 0) || !Number.isFinite(refresh)) throw bad('refreshMs must be a positive number');
  if (!(windowDays > 0) || !Number.isFinite(windowDays)) throw bad('windowDays must be positive');
  if (!(alpha > 0) || !(beta > 0)) throw bad('prior alpha and beta must be positive');
  if (!(scale > 0)) throw bad('qualityScale must be positive');
  const wsum = w.acceptance + w.consistency + w.quality;
  if (![w.acceptance, w.consistency, w.quality].every((x) => x >= 0) || !(wsum > 0))
    throw bad('weights must be non-negative with a positive sum');
  if (!Number.isFinite(now)) throw bad('now must be a valid time');

  // The board is a function of the bucket, not the exact moment: it changes once per refresh.
  const asOf = Math.floor(now / refresh) * refresh;
  const windowStart = asOf - windowDays * DAY_MS;

  const per = new Map<string, { a: number; r: number; days: Set<number>; scores: number[] }>();
  for (const e of events) {
    if (e.status !== 'accepted' && e.status !== 'rejected') continue;
    const t = toMs(e.at);
    if (!Number.isFinite(t) || t < windowStart || t >= asOf) continue;
    let p = per.get(e.contributor);
    if (!p) {
      p = { a: 0, r: 0, days: new Set(), scores: [] };
      per.set(e.contributor, p);
    }
    if (e.status === 'accepted') {
      p.a++;
      p.days.add(Math.floor(t / DAY_MS));
      const sc = e.score ?? 1;
      p.scores.push(Number.isFinite(sc) ? Math.min(1, Math.max(0, sc)) : 0);
    } else p.r++;
  }

  const windowDayCount = Math.max(1, Math.ceil(windowDays));
  const entries: LeaderboardEntry[] = [];
  for (const [contributor, p] of per) {
    // Only accepted work earns a place on the board; rejections alone never add anything.
    if (p.a === 0) continue;
    // Sum sorted scores so floating-point rounding does not depend on event order.
    p.scores.sort((x, y) => x - y);
    let q = 0;
    for (const s of p.scores) q += s;
    const acceptanceRate = (p.a + alpha) / (p.a + p.r + alpha + beta);
    const consistency = Math.min(1, p.days.size / windowDayCount);
    const quality = 1 - Math.exp(-q / scale);
    const score = (w.acceptance * acceptanceRate + w.consistency * consistency + w.quality * quality) / wsum;
    entries.push({
      rank: 0,
      contributor,
      score,
      accepted: p.a,
      rejected: p.r,
      acceptanceRate,
      activeDays: p.days.size,
      qualityPoints: q,
    });
  }
  entries.sort(
    (x, y) =>
      y.score - x.score || (x.contributor < y.contributor ? -1 : x.contributor > y.contributor ? 1 : 0),
  );
  for (let i = 0; i < entries.length; i++)
    entries[i]!.rank = i > 0 && entries[i]!.score === entries[i - 1]!.score ? entries[i - 1]!.rank : i + 1;
  return { asOf, windowStart, nextRefresh: asOf + refresh, entries };
}
