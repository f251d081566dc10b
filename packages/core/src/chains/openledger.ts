import { defineChain } from './defineChain.js';

/**
 * OpenLedger mainnet: an OP Stack L2 (chain id 1612) whose native gas token is OPEN.
 *
 * @example
 * import { openledger } from '@openledger/core';
 * console.log(openledger.id, openledger.rpcUrls.default.http[0]); // 1612 https://rpc.openledger.xyz
 */
export const openledger = /* @__PURE__ */ defineChain({
  id: 1612,
  name: 'OpenLedger',
  nativeCurrency: { name: 'OpenLedger', symbol: 'OPEN', decimals: 18 },
  rpcUrls: { default: { http: ['https://rpc.openledger.xyz'] } },
  blockExplorers: { default: { name: 'OpenLedger Explorer', url: 'https://scan.openledger.xyz' } },
  blockTime: 2_000,
  testnet: false,
});

/**
 * OpenLedger testnet (chain id 161201); its native token is shown as OPN.
 *
 * @example
 * import { openledgerTestnet } from '@openledger/core';
 * console.log(openledgerTestnet.nativeCurrency.symbol); // 'OPN'
 */
export const openledgerTestnet = /* @__PURE__ */ defineChain({
  id: 161201,
  name: 'OpenLedger Testnet',
  nativeCurrency: { name: 'OpenLedger', symbol: 'OPN', decimals: 18 },
  rpcUrls: { default: { http: ['https://rpctn.openledger.xyz'] } },
  blockExplorers: { default: { name: 'OpenLedger Testnet Explorer', url: 'https://scantn.openledger.xyz' } },
  blockTime: 2_000,
  testnet: true,
});
