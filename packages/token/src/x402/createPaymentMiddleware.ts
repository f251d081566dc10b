import { secp256k1 } from '@noble/curves/secp256k1';
import { hexToBytes } from '@noble/hashes/utils';
import { ValidationError } from '@openledger/core';
import type { ChannelState, Hex, Voucher } from '../types.js';
import { addressOfPublicKey, toChecksumAddress } from '../voucher/secp.js';
import { verifyVoucher } from '../voucher/verifyVoucher.js';
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
  type PaymentRequired,
} from './protocol.js';
import { signReceipt } from './receipt.js';

/** Price of a request: a fixed amount, or per token used with a cap (charged for actual use). */
export type PaymentPrice = bigint | { perToken: bigint; maxTokens: number };

/** What the payee keeps per channel. */
export interface ChannelAccount {
  state: ChannelState;
  /** Earned so far, cumulative (≤ state.accepted; the difference is the payer's credit). */
  owed: bigint;
  /** The highest voucher, to redeem on chain. */
  latestVoucher?: Voucher | undefined;
  /** When the deposit/expiry were last re-read (ms), to rate-limit refreshes. */
  refreshedAt?: number;
}

/** Options of {@link createPaymentMiddleware}. */
export interface CreatePaymentMiddlewareParameters {
  /** Chain id of the PaymentChannel deployment. */
  chainId: number;
  /** The PaymentChannel contract. */
  contract: Hex;
  /** The payee's private key: identifies `payTo` and signs receipts. Never sent anywhere. */
  payeeKey: Hex;
  /** ERC-20 the channel must be in; zero address (default) for native OPEN. */
  token?: Hex;
  price: PaymentPrice;
  /**
   * Look a channel up on first sight (e.g. `(id) => readChannel(provider, { contract, channelId: id })`).
   * Called once per channel; every later request is checked off-chain only.
   */
  getChannel(channelId: Hex): Promise<ChannelState | undefined>;
  /** Where channel accounts live. Default: an in-memory Map. */
  accounts?: Map<string, ChannelAccount>;
  description?: string;
  mimeType?: string;
  /** Refuse vouchers this many seconds before the channel expires. Default 60. */
  expiryMarginSeconds?: number;
  maxTimeoutSeconds?: number;
  /** How long an id that is not a channel is answered from memory. Default 30 000 ms. */
  unknownChannelTtlMs?: number;
  /** Least time between re-reads of a channel whose deposit or expiry a voucher outgrew. Default 5000 ms. */
  refreshIntervalMs?: number;
  /** Clock in unix seconds (tests). */
  now?: () => number;
  /** Extra CORS origin to allow (default `*`). */
  corsOrigin?: string;
}

/** What the paid handler learns about the payment. */
export interface PaymentContext {
  channelId: Hex;
  payer: Hex;
  /** Most this request can cost. */
  maxAmount: bigint;
  /** Per-token pricing: report how many tokens were used, to be charged for that many. */
  reportUsage(tokens: number): void;
}

/** A web-standard handler behind the paywall. */
export type PaidHandler = (request: Request, payment: PaymentContext) => Response | Promise<Response>;

/** Return type of {@link createPaymentMiddleware}: wrap a handler, or use `handle` directly. */
export interface PaymentMiddleware {
  (request: Request, handler: PaidHandler): Promise<Response>;
  /** The channel accounts (to redeem the latest vouchers from). */
  accounts: Map<string, ChannelAccount>;
  /** The payee address derived from `payeeKey`. */
  payee: Hex;
}

const EXPOSED = `${PAYMENT_REQUIRED_HEADER}, ${PAYMENT_RESPONSE_HEADER}`;

/**
 * HTTP 402 paywall on web-standard `Request`/`Response` (Hono, Next.js route handlers, or
 * Node through an adapter), speaking x402 v2 headers with the `ol-channel` scheme: answers
 * 402 with the requirements, checks the voucher in `PAYMENT-SIGNATURE` off-chain, runs the
 * handler, and answers with a signed receipt in `PAYMENT-RESPONSE`. A failed handler
 * (throw or 5xx) is not charged.
 *
 * @example
 * import { JsonRpcProvider } from 'ethers';
 * import { createPaymentMiddleware, readChannel } from '@openledger/token';
 * const provider = new JsonRpcProvider('http://127.0.0.1:8545');
 * const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
 * const paywall = createPaymentMiddleware({
 *   chainId: 1612, contract, payeeKey: `0x${'02'.repeat(32)}`, price: 10n ** 15n,
 *   getChannel: (channelId) => readChannel(provider, { contract, channelId }),
 * });
 * const response = await paywall(new Request('http://localhost/infer'), () => Response.json({ text: 'hi' }));
 */
export function createPaymentMiddleware(options: CreatePaymentMiddlewareParameters): PaymentMiddleware {
  const payee = toChecksumAddress(
    addressOfPublicKey(secp256k1.getPublicKey(hexToBytes(options.payeeKey.slice(2)), false)),
  );
  const token = (options.token ?? '0x0000000000000000000000000000000000000000').toLowerCase();
  const accounts = options.accounts ?? new Map<string, ChannelAccount>();
  const lookups = new Map<string, Promise<ChannelState | undefined>>();
  const misses = new Map<string, number>();
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const network = caip2(options.chainId);
  const price = options.price;
  const maxAmount = typeof price === 'bigint' ? price : price.perToken * BigInt(price.maxTokens);
  if (maxAmount <= 0n) throw new ValidationError('createPaymentMiddleware: the price must be positive.');

  const requirements = (
    extra: Partial<ChannelPaymentRequirements['extra']> = {},
  ): ChannelPaymentRequirements => ({
    scheme: CHANNEL_SCHEME,
    network,
    amount: maxAmount.toString(),
    asset: token as Hex,
    payTo: payee,
    maxTimeoutSeconds: options.maxTimeoutSeconds ?? 60,
    extra: {
      verifyingContract: options.contract,
      pricing: typeof price === 'bigint' ? 'fixed' : 'per-token',
      ...(typeof price === 'bigint'
        ? {}
        : { perToken: price.perToken.toString(), maxTokens: price.maxTokens }),
      ...extra,
    },
  });

  const cors = (headers: Headers) => {
    headers.set('Access-Control-Allow-Origin', options.corsOrigin ?? '*');
    headers.set('Access-Control-Expose-Headers', EXPOSED);
    return headers;
  };

  const paymentRequired = (
    request: Request,
    error: string,
    extra?: Partial<ChannelPaymentRequirements['extra']>,
  ) => {
    const body: PaymentRequired = {
      x402Version: 2,
      error,
      resource: {
        url: request.url,
        ...(options.description ? { description: options.description } : {}),
        ...(options.mimeType ? { mimeType: options.mimeType } : {}),
      },
      accepts: [requirements(extra)],
    };
    const headers = cors(new Headers({ 'content-type': 'application/json' }));
    headers.set(PAYMENT_REQUIRED_HEADER, encodeHeader(body));
    return new Response(JSON.stringify({ error: { code: 'PAYMENT_REQUIRED', message: error } }), {
      status: 402,
      headers,
    });
  };

  const channelView = (a: ChannelAccount) => ({
    channel: { channelId: a.state.channelId, accepted: a.state.accepted.toString(), owed: a.owed.toString() },
  });

  async function account(channelId: Hex): Promise<ChannelAccount | undefined> {
    const key = channelId.toLowerCase();
    const known = accounts.get(key);
    if (known) return known;
    // Unknown ids are remembered for a while: anyone can send one, and each costs an RPC.
    const missUntil = misses.get(key);
    if (missUntil !== undefined && missUntil > Date.now()) return undefined;
    let pending = lookups.get(key);
    if (!pending) {
      pending = options.getChannel(channelId).catch(() => undefined);
      lookups.set(key, pending);
    }
    const state = await pending;
    lookups.delete(key);
    if (!state || state.channelId.toLowerCase() !== key) {
      if (misses.size >= 10_000) misses.clear();
      misses.set(key, Date.now() + (options.unknownChannelTtlMs ?? 30_000));
      return undefined;
    }
    const existing = accounts.get(key);
    if (existing) return existing;
    const created: ChannelAccount = { state: { ...state }, owed: state.accepted };
    accounts.set(key, created);
    return created;
  }

  const middleware = async (request: Request, handler: PaidHandler): Promise<Response> => {
    if (request.method === 'OPTIONS') {
      const headers = cors(new Headers());
      headers.set('Access-Control-Allow-Headers', `content-type, ${PAYMENT_SIGNATURE_HEADER}`);
      headers.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      return new Response(null, { status: 204, headers });
    }
    const header = request.headers.get(PAYMENT_SIGNATURE_HEADER);
    if (!header) return paymentRequired(request, `${PAYMENT_SIGNATURE_HEADER} header is required`);
    const payload = parsePayload(decodeHeader(header));
    if (typeof payload === 'string') return paymentRequired(request, payload, { reason: 'malformed' });
    const { voucher } = payload;
    if (payload.scheme !== CHANNEL_SCHEME || payload.network !== network) {
      return paymentRequired(request, `Unsupported scheme/network ${payload.scheme}/${payload.network}.`, {
        reason: 'unsupported-scheme',
      });
    }
    const acct = await account(voucher.channelId);
    if (!acct)
      return paymentRequired(request, `Unknown channel ${voucher.channelId}.`, { reason: 'unknown-channel' });
    const { state } = acct;
    if (
      state.payee.toLowerCase() !== payee.toLowerCase() ||
      state.token.toLowerCase() !== token ||
      state.verifyingContract.toLowerCase() !== options.contract.toLowerCase() ||
      state.chainId !== options.chainId
    ) {
      return paymentRequired(request, 'The channel does not pay this server in this asset.', {
        reason: 'wrong-channel',
      });
    }
    const required = acct.owed + maxAmount;
    const minIncrement = required > state.accepted ? required - state.accepted : 1n;
    const check = () =>
      verifyVoucher(state, voucher, {
        now: now(),
        expiryMarginSeconds: options.expiryMarginSeconds ?? 60,
        minIncrement,
      });
    let result = check();
    if (
      !result.ok &&
      (result.error.reason === 'exceeds-deposit' || result.error.reason === 'expired') &&
      Date.now() - (acct.refreshedAt ?? 0) >= (options.refreshIntervalMs ?? 5000)
    ) {
      // The payer may have topped up or extended the channel since we read it: re-read once
      // (rate-limited), keeping our own accepted amount, which is ahead of the chain's.
      acct.refreshedAt = Date.now();
      const fresh = await options.getChannel(state.channelId).catch(() => undefined);
      if (fresh && fresh.payer.toLowerCase() === state.payer.toLowerCase()) {
        if (fresh.deposit > state.deposit) state.deposit = fresh.deposit;
        if (fresh.expiry > state.expiry) state.expiry = fresh.expiry;
        result = check();
      }
    }
    if (!result.ok) {
      return paymentRequired(request, result.error.shortMessage, {
        reason: result.error.reason,
        ...channelView(acct),
      });
    }
    // Commit before awaiting the handler so a concurrent replay of this voucher is refused.
    state.accepted = result.cumulativeAmount;
    state.payerPublicKey = result.payerPublicKey;
    acct.latestVoucher = voucher;
    acct.owed += maxAmount;

    let usage: number | undefined;
    const context: PaymentContext = {
      channelId: state.channelId,
      payer: state.payer,
      maxAmount,
      reportUsage(tokens) {
        if (!Number.isSafeInteger(tokens) || tokens < 0)
          throw new ValidationError('reportUsage: tokens must be a non-negative integer.');
        usage = tokens;
      },
    };
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (err) {
      acct.owed -= maxAmount;
      throw err;
    }
    if (response.status >= 500) {
      acct.owed -= maxAmount;
      return withHeaders(response, cors);
    }
    let charged = maxAmount;
    if (typeof price !== 'bigint') {
      const tokens = Math.min(usage ?? price.maxTokens, price.maxTokens);
      charged = price.perToken * BigInt(tokens);
      acct.owed -= maxAmount - charged;
    }
    const receipt = signReceipt(
      {
        channelId: state.channelId,
        cumulativeAmount: state.accepted.toString(),
        owed: acct.owed.toString(),
        charged: charged.toString(),
        timestamp: now(),
      },
      options.payeeKey,
    );
    const settlement: ChannelSettlementResponse = {
      success: true,
      transaction: '',
      network,
      payer: state.payer,
      receipt,
    };
    return withHeaders(response, (h) => {
      cors(h);
      h.set(PAYMENT_RESPONSE_HEADER, encodeHeader(settlement));
      return h;
    });
  };
  return Object.assign(middleware, { accounts, payee });
}

function withHeaders(response: Response, edit: (h: Headers) => Headers): Response {
  const headers = edit(new Headers(response.headers));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Validate an untrusted payment payload; a string says what is wrong. */
function parsePayload(raw: unknown): { scheme: string; network: string; voucher: Voucher } | string {
  if (typeof raw !== 'object' || raw === null) return 'PAYMENT-SIGNATURE is not base64-encoded JSON.';
  const p = raw as Partial<ChannelPaymentPayload>;
  if (p.x402Version !== 2) return 'Only x402Version 2 payloads are accepted.';
  const accepted = p.accepted as Partial<ChannelPaymentRequirements> | undefined;
  const v = p.payload?.voucher as Partial<ChannelPaymentPayload['payload']['voucher']> | undefined;
  if (!accepted || typeof accepted.scheme !== 'string' || typeof accepted.network !== 'string') {
    return 'The payload lacks accepted.scheme / accepted.network.';
  }
  if (
    !v ||
    typeof v.channelId !== 'string' ||
    !HEX32.test(v.channelId) ||
    typeof v.cumulativeAmount !== 'string' ||
    !/^\d{1,78}$/.test(v.cumulativeAmount) ||
    typeof v.chainId !== 'number' ||
    typeof v.verifyingContract !== 'string' ||
    !ADDRESS.test(v.verifyingContract) ||
    typeof v.signature !== 'string'
  ) {
    return 'The payload lacks a well-formed voucher.';
  }
  return {
    scheme: accepted.scheme,
    network: accepted.network,
    voucher: {
      channelId: v.channelId as Hex,
      cumulativeAmount: BigInt(v.cumulativeAmount),
      chainId: v.chainId,
      verifyingContract: v.verifyingContract as Hex,
      signature: v.signature as Hex,
    },
  };
}
