import type { DatanetSpec } from '../spec/defineDatanet.js';
import type { ContributionIssue, QuotaCheck, QuotaUsage } from '../validate/types.js';

const DAY_MS = 86_400_000;

/**
 * UTC day of a moment as `YYYY-MM-DD` (the day quotas count against).
 *
 * @example
 * import { utcDay } from '@openledger/datanet';
 * utcDay(new Date('2026-01-02T23:59:00-05:00')); // '2026-01-03'
 */
export function utcDay(now: Date | number): string {
  return new Date(typeof now === 'number' ? now : now.getTime()).toISOString().slice(0, 10);
}

function fmtBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)} kB`;
  return `${n} B`;
}

const nonNeg = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/**
 * Check a file against the per-file cap and today's quotas (UTC day): bytes per contributor
 * across datanets, bytes per datanet, files per contributor. Returns the numbers so a UI can say
 * "3.2 MB left today"; `usage` for another day than `now`'s counts as zero. Pass `file` as a
 * byte count, a `Blob`, or `null` when the size is not known yet.
 *
 * @example
 * import { checkQuota, defineDatanet } from '@openledger/datanet';
 * const spec = defineDatanet({ id: 'notes', name: 'Notes', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * const q = checkQuota(spec, { day: '2026-01-02', contributorBytes: 6_800_000, contributorFiles: 3,
 *   datanetBytes: 0 }, 1_000_000, new Date('2026-01-02T10:00:00Z'));
 * q.contributorBytes.remaining; // 3_200_000
 */
export function checkQuota(
  spec: Pick<DatanetSpec, 'limits'>,
  usage: QuotaUsage | null | undefined,
  file: number | { size: number } | null,
  now: Date | number,
): QuotaCheck {
  const t = typeof now === 'number' ? now : now.getTime();
  const day = utcDay(t);
  const today = usage && usage.day === day ? usage : null;
  const L = spec.limits;
  const bytes = file === null ? null : typeof file === 'number' ? file : file.size;
  const cb = { used: nonNeg(today?.contributorBytes ?? 0), limit: L.contributorBytesPerDay, remaining: 0 };
  cb.remaining = Math.max(0, cb.limit - cb.used);
  const cf = { used: nonNeg(today?.contributorFiles ?? 0), limit: L.contributorFilesPerDay, remaining: 0 };
  cf.remaining = Math.max(0, cf.limit - cf.used);
  const db = { used: nonNeg(today?.datanetBytes ?? 0), limit: L.datanetBytesPerDay, remaining: 0 };
  db.remaining = Math.max(0, db.limit - db.used);
  const issues: ContributionIssue[] = [];
  if (cf.remaining === 0)
    issues.push({
      code: 'QUOTA_CONTRIBUTOR_FILES',
      severity: 'error',
      message: `Daily limit of ${cf.limit} files reached; it resets at 00:00 UTC.`,
    });
  if (bytes !== null) {
    if (bytes > L.maxFileBytes)
      issues.push({
        code: 'FILE_TOO_LARGE',
        severity: 'error',
        message: `File is ${fmtBytes(bytes)}; the limit is ${fmtBytes(L.maxFileBytes)} per file.`,
      });
    if (bytes > cb.remaining)
      issues.push({
        code: 'QUOTA_CONTRIBUTOR_BYTES',
        severity: 'error',
        message: `File is ${fmtBytes(bytes)} but only ${fmtBytes(cb.remaining)} of your ${fmtBytes(cb.limit)} daily upload quota is left.`,
      });
    if (bytes > db.remaining)
      issues.push({
        code: 'QUOTA_DATANET_BYTES',
        severity: 'error',
        message: `File is ${fmtBytes(bytes)} but only ${fmtBytes(db.remaining)} of this datanet's ${fmtBytes(db.limit)} daily quota is left.`,
      });
  }
  return {
    ok: issues.length === 0,
    day,
    resetsAt: new Date(Math.floor(t / DAY_MS) * DAY_MS + DAY_MS).toISOString(),
    maxBytesNow: cf.remaining === 0 ? 0 : Math.min(L.maxFileBytes, cb.remaining, db.remaining),
    file: { bytes, limit: L.maxFileBytes },
    contributorBytes: cb,
    contributorFiles: cf,
    datanetBytes: db,
    issues,
  };
}
