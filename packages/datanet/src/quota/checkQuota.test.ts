import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defineDatanet } from '../spec/defineDatanet.js';
import { checkQuota } from './checkQuota.js';

const spec = defineDatanet({
  id: 'notes',
  name: 'Notes',
  kind: 'text',
  owner: '0x0000000000000000000000000000000000000001',
});
const now = new Date('2026-07-04T23:59:59.999Z');

describe('checkQuota', () => {
  test('gives the numbers a UI needs: 3.2 MB left today', () => {
    const q = checkQuota(
      spec,
      { day: '2026-07-04', contributorBytes: 6_800_000, contributorFiles: 3, datanetBytes: 1_000_000 },
      1_000_000,
      now,
    );
    expect(q.ok).toBe(true);
    expect(q.day).toBe('2026-07-04');
    expect(q.resetsAt).toBe('2026-07-05T00:00:00.000Z');
    expect(q.contributorBytes).toEqual({ used: 6_800_000, limit: 10_000_000, remaining: 3_200_000 });
    expect(q.contributorFiles.remaining).toBe(17);
    expect(q.maxBytesNow).toBe(3_200_000);
    const over = checkQuota(
      spec,
      { day: '2026-07-04', contributorBytes: 6_800_000, contributorFiles: 3, datanetBytes: 0 },
      3_300_000,
      now,
    );
    expect(over.issues.map((i) => i.code)).toEqual(['QUOTA_CONTRIBUTOR_BYTES']);
    expect(over.issues[0]!.message).toContain('3.2 MB');
  });

  test('a new UTC day starts from zero', () => {
    const q = checkQuota(
      spec,
      { day: '2026-07-04', contributorBytes: 9e6, contributorFiles: 20, datanetBytes: 9e6 },
      4e6,
      new Date('2026-07-05T00:00:00Z'),
    );
    expect(q.ok).toBe(true);
    expect(q.contributorFiles.used).toBe(0);
  });

  test('property: ok exactly when the file fits every cap (brute-force reference)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12e6 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 12e6 }),
        fc.integer({ min: 0, max: 7e6 }),
        (cb, cf, db, bytes) => {
          const q = checkQuota(
            spec,
            { day: '2026-07-04', contributorBytes: cb, contributorFiles: cf, datanetBytes: db },
            bytes,
            now,
          );
          const fits =
            bytes <= 5e6 && bytes <= Math.max(0, 10e6 - cb) && bytes <= Math.max(0, 10e6 - db) && cf < 20;
          expect(q.ok).toBe(fits);
          expect(q.ok).toBe(cf < 20 && bytes <= q.maxBytesNow);
          for (const k of ['contributorBytes', 'contributorFiles', 'datanetBytes'] as const)
            expect(q[k].remaining).toBe(Math.max(0, q[k].limit - q[k].used));
        },
      ),
      { numRuns: 500 },
    );
  });
});
