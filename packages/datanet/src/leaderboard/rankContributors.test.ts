import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ContributionOutcome, rankContributors } from './rankContributors.js';

const NOW = Date.parse('2026-03-31T12:30:00Z');
const DAY = 86_400_000;
const contributors = ['0xa', '0xb', '0xc', '0xd'];

const eventArb: fc.Arbitrary<ContributionOutcome> = fc.record({
  contributor: fc.constantFrom(...contributors),
  status: fc.constantFrom('accepted', 'rejected', 'pending'),
  at: fc.integer({ min: NOW - 40 * DAY, max: NOW + DAY }),
  score: fc.double({ min: 0, max: 1, noNaN: true }),
});
const inWindow = fc.integer({ min: NOW - 29 * DAY, max: NOW - 2 * 3_600_000 });

function scoreOf(events: ContributionOutcome[], who: string): number {
  return rankContributors(events, { now: NOW }).entries.find((e) => e.contributor === who)?.score ?? 0;
}

describe('rankContributors', () => {
  test('1 accepted of 1 does not outrank 95 accepted of 100', () => {
    const events: ContributionOutcome[] = [{ contributor: '0xnew', status: 'accepted', at: NOW - DAY }];
    for (let i = 0; i < 100; i++)
      events.push({
        contributor: '0xvet',
        status: i < 95 ? 'accepted' : 'rejected',
        at: NOW - DAY - i * 60_000,
      });
    const board = rankContributors(events, { now: NOW });
    expect(board.entries.map((e) => e.contributor)).toEqual(['0xvet', '0xnew']);
    expect(board.entries[0]!.acceptanceRate).toBeCloseTo(97 / 104, 12);
  });

  test('consistency counts distinct UTC days with an accepted file, not rejected spam', () => {
    const events: ContributionOutcome[] = [
      { contributor: '0xa', status: 'accepted', at: NOW - 1 * DAY },
      { contributor: '0xa', status: 'accepted', at: NOW - 1 * DAY + 1000 },
      { contributor: '0xa', status: 'accepted', at: NOW - 3 * DAY },
      { contributor: '0xa', status: 'rejected', at: NOW - 5 * DAY },
    ];
    const [e] = rankContributors(events, { now: NOW }).entries;
    expect(e!.activeDays).toBe(2);
    expect(e!.accepted).toBe(3);
    expect(e!.rejected).toBe(1);
  });

  test('the board only changes at refresh boundaries and ignores events outside the window', () => {
    const hourStart = Math.floor(NOW / 3_600_000) * 3_600_000;
    const events: ContributionOutcome[] = [
      { contributor: '0xa', status: 'accepted', at: hourStart + 1 }, // inside the current hour: not yet visible
      { contributor: '0xb', status: 'accepted', at: NOW - 31 * DAY }, // outside the 30-day window
      { contributor: '0xc', status: 'accepted', at: NOW - 2 * DAY },
    ];
    const board = rankContributors(events, { now: NOW });
    expect(board.asOf).toBe(hourStart);
    expect(board.nextRefresh).toBe(hourStart + 3_600_000);
    expect(board.entries.map((e) => e.contributor)).toEqual(['0xc']);
    const later = rankContributors(events, { now: hourStart + 3_600_000 });
    expect(later.entries.map((e) => e.contributor).sort()).toEqual(['0xa', '0xc']);
    expect(rankContributors(events, { now: NOW, windowDays: 40 }).entries).toHaveLength(2);
  });

  test('ties share a rank and are ordered by address', () => {
    const events: ContributionOutcome[] = ['0xb', '0xa', '0xc'].map((c) => ({
      contributor: c,
      status: 'accepted' as const,
      at: NOW - DAY,
    }));
    const board = rankContributors(events, { now: NOW });
    expect(board.entries.map((e) => [e.contributor, e.rank])).toEqual([
      ['0xa', 1],
      ['0xb', 1],
      ['0xc', 1],
    ]);
  });

  test('rejects nonsensical policies with a typed error', () => {
    expect(() => rankContributors([], { refreshMs: 0 })).toThrowError(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(() => rankContributors([], { prior: { alpha: 0, beta: 1 } })).toThrowError(/prior/);
  });

  test('property: an extra accepted contribution never lowers the score', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.constantFrom(...contributors),
        inWindow,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (events, who, at, score) => {
          const before = scoreOf(events, who);
          const after = scoreOf([...events, { contributor: who, status: 'accepted', at, score }], who);
          expect(after).toBeGreaterThanOrEqual(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: extra rejected contributions never raise the score', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.constantFrom(...contributors),
        fc.array(inWindow, { minLength: 1, maxLength: 20 }),
        (events, who, ats) => {
          const before = scoreOf(events, who);
          const spam = ats.map((at) => ({ contributor: who, status: 'rejected' as const, at }));
          expect(scoreOf([...events, ...spam], who)).toBeLessThanOrEqual(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: a contributor with added rejected spam never outranks the same contributor without it', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.constantFrom(...contributors),
        fc.array(inWindow, { minLength: 1, maxLength: 20 }),
        (events, who, ats) => {
          // Twin: the same history under two names, one of them with spam on top.
          const twin = `${who}-twin`;
          const mine = events.filter((e) => e.contributor === who).map((e) => ({ ...e, contributor: twin }));
          const spam = ats.map((at) => ({ contributor: who, status: 'rejected' as const, at }));
          const board = rankContributors([...events, ...mine, ...spam], { now: NOW });
          const rank = (c: string) =>
            board.entries.find((e) => e.contributor === c)?.rank ?? Number.POSITIVE_INFINITY;
          expect(rank(who)).toBeGreaterThanOrEqual(rank(twin));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('property: ranking is independent of event order', () => {
    fc.assert(
      fc.property(
        fc
          .array(eventArb, { maxLength: 60 })
          .chain((ev) =>
            fc.tuple(
              fc.constant(ev),
              fc.shuffledSubarray(ev, { minLength: ev.length, maxLength: ev.length }),
            ),
          ),
        ([a, b]) => {
          expect(rankContributors(b, { now: NOW })).toEqual(rankContributors(a, { now: NOW }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
