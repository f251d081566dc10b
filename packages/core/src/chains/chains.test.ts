import { describe, expect, test } from 'vitest';
import { isValidationError } from '../errors/guards.js';
import { defineChain } from './defineChain.js';
import { openledger, openledgerTestnet } from './openledger.js';

describe('chains', () => {
  test('mainnet and testnet carry the published facts', () => {
    expect([openledger.id, openledger.nativeCurrency.symbol, openledger.nativeCurrency.decimals]).toEqual([
      1612,
      'OPEN',
      18,
    ]);
    expect(openledger.rpcUrls.default.http).toEqual(['https://rpc.openledger.xyz']);
    expect(openledger.blockExplorers.default.url).toBe('https://scan.openledger.xyz');
    expect([
      openledgerTestnet.id,
      openledgerTestnet.nativeCurrency.symbol,
      openledgerTestnet.testnet,
    ]).toEqual([161201, 'OPN', true]);
    expect(openledgerTestnet.rpcUrls.default.http).toEqual(['https://rpctn.openledger.xyz']);
    expect(openledgerTestnet.blockExplorers.default.url).toBe('https://scantn.openledger.xyz');
  });

  test('are accepted by viem as chains', async () => {
    const { createPublicClient, http } = await import('viem');
    const client = createPublicClient({ chain: openledger, transport: http() });
    expect(client.chain.id).toBe(1612);
  });

  test('defineChain rejects a malformed chain with the offending fields', () => {
    try {
      defineChain({
        id: -1,
        name: '',
        nativeCurrency: { name: 'x', symbol: 'X', decimals: 1.5 },
        rpcUrls: { default: { http: ['ws://nope'] } },
      });
      expect.unreachable();
    } catch (e) {
      expect(isValidationError(e)).toBe(true);
      if (!isValidationError(e)) return;
      expect(e.issues.map((i) => i.path.join('.'))).toEqual([
        'id',
        'name',
        'nativeCurrency',
        'rpcUrls.default.http.0',
      ]);
    }
  });
});
