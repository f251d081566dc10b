import { ValidationError } from '../errors/errors.js';

/**
 * The native currency of a chain.
 * @example
 * import type { NativeCurrency } from '@openledger/core';
 * const open: NativeCurrency = { name: 'OpenLedger', symbol: 'OPEN', decimals: 18 };
 */
export interface NativeCurrency {
  name: string;
  symbol: string;
  decimals: number;
}

/**
 * A chain description, shaped like viem's `Chain` so it can be passed to viem (or read
 * by anything else) unchanged.
 * @example
 * import type { Chain } from '@openledger/core';
 * import { openledger } from '@openledger/core';
 * const chain: Chain = openledger;
 */
export interface Chain {
  id: number;
  name: string;
  nativeCurrency: NativeCurrency;
  rpcUrls: { default: { http: readonly string[]; webSocket?: readonly string[] } } & Record<
    string,
    { http: readonly string[]; webSocket?: readonly string[] }
  >;
  blockExplorers?: { default: { name: string; url: string; apiUrl?: string } } & Record<
    string,
    { name: string; url: string; apiUrl?: string }
  >;
  /** Contracts the SDK knows on this chain, by name. */
  contracts?: Record<string, { address: `0x${string}`; blockCreated?: number }>;
  /** Expected time between blocks, in ms. */
  blockTime?: number;
  testnet?: boolean;
}

/**
 * Describe a chain (the devnet's, a fork, a private deployment), checking its fields so a
 * typo fails here rather than at the first RPC call.
 *
 * @example
 * import { defineChain } from '@openledger/core';
 * const local = defineChain({
 *   id: 31337,
 *   name: 'OpenLedger devnet',
 *   nativeCurrency: { name: 'OpenLedger', symbol: 'OPEN', decimals: 18 },
 *   rpcUrls: { default: { http: ['http://127.0.0.1:8545'] } },
 *   testnet: true,
 * });
 */
export function defineChain<const C extends Chain>(chain: C): C {
  const issues: Array<{ path: string[]; message: string }> = [];
  if (!Number.isSafeInteger(chain.id) || chain.id <= 0)
    issues.push({ path: ['id'], message: 'must be a positive integer' });
  if (typeof chain.name !== 'string' || chain.name === '')
    issues.push({ path: ['name'], message: 'must be a non-empty string' });
  const c = chain.nativeCurrency;
  if (!c || !Number.isInteger(c.decimals) || c.decimals < 0 || c.decimals > 255 || !c.symbol) {
    issues.push({ path: ['nativeCurrency'], message: 'needs a symbol and integer decimals in 0..255' });
  }
  const http = chain.rpcUrls?.default?.http;
  if (!Array.isArray(http) || http.length === 0) {
    issues.push({ path: ['rpcUrls', 'default', 'http'], message: 'needs at least one URL' });
  } else {
    http.forEach((url, i) => {
      if (!/^https?:\/\/[^\s]+$/.test(url))
        issues.push({ path: ['rpcUrls', 'default', 'http', String(i)], message: 'must be an http(s) URL' });
    });
  }
  if (issues.length) {
    throw new ValidationError(`Invalid chain "${String(chain.name)}" (${String(chain.id)}).`, { issues });
  }
  return chain;
}
