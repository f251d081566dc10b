/**
 * Demo steps 3–5: build what the gateway serves from the accepted contributions, pay for
 * inferences through HTTP 402 with channel vouchers, then settle on chain: redeem the channel,
 * split each fee by its attribution record, publish a reward epoch and let everyone claim.
 */
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type RewardPolicy, splitReward, verifyAttributionRecord } from '@openledger/attribution';
import { formatOpen } from '@openledger/core';
import type { Devnet } from '@openledger/devnet';
import {
  claimReward,
  type Hex,
  openChannel,
  publishRewardEpoch,
  redeemVoucher,
  wrapFetchWithPayment,
} from '@openledger/token';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import type { Completion } from '../../examples/inference-gateway/src/gateway.js';
import { gatewayOnDevnet } from '../../examples/inference-gateway/src/onDevnet.js';
import { prepareServing, type Serving } from '../../examples/inference-gateway/src/prepare.js';
import { rowsOf } from '../../examples/inference-gateway/src/seed.js';
import type { DatanetOutcome, Participant } from './datanets.js';
import { info, ok, open, short, step } from './log.js';

export interface LoopOutcome {
  serving: Pick<Serving, 'indexHash' | 'adapterId' | 'composition'> & {
    indexTokens: number;
    documents: number;
  };
  completions: Completion[];
  redeemed: bigint;
  payouts: Array<{
    address: string;
    name: string;
    amount: bigint;
    claimed: bigint;
    gas: bigint;
    delta: bigint;
  }>;
  epoch: { epochId: bigint; root: string; total: bigint };
}

const PRICE = 10n ** 15n; // 0.001 OPEN per completion
const PROMPTS = [
  'Call me Ishmael. Some years ago',
  'The whale rose from the sea and',
  'Queequeg sat by the fire and',
  'Captain Ahab stood upon the quarter-deck',
  'The sea was calm that morning, and the ship',
  'I stuffed a shirt or two into my old carpet-bag',
];

export async function runLoop(
  devnet: Devnet,
  people: Participant[],
  datanets: DatanetOutcome,
  opts: { workDir: string; requests: number },
): Promise<LoopOutcome> {
  const nameOf = (addr: string) =>
    people.find((p) => p.address.toLowerCase() === addr.toLowerCase())?.name ??
    roles.find((r) => r.wallet.address.toLowerCase() === addr.toLowerCase())?.name ??
    short(addr);
  const provider = new JsonRpcProvider(devnet.rpcUrl, devnet.chain.id, {
    staticNetwork: true,
    batchMaxCount: 1,
  });
  provider.pollingInterval = 50;
  // Balances read at exact blocks (anvil mines one block per transaction).
  const balanceChange = async (address: string, block: number) =>
    (await provider.getBalance(address, block)) - (await provider.getBalance(address, block - 1));
  const _wallet = (i: number) => new NonceManager(new Wallet(devnet.accounts[i]!.privateKey, provider));
  const gatewayOperator = new Wallet(devnet.accounts[5]!.privateKey, provider); // model owner and payee
  const platform = new Wallet(devnet.accounts[6]!.privateKey, provider);
  const app = new Wallet(devnet.accounts[7]!.privateKey, provider); // the paying client
  const staker = new Wallet(devnet.accounts[8]!.privateKey, provider);
  const operatorSigner = new NonceManager(gatewayOperator);
  const roles = [
    { name: 'gateway', wallet: gatewayOperator },
    { name: 'platform', wallet: platform },
    { name: 'app', wallet: app },
    { name: 'staker', wallet: staker },
  ];

  step(3, 'Index, model and adapters from the accepted data');
  const text = datanets.accepted
    .filter((c) => c.datanetId === datanets.textDatanetId)
    .map((c) => ({ id: c.id, contributor: c.contributor, datanetId: c.datanetId, text: c.text }));
  const rows = datanets.accepted
    .filter((c) => c.datanetId === datanets.instructDatanetId)
    .flatMap((c) => rowsOf(c, c.text));
  const serving = await prepareServing({
    text,
    rows,
    textVersion: { datanetId: datanets.textDatanetId, version: datanets.version.version },
    rowsVersion: {
      datanetId: datanets.instructDatanetId,
      version: datanets.instructVersion.version,
      merkleRoot: datanets.instructVersion.merkleRoot,
    },
    adapterDir: join(opts.workDir, 'adapters'),
    onProgress: ok,
  });

  step(4, 'Paid inference over HTTP 402, attributed and signed');
  const { gateway, recordDomain, contracts } = await gatewayOnDevnet({
    devnet,
    serving,
    textVersion: { datanetId: datanets.textDatanetId, version: datanets.version.version },
    rowsVersion: { datanetId: datanets.instructDatanetId, version: datanets.instructVersion.version },
    price: PRICE,
  });
  info(`PaymentChannel ${contracts.paymentChannel}, RewardDistributor ${contracts.rewardDistributor}`);
  const deposit = PRICE * BigInt(opts.requests) * 2n;
  const channel = await openChannel(new NonceManager(app), {
    contract: contracts.paymentChannel,
    payee: gatewayOperator.address,
    amount: deposit,
    expiry: Math.floor(Date.now() / 1000) + 24 * 3600,
  });
  ok(
    `app ${short(app.address)} opened channel ${channel.channelId.slice(0, 10)}… with ${formatOpen(deposit)} OPEN for the gateway`,
  );

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const pay = wrapFetchWithPayment(fetch, app, { channel, budget: deposit });
    for (let i = 0; i < opts.requests; i++) {
      const res = await pay(`${url}/v1/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: PROMPTS[i % PROMPTS.length], seed: i + 1 }),
      });
      if (!res.ok) throw new Error(`gateway answered ${res.status}: ${await res.text()}`);
      const c = (await res.json()) as Completion;
      if (
        !verifyAttributionRecord({
          record: c.record,
          signature: c.signature,
          domain: recordDomain,
          address: gatewayOperator.address,
        })
      ) {
        throw new Error(`record of ${c.inferenceId} does not verify`);
      }
      if (i < 2 || i === opts.requests - 1) {
        const longest = [...c.spans].sort((a, b) => b.text.length - a.text.length)[0];
        info(
          `“${c.prompt}” → ${c.tokens} tokens, style ${c.style.toFixed(2)}, ${c.spans.length} spans, ${c.record.contributions.length} contributions credited`,
        );
        if (longest)
          info(`    longest span: “${longest.text.slice(0, 90)}${longest.text.length > 90 ? '…' : ''}”`);
      } else if (i === 2) info('  …');
    }
    ok(
      `${opts.requests} paid completions; every attribution record's EIP-712 signature verified; app signed ${formatOpen(pay.signed)} OPEN in vouchers`,
    );
  } finally {
    server.close();
  }

  step(5, 'Settle on chain and pay contributors');
  const account =
    gateway.paywall.accounts.get(channel.channelId.toLowerCase()) ??
    gateway.paywall.accounts.get(channel.channelId);
  const voucher = account?.latestVoucher;
  if (!voucher) throw new Error('no voucher to redeem');
  const redeemReceipt = await redeemVoucher(operatorSigner, { voucher, amount: account!.owed });
  const redeemed =
    (await balanceChange(gatewayOperator.address, redeemReceipt.blockNumber)) +
    redeemReceipt.gasUsed * redeemReceipt.gasPrice;
  if (redeemed !== PRICE * BigInt(opts.requests))
    throw new Error(`redeemed ${redeemed}, expected ${PRICE * BigInt(opts.requests)}`);
  ok(
    `gateway redeemed ${formatOpen(redeemed)} OPEN for ${opts.requests} inferences in one transaction (${redeemReceipt.gasUsed} gas)`,
  );

  const policy: RewardPolicy = {
    platform: { address: platform.address, bps: 1_000 },
    modelOwner: { address: gatewayOperator.address, bps: 2_000 },
    stakers: { bps: 1_000, shares: [{ address: staker.address, weight: 1 }] },
    contributors: { bps: 6_000 },
  };
  const totals = new Map<string, bigint>();
  for (const c of gateway.completions) {
    const shares = c.record.contributions.map((x) => ({ address: x.contributor, weight: x.share }));
    const { payouts } = splitReward(PRICE, policy, shares);
    for (const p of payouts) totals.set(p.address, (totals.get(p.address) ?? 0n) + p.amount);
  }
  const sum = [...totals.values()].reduce((a, b) => a + b, 0n);
  if (sum !== redeemed) throw new Error(`split ${sum} ≠ redeemed ${redeemed}`);
  ok(
    `split every fee by its record (platform 10%, model owner 20%, stakers 10%, contributors 60%): ${totals.size} payees, exact to the wei`,
  );

  const epoch = await publishRewardEpoch(operatorSigner, {
    contract: contracts.rewardDistributor,
    payouts: [...totals].map(([address, amount]) => ({ address: address as Hex, amount })),
    deadline: Math.floor(Date.now() / 1000) + 7 * 24 * 3600,
  });
  ok(
    `gateway funded reward epoch #${epoch.epochId} with ${formatOpen(epoch.total)} OPEN, Merkle root ${epoch.root.slice(0, 18)}…`,
  );

  const payouts: LoopOutcome['payouts'] = [];
  const keyOf = new Map<string, string>([
    ...people.map((p) => [p.address.toLowerCase(), p.privateKey] as const),
    ...roles.map((r) => [r.wallet.address.toLowerCase(), r.wallet.privateKey] as const),
  ]);
  for (const [address, claim] of epoch.claims) {
    const signer =
      address.toLowerCase() === gatewayOperator.address.toLowerCase()
        ? operatorSigner
        : new NonceManager(new Wallet(keyOf.get(address.toLowerCase())!, provider));
    const r = await claimReward(signer, { contract: contracts.rewardDistributor, claim });
    const gas = r.gasUsed * r.gasPrice;
    const delta = await balanceChange(address, r.blockNumber);
    if (delta + gas !== claim.amount)
      throw new Error(`${address} received ${delta + gas}, entitled to ${claim.amount}`);
    payouts.push({
      address,
      name: nameOf(address),
      amount: totals.get(address.toLowerCase()) ?? 0n,
      claimed: claim.amount,
      gas,
      delta,
    });
  }
  payouts.sort((a, b) => (b.claimed > a.claimed ? 1 : b.claimed < a.claimed ? -1 : 0));
  for (const p of payouts)
    info(
      `  ${p.name.padEnd(9)} claimed ${open(p.claimed)} OPEN  (balance +${open(p.delta)} after ${open(p.gas)} gas)`,
    );
  const claimedTotal = payouts.reduce((a, p) => a + p.claimed, 0n);
  if (claimedTotal !== redeemed) throw new Error(`claims ${claimedTotal} ≠ redeemed ${redeemed}`);
  ok(
    `every payee claimed once: ${formatOpen(claimedTotal)} OPEN claimed = ${formatOpen(redeemed)} OPEN paid by the app`,
  );
  await serving.release();
  provider.destroy();
  return {
    serving: {
      indexHash: serving.indexHash,
      adapterId: serving.adapterId,
      composition: serving.composition,
      indexTokens: serving.indexBytes.length,
      documents: text.length,
    },
    completions: gateway.completions,
    redeemed,
    payouts,
    epoch: { epochId: epoch.epochId, root: epoch.root, total: epoch.total },
  };
}
