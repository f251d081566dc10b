import { type Chain, defineChain } from '@openledger/core';

/** The devnet's chain: a `@openledger/core` (and viem) chain object with OPEN as native currency. */
export type DevnetChain = Chain & { testnet: true };

/**
 * The chain object of a devnet answering at `rpcUrl`; OPEN is its native currency, as on
 * OpenLedger's L2.
 *
 * @example
 * import { devnetChain } from '@openledger/devnet';
 * const chain = devnetChain(1337, 'http://127.0.0.1:8545');
 */
export function devnetChain(id: number, rpcUrl: string): DevnetChain {
  return defineChain({
    id,
    name: 'OpenLedger Devnet',
    nativeCurrency: { name: 'Open', symbol: 'OPEN', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    testnet: true as const,
  });
}
