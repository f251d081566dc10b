import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type AttributionDomain, verifyAttributionRecord } from '@openledger/attribution';
import { type Devnet, startDevnet } from '@openledger/devnet';
import { type Hex, openChannel, redeemVoucher, wrapFetchWithPayment } from '@openledger/token';
import { type JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Completion, Gateway } from './gateway.js';
import { gatewayOnDevnet } from './onDevnet.js';
import { prepareServing, type Serving } from './prepare.js';
import { FEATURES, features, RANK } from './scorer.js';
import { type Seeded, seedDevnet } from './seed.js';

const PRICE = 10n ** 14n;
let devnet: Devnet;
let seeded: Seeded;
let serving: Serving;
let gateway: Gateway;
let provider: JsonRpcProvider;
let url: string;
let close: () => void;
let contracts: { paymentChannel: Hex; rewardDistributor: Hex };
let operator: Wallet;
let domain: AttributionDomain;
const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));

beforeAll(async () => {
  devnet = await startDevnet();
  seeded = await seedDevnet(devnet, { chapters: 4 });
  serving = await prepareServing({
    text: seeded.text,
    rows: seeded.rows,
    textVersion: seeded.textVersion,
    rowsVersion: seeded.rowsVersion,
    adapterDir: join(dir, 'adapters'),
  });
  ({
    gateway,
    provider,
    contracts,
    operator,
    recordDomain: domain,
  } = await gatewayOnDevnet({
    devnet,
    serving,
    textVersion: seeded.textVersion,
    rowsVersion: seeded.rowsVersion,
    price: PRICE,
    modelId: 'test/markov',
  }));
  await new Promise<void>((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      url = `http://127.0.0.1:${info.port}`;
      resolve();
    });
    close = () => s.close();
  });
});

afterAll(async () => {
  close?.();
  await serving?.release();
  provider?.destroy();
  await devnet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('inference gateway on a devnet', () => {
  const completions: Completion[] = [];

  test('asks for payment first', async () => {
    const res = await fetch(`${url}/v1/complete`, { method: 'POST', body: '{"prompt":"x"}' });
    expect(res.status).toBe(402);
    expect(res.headers.get('payment-required')).toBeTruthy();
  });

  test('paid completions carry spans, a signed record and shares that sum to 1', async () => {
    const payer = new Wallet(devnet.accounts[7]!.privateKey, provider);
    const channel = await openChannel(new NonceManager(payer), {
      contract: contracts.paymentChannel,
      payee: operator.address,
      amount: PRICE * 10n,
      expiry: Math.floor(Date.now() / 1000) + 3600,
    });
    const pay = wrapFetchWithPayment(fetch, payer, { channel, budget: PRICE * 10n });
    for (const prompt of ['Call me Ishmael. Some years ago', 'The sea was', 'Queequeg']) {
      const res = await pay(`${url}/v1/complete`, { method: 'POST', body: JSON.stringify({ prompt }) });
      expect(res.status).toBe(200);
      completions.push((await res.json()) as Completion);
    }
    for (const c of completions) {
      expect(
        verifyAttributionRecord({
          record: c.record,
          signature: c.signature,
          domain,
          address: operator.address,
        }),
      ).toBe(true);
      // Tampering with a share breaks the signature.
      const forged = {
        ...c.record,
        contributions: c.record.contributions.map((x, i) => (i ? x : { ...x, share: 1 })),
      };
      expect(
        verifyAttributionRecord({
          record: forged,
          signature: c.signature,
          domain,
          address: operator.address,
        }),
      ).toBe(false);
      const total = c.record.contributions.reduce((s, x) => s + x.share, 0);
      if (c.record.contributions.length) expect(total).toBeCloseTo(1, 9);
      expect(c.record.indexHash).toBe(serving.indexHash);
    }
    expect(completions.some((c) => c.spans.length > 0)).toBe(true);

    // Redeeming the latest voucher moves exactly three prices to the gateway.
    const voucher = gateway.paywall.accounts.get(channel.channelId)?.latestVoucher;
    expect(voucher?.cumulativeAmount).toBe(PRICE * 3n);
    const receipt = await redeemVoucher(new NonceManager(operator), { voucher: voucher! });
    const delta =
      (await provider.getBalance(operator.address, receipt.blockNumber)) -
      (await provider.getBalance(operator.address, receipt.blockNumber - 1));
    expect(delta + receipt.gasUsed * receipt.gasPrice).toBe(PRICE * 3n);
  });

  test('every span is a verbatim substring of the contribution it cites', () => {
    const textOf = new Map(seeded.text.map((t) => [t.id, t.text]));
    let checked = 0;
    for (const c of completions) {
      for (const s of c.spans) {
        expect(c.output.slice(s.charStart, s.charEnd)).toBe(s.text);
        for (const o of s.occurrences) {
          expect(textOf.get(o.documentId)).toContain(s.text.trim());
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('the ORT-served style score equals the scorer computed from its own LoRA factors', () => {
    const q = FEATURES + 1;
    const A = serving.scorer.params.subarray(0, RANK * q);
    const B = serving.scorer.params.subarray(RANK * q, RANK * q + 2 * RANK);
    for (const c of completions) {
      const x = [...features(c.output), 1];
      const u = Array.from({ length: RANK }, (_, a) => x.reduce((s, v, j) => s + v * A[a * q + j]!, 0));
      const z = [0, 1].map((k) => u.reduce((s, v, a) => s + v * B[k * RANK + a]!, 0));
      expect(c.style).toBeCloseTo(1 / (1 + Math.exp(z[0]! - z[1]!)), 4);
    }
  });
});
