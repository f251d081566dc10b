import { RewardSplitError } from './errors.js';
import { exactWeights } from './exactWeight.js';

/** A `0x`-prefixed 20-byte hex address. */
export type Address = `0x${string}`;

/** One weighted recipient inside a role (a staker by stake, a contributor by attribution share). */
export interface RewardShare {
  /** Recipient address; compared case-insensitively, so duplicates merge. */
  address: Address | string;
  /** Non-negative weight; only ratios matter (a number is used at its exact binary value). */
  weight: number | bigint;
}

/** How a fee is divided between roles, in basis points that sum to exactly 10,000. */
export interface RewardPolicy {
  platform: { address: Address | string; bps: number };
  modelOwner: { address: Address | string; bps: number };
  /** Stakers' part, split by `shares` weights; with no (or zero) weights it goes to the platform. */
  stakers: { bps: number; shares?: readonly RewardShare[] };
  /** Contributors' part, split by the attribution shares passed to {@link splitReward}. */
  contributors: { bps: number };
}

/** Options of {@link splitReward}. */
export interface SplitRewardOptions {
  /** Payouts below this many wei are not made; the amount rolls to the platform. Default `0n`. */
  dust?: bigint;
}

/** One payout of {@link splitReward}. */
export interface RewardPayout {
  /** Lower-case address. */
  address: Address;
  /** Wei. */
  amount: bigint;
}

/** Result of {@link splitReward}. */
export interface SplitRewardReturnType {
  /** One entry per distinct address with a non-zero amount, sorted by address. */
  payouts: RewardPayout[];
  /** Wei that rolled to the platform because the payout it came from was below `dust`. */
  dust: bigint;
  /** Wei of the stakers' or contributors' part that had no recipients and went to the platform. */
  unallocated: bigint;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MAX_WEI = (1n << 256n) - 1n;

function normAddress(a: unknown, where: string): Address {
  if (typeof a !== 'string' || !ADDRESS.test(a)) {
    throw new RewardSplitError('INVALID_ADDRESS', `${where} is not a 20-byte hex address.`, {
      details: `Got ${typeof a === 'string' ? JSON.stringify(a.slice(0, 64)) : typeof a}.`,
    });
  }
  return a.toLowerCase() as Address;
}

function checkBps(bps: unknown, where: string): bigint {
  if (typeof bps !== 'number' || !Number.isInteger(bps) || bps < 0 || bps > 10_000) {
    throw new RewardSplitError(
      'INVALID_POLICY',
      `${where} must be an integer number of basis points 0..10000.`,
      {
        details: `Got ${String(bps)}.`,
      },
    );
  }
  return BigInt(bps);
}

function checkWeights(
  shares: readonly RewardShare[],
  where: string,
): { addr: Address; w: number | bigint }[] {
  if (!Array.isArray(shares)) throw new RewardSplitError('INVALID_SHARES', `${where} must be an array.`);
  return shares.map((s, i) => {
    const w = s?.weight;
    const ok = (typeof w === 'number' && Number.isFinite(w) && w >= 0) || (typeof w === 'bigint' && w >= 0n);
    if (!ok) {
      throw new RewardSplitError(
        'INVALID_SHARES',
        `${where}[${i}].weight must be a finite non-negative number.`,
        {
          details: `Got ${String(w)}.`,
        },
      );
    }
    return { addr: normAddress(s.address, `${where}[${i}].address`), w };
  });
}

/**
 * Split an inference fee exactly between platform, model owner, stakers and contributors.
 *
 * Every recipient's ideal amount is the exact rational `fee × bps/10000 × weight/Σweight`;
 * amounts are floored and the remaining wei go one each to the largest fractional parts
 * (ties to the lower address), so payouts always sum to `fee` and the result does not depend
 * on input order. Duplicate addresses (in any role) are merged before rounding. A payout
 * below `dust` is withheld and rolls to the platform, which is exempt from the threshold.
 *
 * @param fee - Fee in wei (0 ≤ fee < 2^256).
 * @param policy - Basis points per role, summing to 10,000.
 * @param shares - Contributor weights, e.g. `record.contributions.map(c => ({ address: c.contributor, weight: c.share }))`.
 * @example
 * import { splitReward } from '@openledger/attribution';
 * const { payouts } = splitReward(10n ** 18n, {
 *   platform: { address: '0x1111111111111111111111111111111111111111', bps: 1000 },
 *   modelOwner: { address: '0x2222222222222222222222222222222222222222', bps: 3000 },
 *   stakers: { bps: 1000, shares: [{ address: '0x3333333333333333333333333333333333333333', weight: 5n }] },
 *   contributors: { bps: 5000 },
 * }, [{ address: '0x4444444444444444444444444444444444444444', weight: 0.7 },
 *     { address: '0x5555555555555555555555555555555555555555', weight: 0.3 }], { dust: 1000n });
 */
export function splitReward(
  fee: bigint,
  policy: RewardPolicy,
  shares: readonly RewardShare[],
  opts: SplitRewardOptions = {},
): SplitRewardReturnType {
  if (typeof fee !== 'bigint' || fee < 0n || fee > MAX_WEI) {
    throw new RewardSplitError('INVALID_FEE', 'fee must be a bigint number of wei in [0, 2^256).', {
      details: `Got ${typeof fee === 'bigint' ? fee.toString() : typeof fee}.`,
    });
  }
  const dust = opts.dust ?? 0n;
  if (typeof dust !== 'bigint' || dust < 0n) {
    throw new RewardSplitError('INVALID_POLICY', 'dust must be a non-negative bigint (wei).');
  }
  if (!policy || typeof policy !== 'object')
    throw new RewardSplitError('INVALID_POLICY', 'policy is required.');
  const pBps = checkBps(policy.platform?.bps, 'policy.platform.bps');
  const oBps = checkBps(policy.modelOwner?.bps, 'policy.modelOwner.bps');
  const sBps = checkBps(policy.stakers?.bps, 'policy.stakers.bps');
  const cBps = checkBps(policy.contributors?.bps, 'policy.contributors.bps');
  if (pBps + oBps + sBps + cBps !== 10_000n) {
    throw new RewardSplitError('INVALID_POLICY', 'policy basis points must sum to exactly 10000.', {
      details: `platform ${pBps} + modelOwner ${oBps} + stakers ${sBps} + contributors ${cBps} = ${pBps + oBps + sBps + cBps}.`,
    });
  }
  const platform = normAddress(policy.platform.address, 'policy.platform.address');
  const owner = normAddress(policy.modelOwner.address, 'policy.modelOwner.address');
  const stakers = checkWeights(policy.stakers.shares ?? [], 'policy.stakers.shares');
  const contributors = checkWeights(shares, 'shares');

  const sW = exactWeights(stakers.map((s) => s.w));
  const cW = exactWeights(contributors.map((s) => s.w));
  const sTotal = sW.reduce((a, b) => a + b, 0n);
  const cTotal = cW.reduce((a, b) => a + b, 0n);
  // A role with nobody to pay hands its part to the platform (reported as `unallocated`).
  const unallocatedBps = (sTotal === 0n ? sBps : 0n) + (cTotal === 0n ? cBps : 0n);
  const sSum = sTotal === 0n ? 1n : sTotal;
  const cSum = cTotal === 0n ? 1n : cTotal;

  // Common denominator D = 10000·ΣS·ΣC; every recipient's numerator is over D.
  const D = 10_000n * sSum * cSum;
  const num = new Map<Address, bigint>();
  const add = (a: Address, n: bigint) => {
    if (n !== 0n) num.set(a, (num.get(a) ?? 0n) + n);
  };
  add(platform, (pBps + unallocatedBps) * sSum * cSum);
  add(owner, oBps * sSum * cSum);
  if (sTotal > 0n) for (let i = 0; i < stakers.length; i++) add(stakers[i]!.addr, sBps * sW[i]! * cSum);
  if (cTotal > 0n)
    for (let i = 0; i < contributors.length; i++) add(contributors[i]!.addr, cBps * cW[i]! * sSum);

  const rows = [...num].map(([address, n]) => {
    const exact = fee * n;
    return { address, amount: exact / D, rem: exact % D };
  });
  let left = fee - rows.reduce((a, r) => a + r.amount, 0n);
  rows.sort((a, b) => (a.rem === b.rem ? (a.address < b.address ? -1 : 1) : a.rem > b.rem ? -1 : 1));
  for (let i = 0; left > 0n; i++, left--) rows[i % rows.length]!.amount += 1n;

  let rolled = 0n;
  for (const r of rows) {
    if (r.address !== platform && r.amount > 0n && r.amount < dust) {
      rolled += r.amount;
      r.amount = 0n;
    }
  }
  let plat = rows.find((r) => r.address === platform);
  if (rolled > 0n) {
    if (!plat) {
      plat = { address: platform, amount: 0n, rem: 0n };
      rows.push(plat);
    }
    plat.amount += rolled;
  }
  const unallocated = (fee * unallocatedBps) / 10_000n;
  return {
    payouts: rows
      .filter((r) => r.amount > 0n)
      .map(({ address, amount }) => ({ address, amount }))
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
    dust: rolled,
    unallocated,
  };
}
