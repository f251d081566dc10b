import { Wallet } from 'ethers';
import { expect, test } from 'vitest';
import { aggregateInfluence } from '../influence/aggregateInfluence.js';
import { influenceFunction } from '../influence/influenceFunction.js';
import { logisticRegression } from '../influence/logisticRegression.js';
import { splitReward } from '../reward/splitReward.js';
import { createAttributionRecord } from './createAttributionRecord.js';
import { signAttributionRecord } from './signAttributionRecord.js';
import { verifyAttributionRecord } from './verifyAttributionRecord.js';

test('influence result → contributions → signed record → exact payout', async () => {
  const contributors = [
    '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  ];
  const train = Array.from({ length: 30 }, (_, i) => ({
    x: [Math.sin(i), Math.cos(3 * i)],
    y: Math.sin(i) + 0.3 * Math.cos(7 * i) > 0 ? 1 : 0,
  }));
  const model = logisticRegression({ numFeatures: 2, l2: 0.5 });
  model.fit(train);
  const inference = [{ x: [0.8, 0.1], y: 1 }];
  const res = influenceFunction(model, { train, test: inference });
  const owners = train.map((_, i) => ({
    contributionId: `c${i % 10}`,
    datanetId: i % 2 ? 'dn-a' : 'dn-b',
    contributor: contributors[i % 3]!,
  }));
  // Contribution c_k holds examples k, k+10, k+20 whose datanets alternate; use the first one's.
  for (let i = 10; i < 30; i++) owners[i]!.datanetId = owners[i % 10]!.datanetId;
  const agg = aggregateInfluence(res, { owners });
  const record = createAttributionRecord({
    inferenceId: 'inf_42',
    modelId: 'spam-clf',
    method: { name: 'influence', params: res.params },
    result: agg,
    evidence: { scores: Array.from(res.scores) },
    createdAt: '2026-02-02T00:00:00.000Z',
  });
  const sum = record.contributions.reduce((a, c) => a + c.share, 0);
  expect(sum).toBeCloseTo(1, 12);
  // Shares follow the positive influence mass of each contribution's examples.
  for (const c of record.contributions) {
    const k = Number(c.contributionId.slice(1));
    const mass = [k, k + 10, k + 20].reduce((a, i) => a + Math.max(0, res.scores[i]!), 0);
    const total = Array.from(res.scores).reduce((a, s) => a + Math.max(0, s), 0);
    expect(c.share).toBeCloseTo(mass / total, 12);
  }
  const wallet = new Wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
  const signed = await signAttributionRecord(record, wallet, {
    name: 'OpenLedger Attribution',
    version: '1',
    chainId: 1612,
    verifyingContract: '0x0000000000000000000000000000000000000A77',
  });
  expect(verifyAttributionRecord({ ...signed, address: wallet.address })).toBe(true);
  const fee = 123_456_789_012_345_678n;
  const split = splitReward(
    fee,
    {
      platform: { address: '0x00000000000000000000000000000000000000F1', bps: 500 },
      modelOwner: { address: '0x00000000000000000000000000000000000000F2', bps: 2500 },
      stakers: { bps: 0 },
      contributors: { bps: 7000 },
    },
    record.contributions.map((c) => ({ address: c.contributor, weight: c.share })),
    { dust: 10n ** 9n },
  );
  expect(split.payouts.reduce((a, p) => a + p.amount, 0n)).toBe(fee);
});
