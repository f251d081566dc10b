import type { Wallet } from 'ethers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DeployContractsReturnType, deployContracts } from '../deploy/deployContracts.js';
import { isContractError } from '../errors.js';
import { getOpenBalance } from '../open/getOpenBalance.js';
import { transferOpen } from '../open/transferOpen.js';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import type { ChannelState } from '../types.js';
import { signVoucher } from '../voucher/signVoucher.js';
import { closeChannel } from './closeChannel.js';
import { openChannel } from './openChannel.js';
import { readChannel } from './readChannel.js';
import { redeemVoucher } from './redeemVoucher.js';
import { topUpChannel } from './topUpChannel.js';

const CHALLENGE = 100;
let chain: TestChain;
let c: DeployContractsReturnType;
let payers: Wallet[];
let payees: Wallet[];
const initial = new Map<string, bigint>();

beforeAll(async () => {
  chain = await startTestChain();
  c = await deployContracts(chain.wallets[0]!, { challengePeriod: CHALLENGE });
  payers = chain.wallets.slice(1, 3);
  payees = chain.wallets.slice(3, 5);
  for (const w of payers)
    await transferOpen(chain.wallets[0]!, { to: w.address, amount: 10n ** 24n, token: c.openToken });
  for (const w of [...payers, ...payees]) {
    initial.set(w.address, await getOpenBalance(chain.provider, { address: w.address, token: c.openToken }));
  }
});
afterAll(async () => {
  await chain?.stop();
});

type Op =
  | { kind: 'open'; payer: number; payee: number; amount: bigint; ttl: number }
  | { kind: 'topUp'; ch: number; amount: bigint }
  | { kind: 'redeem'; ch: number; add: bigint; short?: bigint }
  | { kind: 'close'; ch: number; add: bigint }
  | { kind: 'reclaim'; ch: number }
  | { kind: 'wait'; seconds: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('open' as const),
    payer: fc.nat(1),
    payee: fc.nat(1),
    amount: fc.bigInt({ min: 1n, max: 10n ** 20n }),
    ttl: fc.integer({ min: 50, max: 500 }),
  }),
  fc.record({
    kind: fc.constant('topUp' as const),
    ch: fc.nat(),
    amount: fc.bigInt({ min: 1n, max: 10n ** 19n }),
  }),
  fc.record({
    kind: fc.constant('redeem' as const),
    ch: fc.nat(),
    // Mostly valid increments, sometimes stale or beyond the deposit.
    add: fc.oneof(
      fc.bigInt({ min: 1n, max: 10n ** 17n }),
      fc.bigInt({ min: -(10n ** 18n), max: 10n ** 20n }),
    ),
    // Settle the voucher's whole amount, or less (per-use charging), or (refused) more.
    short: fc.oneof(fc.constant(0n), fc.bigInt({ min: -5n, max: 10n ** 17n })),
  }),
  fc.record({
    kind: fc.constant('close' as const),
    ch: fc.nat(),
    add: fc.bigInt({ min: 0n, max: 10n ** 19n }),
  }),
  fc.record({ kind: fc.constant('reclaim' as const), ch: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 400 }) }),
);

const channels: ChannelState[] = [];
const successes = { redeem: 0, reclaim: 0, close: 0 };
let deposits = 0n;

async function checkInvariant() {
  const bal = (w: Wallet) => getOpenBalance(chain.provider, { address: w.address, token: c.openToken });
  let paidOut = 0n;
  for (const w of payees) paidOut += (await bal(w)) - initial.get(w.address)!;
  // A payer's balance is initial - deposits + refunds.
  let refunded = deposits;
  for (const w of payers) refunded += (await bal(w)) - initial.get(w.address)!;
  let redeemable = 0n;
  for (const ch of channels) {
    if ((ch as { closed?: boolean }).closed) continue;
    const s = await readChannel(chain.provider, { contract: c.paymentChannel, channelId: ch.channelId });
    redeemable += s.deposit - s.accepted;
  }
  expect(await getOpenBalance(chain.provider, { address: c.paymentChannel, token: c.openToken })).toBe(
    redeemable,
  );
  expect(paidOut + refunded + redeemable).toBe(deposits);
}

async function apply(o: Op) {
  const pick = (i: number) => (channels.length ? channels[i % channels.length]! : undefined);
  const attempt = async (p: Promise<unknown>) => {
    try {
      await p;
      return true;
    } catch (e) {
      // Refusals must be the contract's typed errors, never anything else.
      expect(isContractError(e), String(e)).toBe(true);
      return false;
    }
  };
  switch (o.kind) {
    case 'open': {
      const ch = await openChannel(payers[o.payer]!, {
        contract: c.paymentChannel,
        payee: payees[o.payee]!.address,
        amount: o.amount,
        expiry: (await chain.now()) + o.ttl,
        token: c.openToken,
      });
      channels.push(ch);
      deposits += o.amount;
      return;
    }
    case 'topUp': {
      const ch = pick(o.ch);
      if (!ch) return;
      const payer = payers.find((w) => w.address === ch.payer)!;
      const now = await chain.now();
      if (
        await attempt(
          topUpChannel(payer, { channel: ch, amount: o.amount, expiry: Math.max(ch.expiry, now + 60) }),
        )
      ) {
        deposits += o.amount;
        ch.expiry = Math.max(ch.expiry, now + 60);
      }
      return;
    }
    case 'redeem':
    case 'close': {
      const ch = pick(o.ch);
      if (!ch) return;
      const s = await readChannel(chain.provider, { contract: c.paymentChannel, channelId: ch.channelId });
      const amount = s.accepted + o.add;
      if (amount < 0n) return;
      const payer = payers.find((w) => w.address === ch.payer)!;
      const payee = payees.find((w) => w.address === ch.payee)!;
      const voucher = await signVoucher(payer.privateKey as `0x${string}`, {
        ...ch,
        cumulativeAmount: amount,
      });
      if (o.kind === 'redeem') {
        const short = o.kind === 'redeem' ? (o.short ?? 0n) : 0n;
        if (await attempt(redeemVoucher(payee, { voucher, amount: amount > short ? amount - short : 0n })))
          successes.redeem++;
      } else if (
        await attempt(closeChannel(payee, { contract: c.paymentChannel, channelId: ch.channelId, voucher }))
      ) {
        successes.close++;
        (ch as { closed?: boolean }).closed = true;
      }
      return;
    }
    case 'reclaim': {
      const ch = pick(o.ch);
      if (!ch) return;
      const payer = payers.find((w) => w.address === ch.payer)!;
      if (await attempt(closeChannel(payer, { contract: c.paymentChannel, channelId: ch.channelId }))) {
        successes.reclaim++;
        (ch as { closed?: boolean }).closed = true;
      }
      return;
    }
    case 'wait':
      await chain.increaseTime(o.seconds);
  }
}

describe('PaymentChannel accounting invariant', () => {
  test('total deposits = paid out + refunded + redeemable after every step of random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const n = channels.length;
        // Every run opens and redeems, then reclaims after the windows close, around the random steps.
        const script: Op[] = [
          { kind: 'open', payer: 0, payee: 0, amount: 10n ** 18n, ttl: 300 },
          { kind: 'redeem', ch: n, add: 10n ** 17n },
          ...ops,
          { kind: 'wait', seconds: 1000 },
          { kind: 'reclaim', ch: n },
        ];
        for (const o of script) {
          await apply(o);
          await checkInvariant();
        }
      }),
      { numRuns: 6 },
    );
    expect(successes.redeem).toBeGreaterThanOrEqual(6);
    // Each run's own channel ends by the scripted reclaim, unless a random close ended it first.
    expect(successes.reclaim + successes.close).toBeGreaterThanOrEqual(6);
  }, 180_000);
});
