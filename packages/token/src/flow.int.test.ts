import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openChannel } from './channel/openChannel.js';
import { readChannel } from './channel/readChannel.js';
import { redeemVoucher } from './channel/redeemVoucher.js';
import { type DeployContractsReturnType, deployContracts } from './deploy/deployContracts.js';
import { type ContractError, isContractError } from './errors.js';
import { claimReward } from './rewards/claimReward.js';
import { type Payout, publishRewardEpoch } from './rewards/publishRewardEpoch.js';
import { startTestChain, type TestChain } from './test-utils/anvil.js';
import { serve, type TestServer } from './test-utils/serve.js';
import type { Hex } from './types.js';
import { createPaymentMiddleware } from './x402/createPaymentMiddleware.js';
import { wrapFetchWithPayment } from './x402/wrapFetchWithPayment.js';

const PRICE = 1_234_567_890_123n; // an awkward per-request fee, so rounding would show
const REQUESTS = 1000;
let chain: TestChain;
let c: DeployContractsReturnType;
let server: TestServer | undefined;

beforeAll(async () => {
  chain = await startTestChain();
  c = await deployContracts(chain.wallets[0]!, { challengePeriod: 3600 });
});
afterAll(async () => {
  await server?.close();
  await chain?.stop();
});

/** Largest-remainder split of `total` by integer weights: exact to the wei. */
function split(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  const base = weights.map((w) => (total * w) / sum);
  let rest = total - base.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (rest === 0n) break;
    base[i]! += 1n;
    rest -= 1n;
  }
  return base;
}

describe('pay-per-inference end to end on anvil', () => {
  test('open → 1,000 paid requests through the middleware → redeem → 50 contributors claim; balances add up to the wei', async () => {
    const [, payer, payee, relayer] = chain.wallets as [Wallet, Wallet, Wallet, Wallet];
    const channel = await openChannel(payer, {
      contract: c.paymentChannel,
      payee: payee.address,
      amount: PRICE * BigInt(REQUESTS) + 10n ** 15n,
      expiry: (await chain.now()) + 86_400,
    });

    let chainReads = 0;
    const paywall = createPaymentMiddleware({
      chainId: chain.chainId,
      contract: c.paymentChannel,
      payeeKey: payee.privateKey as Hex,
      price: PRICE,
      getChannel: (channelId) => {
        chainReads++;
        return readChannel(chain.provider, { contract: c.paymentChannel, channelId });
      },
    });
    let inferences = 0;
    server = await serve((req) =>
      paywall(req, async (r) => {
        inferences++;
        const { prompt } = (await r.json()) as { prompt: string };
        return Response.json({ completion: prompt.split('').reverse().join('') });
      }),
    );
    const pay = wrapFetchWithPayment(fetch, payer.privateKey as Hex, {
      channel,
      budget: PRICE * BigInt(REQUESTS),
    });
    for (let i = 0; i < REQUESTS; i++) {
      const res = await pay(`${server.url}/v1/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: `request ${i}` }),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).completion).toBe(`request ${i}`.split('').reverse().join(''));
    }
    expect(inferences).toBe(REQUESTS);
    expect(chainReads).toBe(1); // one RPC for the channel, none per request
    const owed = PRICE * BigInt(REQUESTS);
    expect(pay.owed).toBe(owed);
    // The 1,001st request would exceed the budget: refused before anything is signed.
    await expect(
      pay(`${server.url}/v1/infer`, { method: 'POST', body: '{"prompt":"x"}' }),
    ).rejects.toMatchObject({
      code: 'PAYMENT_BUDGET_EXCEEDED',
    });

    // Redeem once for all 1,000 requests.
    const voucher = paywall.accounts.get(channel.channelId.toLowerCase())!.latestVoucher!;
    expect(voucher.cumulativeAmount).toBe(owed);
    const payeeBefore = await chain.provider.getBalance(payee.address);
    const redeem = await redeemVoucher(payee, { voucher });
    expect(await chain.provider.getBalance(payee.address)).toBe(
      payeeBefore + owed - redeem.gasUsed * redeem.gasPrice,
    );

    // Split the fee to 50 contributors and publish an epoch.
    const contributors = Array.from({ length: 50 }, () => Wallet.createRandom());
    const weights = contributors.map((_, i) => BigInt(1 + ((i * 7919) % 97)));
    const amounts = split(owed, weights);
    const payouts: Payout[] = contributors.map((w, i) => ({ address: w.address, amount: amounts[i]! }));
    expect(amounts.reduce((a, b) => a + b, 0n)).toBe(owed);
    const epoch = await publishRewardEpoch(payee, {
      contract: c.rewardDistributor,
      payouts,
      deadline: (await chain.now()) + 7 * 86_400,
    });
    expect(epoch.total).toBe(owed);
    expect(await chain.provider.getBalance(c.rewardDistributor)).toBe(owed);

    for (const w of contributors)
      await claimReward(relayer, {
        contract: c.rewardDistributor,
        claim: epoch.claims.get(w.address as Hex)!,
      });
    let paid = 0n;
    for (const [i, w] of contributors.entries()) {
      const balance = await chain.provider.getBalance(w.address);
      expect(balance).toBe(amounts[i]);
      paid += balance;
    }
    expect(paid).toBe(owed);
    expect(await chain.provider.getBalance(c.rewardDistributor)).toBe(0n);

    // Hostile: a second claim and a claim with someone else's proof move nothing.
    const first = epoch.claims.get(contributors[0]!.address as Hex)!;
    const again = await claimReward(relayer, { contract: c.rewardDistributor, claim: first }).catch(
      (e: unknown) => e,
    );
    expect(isContractError(again) && (again as ContractError).errorName).toBe('AlreadyClaimed');
  }, 240_000);

  test('per-token pricing settles on chain for exactly the tokens used, not the voucher headroom', async () => {
    const [, payer, payee] = chain.wallets as [Wallet, Wallet, Wallet];
    const PER_TOKEN = 10n ** 12n;
    const MAX_TOKENS = 256;
    const deposit = 10n ** 17n;
    const channel = await openChannel(payer, {
      contract: c.paymentChannel,
      payee: payee.address,
      amount: deposit,
      expiry: (await chain.now()) + 86_400,
    });
    const paywall = createPaymentMiddleware({
      chainId: chain.chainId,
      contract: c.paymentChannel,
      payeeKey: payee.privateKey as Hex,
      price: { perToken: PER_TOKEN, maxTokens: MAX_TOKENS },
      getChannel: (channelId) => readChannel(chain.provider, { contract: c.paymentChannel, channelId }),
    });
    const metered = await serve((req) =>
      paywall(req, async (_r, pay) => {
        const tokens = Number(new URL(req.url).searchParams.get('tokens'));
        pay.reportUsage(tokens);
        return Response.json({ tokens });
      }),
    );
    try {
      const pay = wrapFetchWithPayment(fetch, payer.privateKey as Hex, { channel, budget: deposit });
      const used = [17, 256, 3, 99];
      for (const tokens of used) expect((await pay(`${metered.url}/?tokens=${tokens}`)).status).toBe(200);
      const acct = paywall.accounts.get(channel.channelId.toLowerCase())!;
      const earned = PER_TOKEN * BigInt(used.reduce((a, b) => a + b, 0));
      expect(acct.owed).toBe(earned);
      // The latest voucher authorised the last request's maximum: more than was earned.
      expect(acct.latestVoucher!.cumulativeAmount).toBeGreaterThan(earned);
      const before = await chain.provider.getBalance(payee.address);
      const r = await redeemVoucher(payee, { voucher: acct.latestVoucher!, amount: acct.owed });
      expect(await chain.provider.getBalance(payee.address)).toBe(before + earned - r.gasUsed * r.gasPrice);
      const onchain = await readChannel(chain.provider, {
        contract: c.paymentChannel,
        channelId: channel.channelId,
      });
      expect(onchain.accepted).toBe(earned);
    } finally {
      await metered.close();
    }
  });
});
