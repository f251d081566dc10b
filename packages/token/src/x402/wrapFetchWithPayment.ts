import { ValidationError } from '@openledger/core';
import { PaymentError } from '../errors.js';
import type { ChannelState, Hex } from '../types.js';
import { signVoucher, type VoucherSigner } from '../voucher/signVoucher.js';
import {
  CHANNEL_SCHEME,
  type ChannelPaymentPayload,
  type ChannelPaymentRequirements,
  type ChannelSettlementResponse,
  caip2,
  decodeHeader,
  encodeHeader,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  type PaymentReceipt,
  type PaymentRequired,
} from './protocol.js';
import { checkReceipt } from './receipt.js';

/** Options of {@link wrapFetchWithPayment}. */
export interface WrapFetchWithPaymentOptions {
  /** The payer's open channel (from `openChannel` or `readChannel`). */
  channel: Pick<
    ChannelState,
    'channelId' | 'chainId' | 'verifyingContract' | 'payee' | 'token' | 'deposit' | 'accepted'
  >;
  /** Most this wrapper may sign away in total over its life, in wei. */
  budget: bigint;
  /** Refuse any single request quoted above this, in wei. Default: no per-request cap. */
  maxPerRequest?: bigint;
  /** Check the payee's signature on every receipt (default true). */
  verifyReceipts?: boolean;
  /** Called with each verified receipt. */
  onReceipt?(receipt: PaymentReceipt): void;
}

/** A fetch that pays, plus its running totals. */
export interface PayingFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Cumulative amount of the latest voucher signed. */
  readonly signed: bigint;
  /** Cumulative amount the payee says is owed (from receipts). */
  readonly owed: bigint;
  /** Signed away by this wrapper so far (counts against `budget`). */
  readonly spent: bigint;
}

/**
 * Wrap `fetch` so that a 402 from an `ol-channel` x402 server is paid with the next voucher on
 * your channel (within `budget`) and the request retried once. After the first 402 for a
 * route, later requests pay up front, so a paid call is one round trip.
 *
 * @example
 * import { wrapFetchWithPayment } from '@openledger/token';
 * declare const channel: import('@openledger/token').ChannelState;
 * const pay = wrapFetchWithPayment(fetch, `0x${'01'.repeat(32)}`, { channel, budget: 10n ** 18n });
 * const res = await pay('http://127.0.0.1:8787/infer', { method: 'POST', body: '{"prompt":"hi"}' });
 */
export function wrapFetchWithPayment(
  fetchFn: typeof fetch,
  signer: VoucherSigner,
  options: WrapFetchWithPaymentOptions,
): PayingFetch {
  const { channel } = options;
  if (typeof options.budget !== 'bigint' || options.budget < 0n) {
    throw new ValidationError('wrapFetchWithPayment: budget must be a non-negative bigint (wei).');
  }
  const start = channel.accepted;
  let signed = channel.accepted;
  let owed = channel.accepted;
  let payeeKey: Hex | undefined;
  const network = caip2(channel.chainId);
  const known = new Map<string, ChannelPaymentRequirements>();
  const routeKey = (req: Request) => {
    const u = new URL(req.url);
    return `${req.method} ${u.origin}${u.pathname}`;
  };

  const pick = (required: PaymentRequired | undefined): ChannelPaymentRequirements => {
    const option = required?.accepts?.find(
      (a) =>
        a?.scheme === CHANNEL_SCHEME &&
        a.network === network &&
        a.payTo?.toLowerCase() === channel.payee.toLowerCase() &&
        a.asset?.toLowerCase() === channel.token.toLowerCase() &&
        a.extra?.verifyingContract?.toLowerCase() === channel.verifyingContract.toLowerCase() &&
        /^\d{1,78}$/.test(a.amount),
    );
    if (!option) {
      throw new PaymentError(
        'PAYMENT_REQUIREMENTS_INVALID',
        `The server offers no ${CHANNEL_SCHEME} payment on ${network} to ${channel.payee} through this channel.`,
      );
    }
    return option;
  };

  const pay = async (option: ChannelPaymentRequirements): Promise<string> => {
    const price = BigInt(option.amount);
    if (options.maxPerRequest !== undefined && price > options.maxPerRequest) {
      throw new PaymentError(
        'PAYMENT_BUDGET_EXCEEDED',
        `The server asks ${price} wei; the per-request cap is ${options.maxPerRequest}.`,
      );
    }
    const server = option.extra.channel;
    if (
      server &&
      server.channelId.toLowerCase() === channel.channelId.toLowerCase() &&
      /^\d+$/.test(server.accepted)
    ) {
      // The server saw vouchers we no longer remember (another process, a restart): catch up.
      const accepted = BigInt(server.accepted);
      if (accepted > signed) signed = accepted;
      if (/^\d+$/.test(server.owed) && BigInt(server.owed) > owed && BigInt(server.owed) <= signed)
        owed = BigInt(server.owed);
    }
    let next = owed + price;
    if (next <= signed) next = signed + 1n;
    if (next - start > options.budget) {
      throw new PaymentError(
        'PAYMENT_BUDGET_EXCEEDED',
        `Paying ${price} wei would take this client to ${next - start} wei, over its budget of ${options.budget}.`,
      );
    }
    if (next > channel.deposit) {
      throw new PaymentError(
        'PAYMENT_BUDGET_EXCEEDED',
        `The channel deposit ${channel.deposit} is used up; top it up.`,
      );
    }
    signed = next;
    const voucher = await signVoucher(signer, {
      channelId: channel.channelId,
      cumulativeAmount: next,
      chainId: channel.chainId,
      verifyingContract: channel.verifyingContract,
    });
    const payload: ChannelPaymentPayload = {
      x402Version: 2,
      accepted: option,
      payload: { voucher: { ...voucher, cumulativeAmount: voucher.cumulativeAmount.toString() } },
    };
    return encodeHeader(payload);
  };

  const settle = (res: Response) => {
    const settlement = decodeHeader(res.headers.get(PAYMENT_RESPONSE_HEADER)) as
      | ChannelSettlementResponse
      | undefined;
    const receipt = settlement?.receipt;
    if (!receipt || receipt.channelId?.toLowerCase() !== channel.channelId.toLowerCase()) return;
    if (options.verifyReceipts !== false) {
      const key = checkReceipt(receipt, channel.payee, payeeKey);
      if (!key) return;
      payeeKey = key;
    }
    if (/^\d{1,78}$/.test(receipt.owed)) {
      const o = BigInt(receipt.owed);
      // Never let a receipt claim more than we signed.
      if (o > owed && o <= signed) owed = o;
    }
    options.onReceipt?.(receipt);
  };

  const send = async (req: Request, header?: string) => {
    const r = req.clone();
    if (header) r.headers.set(PAYMENT_SIGNATURE_HEADER, header);
    return fetchFn(r);
  };

  const paying = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const key = routeKey(req);
    const cached = known.get(key);
    let res = await send(req, cached ? await pay(cached) : undefined);
    if (res.status === 402) {
      const required = decodeHeader(res.headers.get(PAYMENT_REQUIRED_HEADER)) as PaymentRequired | undefined;
      const option = pick(required);
      known.set(key, option);
      await res.body?.cancel();
      res = await send(req, await pay(option));
      if (res.status === 402) {
        const again = decodeHeader(res.headers.get(PAYMENT_REQUIRED_HEADER)) as PaymentRequired | undefined;
        await res.body?.cancel();
        throw new PaymentError('PAYMENT_REJECTED', 'The server refused the payment after a retry.', {
          details: again?.error ?? 'no reason given',
        });
      }
    }
    settle(res);
    return res;
  };

  return Object.defineProperties(paying, {
    signed: { get: () => signed },
    owed: { get: () => owed },
    spent: { get: () => signed - start },
  }) as PayingFetch;
}
