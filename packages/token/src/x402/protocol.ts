import type { Hex } from '../types.js';

/**
 * x402 v2 header: the server's payment requirements (base64 JSON), on a 402.
 *
 * @example
 * import { PAYMENT_REQUIRED_HEADER } from '@openledger/token';
 */
export const PAYMENT_REQUIRED_HEADER = 'PAYMENT-REQUIRED';
/**
 * x402 v2 header: the client's payment payload (base64 JSON).
 *
 * @example
 * import { PAYMENT_SIGNATURE_HEADER } from '@openledger/token';
 */
export const PAYMENT_SIGNATURE_HEADER = 'PAYMENT-SIGNATURE';
/**
 * x402 v2 header: the server's settlement response (base64 JSON).
 *
 * @example
 * import { PAYMENT_RESPONSE_HEADER } from '@openledger/token';
 */
export const PAYMENT_RESPONSE_HEADER = 'PAYMENT-RESPONSE';
/**
 * Our x402 scheme: cumulative EIP-712 vouchers on an OpenLedger PaymentChannel.
 *
 * @example
 * import { CHANNEL_SCHEME } from '@openledger/token';
 */
export const CHANNEL_SCHEME = 'ol-channel';
/** Largest payment header we parse; real ones are ~1 kB. */
export const MAX_PAYMENT_HEADER_BYTES = 8192;

/** One way to pay, as listed in `accepts` (x402 v2 `PaymentRequirements`). */
export interface ChannelPaymentRequirements {
  scheme: typeof CHANNEL_SCHEME;
  /** CAIP-2 id, e.g. `eip155:1612`. */
  network: string;
  /** Most this request can cost, in wei (decimal string). */
  amount: string;
  /** ERC-20 address, or the zero address for native OPEN. */
  asset: Hex;
  payTo: Hex;
  maxTimeoutSeconds: number;
  extra: {
    /** The PaymentChannel contract (EIP-712 verifyingContract). */
    verifyingContract: Hex;
    pricing: 'fixed' | 'per-token';
    perToken?: string;
    maxTokens?: number;
    /** The server's view of the client's channel, when it knows which one it is. */
    channel?: { channelId: Hex; accepted: string; owed: string };
    /** Why the previous payment was refused, when one was. */
    reason?: string;
  };
}

/** x402 v2 `PaymentRequired`. */
export interface PaymentRequired {
  x402Version: 2;
  error?: string;
  resource: { url: string; description?: string; mimeType?: string };
  accepts: ChannelPaymentRequirements[];
}

/** x402 v2 `PaymentPayload` carrying a voucher (amounts as decimal strings). */
export interface ChannelPaymentPayload {
  x402Version: 2;
  accepted: ChannelPaymentRequirements;
  payload: {
    voucher: {
      channelId: Hex;
      cumulativeAmount: string;
      chainId: number;
      verifyingContract: Hex;
      signature: Hex;
    };
  };
}

/** What the payee signs after serving a paid request. */
export interface PaymentReceipt {
  channelId: Hex;
  /** Cumulative amount of the voucher the payee holds. */
  cumulativeAmount: string;
  /** Cumulative amount actually earned so far (≤ cumulativeAmount; the rest is the payer's credit). */
  owed: string;
  /** What this request cost. */
  charged: string;
  /** Unix seconds. */
  timestamp: number;
  /** The payee's EIP-191 signature over {@link receiptMessage} of the fields above. */
  signature?: Hex;
}

/** x402 v2 `SettlementResponse`, plus our signed receipt. */
export interface ChannelSettlementResponse {
  success: boolean;
  /** Empty: channel payments settle off-chain; the payee redeems later. */
  transaction: string;
  network: string;
  payer: Hex;
  errorReason?: string;
  receipt?: PaymentReceipt;
}

export function caip2(chainId: number): string {
  return `eip155:${chainId}`;
}

export function encodeHeader(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Decode a base64 JSON header; `undefined` when it is not one (or too large). */
export function decodeHeader(value: string | null): unknown {
  if (!value || value.length > MAX_PAYMENT_HEADER_BYTES) return undefined;
  try {
    const bin = atob(value.trim());
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** The text a receipt signature covers: fixed field order, so both sides agree byte for byte. */
export function receiptMessage(r: PaymentReceipt): string {
  return `OpenLedger payment receipt\nchannel:${r.channelId.toLowerCase()}\ncumulative:${r.cumulativeAmount}\nowed:${r.owed}\ncharged:${r.charged}\ntimestamp:${r.timestamp}`;
}
