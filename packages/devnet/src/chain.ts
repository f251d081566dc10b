/** The devnet's chain, in the shape of viem's / `@openledger/core`'s chain objects. */
export interface DevnetChain {
  id: number;
  name: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  rpcUrls: { default: { http: readonly string[] } };
  testnet: true;
}

/**
 * The chain object of a devnet answering at `rpcUrl`; OPEN is its native currency, as on
 * OpenLedger's L2.
 *
 * @example
 * import { devnetChain } from '@openledger/devnet';
 * const chain = devnetChain(1337, 'http://127.0.0.1:8545');
 */
export function devnetChain(id: number, rpcUrl: string): DevnetChain {
  return {
    id,
    name: 'OpenLedger Devnet',
    nativeCurrency: { name: 'Open', symbol: 'OPEN', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    testnet: true,
  };
}
