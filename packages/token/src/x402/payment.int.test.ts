import { verifyMessage, Wallet } from 'ethers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isPaymentError } from '../errors.js';
import { serve, type TestServer } from '../test-utils/serve.js';
import type { ChannelState, Hex } from '../types.js';
import { signVoucher } from '../voucher/signVoucher.js';
import { createPaymentMiddleware, type PaymentMiddleware } from './createPaymentMiddleware.js';
import {
  type ChannelPaymentPayload,
  type ChannelSettlementResponse,
  decodeHeader,
  encodeHeader,
  type PaymentRequired,
  receiptMessage,
} from './protocol.js';
import { wrapFetchWithPayment } from './wrapFetchWithPayment.js';

const payer = new Wallet(`0x${'a1'.repeat(32)}`);
const payeeKey = `0x${'b2'.repeat(32)}` as Hex;
const payee = new Wallet(payeeKey);
const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Hex;
const PRICE = 1000n;

function channel(id: string, deposit = 10n ** 18n): ChannelState {
  return {
    channelId: `0x${id.repeat(64 / id.length)}` as Hex,
    chainId: 1612,
    verifyingContract: contract,
    payer: payer.address as Hex,
    payee: payee.address as Hex,
    token: '0x0000000000000000000000000000000000000000',
    deposit,
    expiry: Math.floor(Date.now() / 1000) + 3600,
    accepted: 0n,
  };
}

const channels = new Map<string, ChannelState>();
let lookups = 0;
let fixed: PaymentMiddleware;
let metered: PaymentMiddleware;
let server: TestServer;
let served = 0;

beforeAll(async () => {
  for (const id of ['11', '22', '33', '44', '55']) channels.set(channel(id).channelId, channel(id));
  const getChannel = async (id: Hex) => {
    lookups++;
    const c = channels.get(id);
    return c ? { ...c } : undefined;
  };
  fixed = createPaymentMiddleware({ chainId: 1612, contract, payeeKey, price: PRICE, getChannel });
  metered = createPaymentMiddleware({
    chainId: 1612,
    contract,
    payeeKey,
    price: { perToken: 10n, maxTokens: 100 },
    getChannel,
  });
  server = await serve(async (req) => {
    const path = new URL(req.url).pathname;
    if (path === '/fixed') {
      return fixed(req, async (r, pay) => {
        served++;
        return Response.json({ echo: await r.text(), payer: pay.payer });
      });
    }
    if (path === '/boom') return fixed(req, () => new Response('failed', { status: 503 }));
    if (path === '/metered') {
      return metered(req, async (r, pay) => {
        const tokens = Number(new URL(r.url).searchParams.get('tokens'));
        pay.reportUsage(tokens);
        return Response.json({ tokens });
      });
    }
    return new Response('not found', { status: 404 });
  });
});
afterAll(async () => {
  await server?.close();
});

describe('HTTP 402 with ol-channel vouchers over a real 127.0.0.1 server', () => {
  test('answers 402 with x402 v2 requirements in PAYMENT-REQUIRED, CORS-exposed', async () => {
    const res = await fetch(`${server.url}/fixed`);
    expect(res.status).toBe(402);
    expect(res.headers.get('access-control-expose-headers')).toContain('PAYMENT-RESPONSE');
    const required = decodeHeader(res.headers.get('payment-required')) as PaymentRequired;
    expect(required.x402Version).toBe(2);
    expect(required.resource.url).toBe(`${server.url}/fixed`);
    expect(required.accepts[0]).toMatchObject({
      scheme: 'ol-channel',
      network: 'eip155:1612',
      amount: '1000',
      payTo: payee.address,
      extra: { verifyingContract: contract, pricing: 'fixed' },
    });
    expect((await res.json()).error.code).toBe('PAYMENT_REQUIRED');
    const pre = await fetch(`${server.url}/fixed`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('PAYMENT-SIGNATURE');
  });

  test('the paying fetch pays, gets a receipt signed by the payee (checked with ethers verifyMessage), and pays up front afterwards', async () => {
    const ch = channels.get(channel('11').channelId)!;
    const receipts: ChannelSettlementResponse['receipt'][] = [];
    let roundTrips = 0;
    const counting: typeof fetch = (i, init) => {
      roundTrips++;
      return fetch(i, init);
    };
    const pay = wrapFetchWithPayment(counting, payer, {
      channel: ch,
      budget: 10n * PRICE,
      onReceipt: (r) => receipts.push(r),
    });
    for (let i = 0; i < 5; i++) {
      const res = await pay(`${server.url}/fixed`, { method: 'POST', body: `hello ${i}` });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ echo: `hello ${i}`, payer: payer.address });
    }
    expect(roundTrips).toBe(6); // one 402, then every request pays up front
    expect(pay.owed).toBe(5n * PRICE);
    expect(pay.spent).toBe(5n * PRICE);
    expect(receipts).toHaveLength(5);
    const last = receipts.at(-1)!;
    expect(verifyMessage(receiptMessage(last), last.signature!)).toBe(payee.address);
    expect(fixed.accounts.get(ch.channelId)?.latestVoucher?.cumulativeAmount).toBe(5n * PRICE);
    expect(lookups).toBeGreaterThanOrEqual(1);
  });

  test('refuses a replayed PAYMENT-SIGNATURE and one for another chain, saying why', async () => {
    const ch = channels.get(channel('22').channelId)!;
    const req = decodeHeader(
      (await fetch(`${server.url}/fixed`)).headers.get('payment-required'),
    ) as PaymentRequired;
    const header = async (cumulativeAmount: bigint, chainId = 1612) => {
      const v = await signVoucher(payer, {
        channelId: ch.channelId,
        cumulativeAmount,
        chainId,
        verifyingContract: contract,
      });
      const payload: ChannelPaymentPayload = {
        x402Version: 2,
        accepted: req.accepts[0]!,
        payload: { voucher: { ...v, cumulativeAmount: v.cumulativeAmount.toString() } },
      };
      return encodeHeader(payload);
    };
    const h = await header(PRICE);
    const before = served;
    expect((await fetch(`${server.url}/fixed`, { headers: { 'payment-signature': h } })).status).toBe(200);
    const replay = await fetch(`${server.url}/fixed`, { headers: { 'payment-signature': h } });
    expect(replay.status).toBe(402);
    const why = decodeHeader(replay.headers.get('payment-required')) as PaymentRequired;
    expect(why.accepts[0]!.extra.reason).toBe('not-newer');
    expect(why.accepts[0]!.extra.channel).toMatchObject({ accepted: '1000', owed: '1000' });
    const otherChain = await fetch(`${server.url}/fixed`, {
      headers: { 'payment-signature': await header(2n * PRICE, 1) },
    });
    expect(otherChain.status).toBe(402);
    expect(
      (decodeHeader(otherChain.headers.get('payment-required')) as PaymentRequired).accepts[0]!.extra.reason,
    ).toBe('wrong-domain');
    const tooLittle = await fetch(`${server.url}/fixed`, {
      headers: { 'payment-signature': await header(PRICE + 1n) },
    });
    expect(
      (decodeHeader(tooLittle.headers.get('payment-required')) as PaymentRequired).accepts[0]!.extra.reason,
    ).toBe('insufficient-payment');
    expect(served).toBe(before + 1);
  });

  test('stops at the budget with PAYMENT_BUDGET_EXCEEDED before signing', async () => {
    const ch = channels.get(channel('33').channelId)!;
    const pay = wrapFetchWithPayment(fetch, payer, { channel: ch, budget: 2n * PRICE });
    await pay(`${server.url}/fixed`);
    await pay(`${server.url}/fixed`);
    const err = await pay(`${server.url}/fixed`).catch((e: unknown) => e);
    expect(isPaymentError(err) && err.code).toBe('PAYMENT_BUDGET_EXCEEDED');
    expect(pay.spent).toBe(2n * PRICE);
  });

  test('per-token pricing charges the tokens used, keeps the rest as credit, and does not charge a failed handler', async () => {
    const ch = channels.get(channel('44').channelId)!;
    const pay = wrapFetchWithPayment(fetch, payer, { channel: ch, budget: 10n ** 6n });
    await pay(`${server.url}/metered?tokens=7`);
    expect(pay.owed).toBe(70n);
    expect(pay.signed).toBe(1000n); // authorised up to the maximum
    await pay(`${server.url}/metered?tokens=100`);
    expect(pay.owed).toBe(1070n);
    expect(pay.signed).toBe(1070n); // owed + max = 70 + 1000; credit was used
    const acct = metered.accounts.get(ch.channelId)!;
    expect(acct.owed).toBe(1070n);

    const ch5 = channels.get(channel('55').channelId)!;
    const pay5 = wrapFetchWithPayment(fetch, payer, { channel: ch5, budget: 10n ** 6n });
    expect((await pay5(`${server.url}/boom`)).status).toBe(503);
    expect(fixed.accounts.get(ch5.channelId)!.owed).toBe(0n);
  });

  test('after a top-up on chain, a voucher beyond the cached deposit is accepted once the channel is re-read', async () => {
    const id = channel('66').channelId;
    channels.set(id, channel('66', 2n * PRICE));
    const pay = wrapFetchWithPayment(fetch, payer, { channel: channels.get(id)!, budget: 10n * PRICE });
    await pay(`${server.url}/fixed`);
    await pay(`${server.url}/fixed`);
    // The channel is used up; the payer tops up (here: the state the server would read from chain).
    channels.set(id, channel('66', 5n * PRICE));
    const refreshed = wrapFetchWithPayment(fetch, payer, {
      channel: { ...channels.get(id)!, accepted: 2n * PRICE },
      budget: 10n * PRICE,
    });
    const res = await refreshed(`${server.url}/fixed`);
    expect(res.status).toBe(200);
    expect(fixed.accounts.get(id)!.state.deposit).toBe(5n * PRICE);
  });

  test('an unknown channel id is refused, and asking again does not hit the chain again', async () => {
    const id = `0x${'99'.repeat(32)}` as Hex;
    const v = await signVoucher(payer, {
      channelId: id,
      cumulativeAmount: PRICE,
      chainId: 1612,
      verifyingContract: contract,
    });
    const req = decodeHeader(
      (await fetch(`${server.url}/fixed`)).headers.get('payment-required'),
    ) as PaymentRequired;
    const header = encodeHeader({
      x402Version: 2,
      accepted: req.accepts[0]!,
      payload: { voucher: { ...v, cumulativeAmount: v.cumulativeAmount.toString() } },
    });
    const before = lookups;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/fixed`, { headers: { 'payment-signature': header } });
      expect(res.status).toBe(402);
      expect(
        (decodeHeader(res.headers.get('payment-required')) as PaymentRequired).accepts[0]!.extra.reason,
      ).toBe('unknown-channel');
    }
    expect(lookups).toBe(before + 1);
  });

  test('never crashes on hostile PAYMENT-SIGNATURE headers: always a 402 with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          fc.anything().map((v) => encodeHeader(v ?? null)),
          fc
            .record({ x402Version: fc.constant(2), accepted: fc.anything(), payload: fc.anything() })
            .map(encodeHeader),
        ),
        async (h) => {
          const res = await fetch(`${server.url}/fixed`, { headers: h ? { 'payment-signature': h } : {} });
          expect(res.status).toBe(402);
          await res.body?.cancel();
        },
      ),
      { numRuns: 40 },
    );
    // Over our 8 kB parse limit but under Node's own header limit.
    const huge = await fetch(`${server.url}/fixed`, { headers: { 'payment-signature': 'A'.repeat(12_000) } });
    expect(huge.status).toBe(402);
  });
});
