import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { rankContributors } from '../leaderboard/rankContributors.js';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from '../validate/validateContribution.js';
import { AddressSchema, Bytes32Schema, pageSchema } from './common.js';
import { ContributionSchema, ValidationReportWireSchema } from './contribution.js';
import { DatanetSchema } from './datanet.js';
import { LeaderboardEntrySchema } from './leaderboard.js';

const OWNER = '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

describe('wire schemas', () => {
  test('bytes32 must be 0x + 64 lowercase hex; addresses are lowercased', () => {
    expect(Bytes32Schema.safeParse(`0x${'ab'.repeat(32)}`).success).toBe(true);
    for (const bad of [
      `0x${'AB'.repeat(32)}`,
      `0x${'ab'.repeat(31)}`,
      'ab'.repeat(32),
      `0x${'zz'.repeat(32)}`,
    ])
      expect(Bytes32Schema.safeParse(bad).success).toBe(false);
    expect(AddressSchema.parse(OWNER)).toBe(OWNER.toLowerCase());
    expect(AddressSchema.safeParse('0x1234').success).toBe(false);
  });

  test('the report validateContribution makes survives JSON and the wire schema, extra fields kept', async () => {
    const spec = defineDatanet({ id: 'notes', name: 'Notes', kind: 'text', owner: OWNER });
    for (const text of [
      'Call me Ishmael. Some years ago, never mind how long precisely.',
      '',
      '\u0000\u0001',
    ]) {
      const report = await validateContribution(spec, new TextEncoder().encode(text), { fileName: 'a.txt' });
      const wire = ValidationReportWireSchema.parse(JSON.parse(JSON.stringify(report)));
      expect(wire).toEqual(JSON.parse(JSON.stringify(report)));
    }
  });

  test('a datanet spec with defaults applied parses back to itself after JSON', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('text', 'image', 'audio' as const),
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        (kind, tags, maxFileBytes) => {
          const spec = defineDatanet({
            id: 'd-1',
            name: 'D',
            kind,
            owner: OWNER,
            tags,
            limits: { maxFileBytes },
          });
          const json = JSON.parse(
            JSON.stringify({
              id: spec.id,
              spec,
              latestVersion: null,
              counts: { pendingReview: 0, accepted: 0, rejected: 0, rejectedAtEntry: 0 },
              createdAt: new Date(0).toISOString(),
            }),
          );
          expect(DatanetSchema.parse(json).spec).toEqual(json.spec);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('rankContributors entries fit the leaderboard wire schema', () => {
    const day = Date.parse('2026-01-05T00:00:00Z');
    const board = rankContributors(
      [
        { contributor: OWNER.toLowerCase(), status: 'accepted', at: day - 7_200_000, score: 0.8 },
        { contributor: OWNER.toLowerCase(), status: 'rejected', at: day - 3_600_000 },
      ],
      { now: day },
    );
    expect(board.entries).toHaveLength(1);
    expect(board.entries.map((e) => LeaderboardEntrySchema.parse(e))).toEqual(board.entries);
  });

  test('contributions and pages reject unknown states and malformed cursors', () => {
    const base = {
      id: 'ctb_1',
      datanetId: 'notes',
      contributor: OWNER,
      fileName: 'a.txt',
      mediaType: null,
      bytes: 10,
      contentHash: `0x${'00'.repeat(32)}`,
      status: 'pending_review',
      score: 1,
      report: { status: 'accepted', issues: [], bytes: 10 },
      review: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    expect(ContributionSchema.parse(base).contributor).toBe(OWNER.toLowerCase());
    const bad = ContributionSchema.safeParse({ ...base, status: 'deleted' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['status']);
    const page = pageSchema(ContributionSchema);
    expect(page.safeParse({ items: [base], nextCursor: '' }).success).toBe(false);
    expect(page.parse({ items: [base], nextCursor: null }).items).toHaveLength(1);
  });
});
