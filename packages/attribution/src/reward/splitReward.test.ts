import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RewardSplitError } from './errors.js';
import { type RewardPolicy, type RewardShare, splitReward } from './splitReward.js';

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const P = addr(0xa1);
const O = addr(0xa2);

const basePolicy = (bps: [number, number, number, number], stakers: RewardShare[] = []): RewardPolicy => ({
  platform: { address: P, bps: bps[0] },
  modelOwner: { address: O, bps: bps[1] },
  stakers: { bps: bps[2], shares: stakers },
  contributors: { bps: bps[3] },
});

/** Four non-negative integers summing to 10,000. */
const bpsArb = fc
  .tuple(
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
  )
  .map(([a, b, c]) => {
    const cuts = [a, b, c].sort((x, y) => x - y);
    return [cuts[0]!, cuts[1]! - cuts[0]!, cuts[2]! - cuts[1]!, 10_000 - cuts[2]!] as [
      number,
      number,
      number,
      number,
    ];
  });
const feeArb = fc.bigInt({ min: 1n, max: 10n ** 30n });
// Small address pool so duplicates (and collisions with platform/owner) happen often.
const addrArb = fc.integer({ min: 0xa1, max: 0xaa }).map(addr);
const shareArb = fc.record({ address: addrArb, weight: fc.bigInt({ min: 0n, max: 10n ** 20n }) });
const sharesArb = fc.array(shareArb, { minLength: 0, maxLength: 12 });

/** Independent reference: ideal amount per address as an exact rational (numerator, denominator). */
function idealAmounts(fee: bigint, policy: RewardPolicy, shares: RewardShare[]) {
  const out = new Map<string, { n: bigint; d: bigint }>();
  const add = (a: string, n: bigint, d: bigint) => {
    const k = a.toLowerCase();
    const cur = out.get(k) ?? { n: 0n, d: 1n };
    out.set(k, { n: cur.n * d + n * cur.d, d: cur.d * d });
  };
  const sShares = policy.stakers.shares ?? [];
  const sSum = sShares.reduce((a, s) => a + BigInt(s.weight), 0n);
  const cSum = shares.reduce((a, s) => a + BigInt(s.weight), 0n);
  let platformBps = BigInt(policy.platform.bps);
  if (sSum === 0n) platformBps += BigInt(policy.stakers.bps);
  if (cSum === 0n) platformBps += BigInt(policy.contributors.bps);
  add(policy.platform.address, fee * platformBps, 10_000n);
  add(policy.modelOwner.address, fee * BigInt(policy.modelOwner.bps), 10_000n);
  if (sSum > 0n)
    for (const s of sShares)
      add(s.address, fee * BigInt(policy.stakers.bps) * BigInt(s.weight), 10_000n * sSum);
  if (cSum > 0n)
    for (const c of shares)
      add(c.address, fee * BigInt(policy.contributors.bps) * BigInt(c.weight), 10_000n * cSum);
  return out;
}

const total = (r: ReturnType<typeof splitReward>) => r.payouts.reduce((a, p) => a + p.amount, 0n);

describe('splitReward', () => {
  test('splits a round fee by the policy and contributor shares', () => {
    const r = splitReward(10_000n, basePolicy([1000, 2000, 0, 7000]), [
      { address: addr(1), weight: 3 },
      { address: addr(2), weight: 1 },
    ]);
    const m = Object.fromEntries(r.payouts.map((p) => [p.address, p.amount]));
    expect(m).toEqual({ [addr(1)]: 5250n, [addr(2)]: 1750n, [P]: 1000n, [O]: 2000n });
    expect(total(r)).toBe(10_000n);
  });

  test('gives leftover wei to the largest remainders, ties to the lower address', () => {
    // 10 wei over three equal contributors: 3.33.. each; one extra wei to the lowest address.
    const r = splitReward(10n, basePolicy([0, 0, 0, 10_000]), [
      { address: addr(9), weight: 1 },
      { address: addr(3), weight: 1 },
      { address: addr(5), weight: 1 },
    ]);
    expect(r.payouts).toEqual([
      { address: addr(3), amount: 4n },
      { address: addr(5), amount: 3n },
      { address: addr(9), amount: 3n },
    ]);
  });

  test('merges duplicate addresses case-insensitively before rounding', () => {
    const a = `0x${'ab'.repeat(20)}`;
    const r = splitReward(7n, basePolicy([0, 0, 0, 10_000]), [
      { address: a, weight: 1 },
      { address: a.toUpperCase().replace('0X', '0x'), weight: 1 },
      { address: addr(1), weight: 1 },
    ]);
    expect(r.payouts).toEqual([
      { address: addr(1), amount: 2n },
      { address: a, amount: 5n },
    ]);
  });

  test('rolls payouts below the dust threshold to the platform', () => {
    const r = splitReward(
      1000n,
      basePolicy([100, 0, 0, 9900]),
      [
        { address: addr(1), weight: 0.995 },
        { address: addr(2), weight: 0.005 },
      ],
      { dust: 10n },
    );
    const m = Object.fromEntries(r.payouts.map((p) => [p.address, p.amount]));
    expect(m[addr(2)]).toBeUndefined();
    expect(r.dust).toBeGreaterThan(0n);
    expect(m[P]).toBe(10n + r.dust);
    expect(total(r)).toBe(1000n);
  });

  test('hands an empty role to the platform', () => {
    const r = splitReward(100n, basePolicy([1000, 1000, 3000, 5000]), []);
    expect(r.payouts).toEqual([
      { address: P, amount: 90n },
      { address: O, amount: 10n },
    ]);
    expect(r.unallocated).toBe(80n);
  });

  test('uses number weights at their exact binary value', () => {
    // 0.1 + 0.2 style weights: the ratio 1:2 is not exact in binary, but the split must still sum.
    const r = splitReward(10n ** 30n, basePolicy([0, 0, 0, 10_000]), [
      { address: addr(1), weight: 0.1 },
      { address: addr(2), weight: 0.2 },
      { address: addr(3), weight: Number.MIN_VALUE },
      { address: addr(4), weight: 1e300 },
    ]);
    expect(total(r)).toBe(10n ** 30n);
  });

  test.each([
    ['negative fee', () => splitReward(-1n, basePolicy([10_000, 0, 0, 0]), []), 'INVALID_FEE'],
    [
      'number fee',
      () => splitReward(5 as unknown as bigint, basePolicy([10_000, 0, 0, 0]), []),
      'INVALID_FEE',
    ],
    ['bps not summing', () => splitReward(1n, basePolicy([5000, 0, 0, 4999]), []), 'INVALID_POLICY'],
    ['fractional bps', () => splitReward(1n, basePolicy([5000.5, 0, 0, 4999.5]), []), 'INVALID_POLICY'],
    ['negative bps', () => splitReward(1n, basePolicy([10_001, -1, 0, 0]), []), 'INVALID_POLICY'],
    [
      'bad address',
      () => splitReward(1n, basePolicy([0, 0, 0, 10_000]), [{ address: '0x12', weight: 1 }]),
      'INVALID_ADDRESS',
    ],
    [
      'NaN weight',
      () => splitReward(1n, basePolicy([0, 0, 0, 10_000]), [{ address: addr(1), weight: Number.NaN }]),
      'INVALID_SHARES',
    ],
    [
      'negative weight',
      () => splitReward(1n, basePolicy([0, 0, 0, 10_000]), [{ address: addr(1), weight: -1 }]),
      'INVALID_SHARES',
    ],
    [
      'Infinity weight',
      () => splitReward(1n, basePolicy([0, 0, 0, 10_000]), [{ address: addr(1), weight: Infinity }]),
      'INVALID_SHARES',
    ],
  ])('rejects %s with a typed error', (_n, fn, code) => {
    try {
      fn();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RewardSplitError);
      expect((e as RewardSplitError).code).toBe(code);
    }
  });

  describe('properties', () => {
    const caseArb = fc.record({
      fee: feeArb,
      bps: bpsArb,
      stakers: fc.array(shareArb, { maxLength: 5 }),
      shares: sharesArb,
      dust: fc.oneof(
        fc.constant(0n),
        fc.bigInt({ min: 0n, max: 10n ** 6n }),
        fc.bigInt({ min: 0n, max: 10n ** 29n }),
      ),
    });

    test('payouts sum exactly to the fee and stay within one wei of the exact ideal (no dust)', () => {
      fc.assert(
        fc.property(caseArb, ({ fee, bps, stakers, shares }) => {
          const policy = basePolicy(bps, stakers);
          const r = splitReward(fee, policy, shares);
          expect(total(r)).toBe(fee);
          const ideal = idealAmounts(fee, policy, shares);
          const got = new Map(r.payouts.map((p) => [p.address, p.amount]));
          for (const [a, { n, d }] of ideal) {
            const amt = got.get(a as `0x${string}`) ?? 0n;
            // floor(ideal) <= amount <= ceil(ideal)
            expect(amt * d >= n - d + 1n || n === 0n).toBe(true);
            expect(amt * d < n + d).toBe(true);
          }
          for (const a of got.keys()) expect(ideal.has(a)).toBe(true);
          // Largest remainder: whoever got rounded up has a remainder at least that of anyone rounded down.
          const ups: bigint[][] = [];
          const downs: bigint[][] = [];
          for (const [a, { n, d }] of ideal) {
            const amt = got.get(a as `0x${string}`) ?? 0n;
            const fl = n / d;
            const frac = [n - fl * d, d];
            (amt > fl ? ups : downs).push(frac);
          }
          for (const [un, ud] of ups) for (const [dn, dd] of downs) expect(un! * dd! >= dn! * ud!).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    test('no payout (other than the platform) is below the dust threshold, and the sum stays exact', () => {
      fc.assert(
        fc.property(caseArb, ({ fee, bps, stakers, shares, dust }) => {
          const r = splitReward(fee, basePolicy(bps, stakers), shares, { dust });
          expect(total(r)).toBe(fee);
          for (const p of r.payouts) {
            expect(p.amount > 0n).toBe(true);
            if (p.address !== P) expect(p.amount >= dust).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    test('is deterministic and independent of share order and of pre-merging duplicates', () => {
      fc.assert(
        fc.property(caseArb, fc.integer(), ({ fee, bps, stakers, shares, dust }, seed) => {
          const policy = basePolicy(bps, stakers);
          const a = splitReward(fee, policy, shares, { dust });
          const b = splitReward(fee, policy, shares, { dust });
          expect(b).toEqual(a);
          const shuffled = [...shares].sort((x, y) =>
            (x.weight * 7919n + BigInt(seed)) % 101n > (y.weight * 7919n + BigInt(seed)) % 101n ? 1 : -1,
          );
          const shStakers = [...stakers].reverse();
          expect(splitReward(fee, basePolicy(bps, shStakers), shuffled, { dust })).toEqual(a);
          const merged = new Map<string, bigint>();
          for (const s of shares) merged.set(s.address, (merged.get(s.address) ?? 0n) + (s.weight as bigint));
          const pre = [...merged].map(([address, weight]) => ({ address, weight }));
          expect(splitReward(fee, policy, pre, { dust })).toEqual(a);
        }),
        { numRuns: 200 },
      );
    });

    test('number weights give the same split as the equivalent exact integer weights', () => {
      fc.assert(
        fc.property(
          feeArb,
          bpsArb,
          fc.array(fc.tuple(addrArb, fc.integer({ min: 0, max: 1 << 20 })), { maxLength: 8 }),
          (fee, bps, ws) => {
            const policy = basePolicy(bps);
            // k / 2^20 is exact in binary, so these two inputs have identical ratios.
            const asNum = ws.map(([address, k]) => ({ address, weight: k / 2 ** 20 }));
            const asBig = ws.map(([address, k]) => ({ address, weight: BigInt(k) }));
            expect(splitReward(fee, policy, asNum)).toEqual(splitReward(fee, policy, asBig));
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
