import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import type { Hex } from '../types.js';
import { deployContracts } from './deployContracts.js';

let chain: TestChain;
beforeAll(async () => {
  chain = await startTestChain();
});
afterAll(async () => {
  await chain?.stop();
});

describe('deployContracts', () => {
  test('deploys all four contracts from an RPC URL and a key, with working code at each address', async () => {
    const out = await deployContracts(
      { rpcUrl: chain.rpcUrl, privateKey: chain.wallets[0]!.privateKey as Hex },
      { challengePeriod: 42 },
    );
    expect(Object.keys(out).sort()).toEqual(['gOpen', 'openToken', 'paymentChannel', 'rewardDistributor']);
    for (const address of Object.values(out))
      expect((await chain.provider.getCode(address)).length).toBeGreaterThan(100);
    const { contract } = await import('../internal/ethers.js');
    const { paymentChannelAbi } = await import('../generated/PaymentChannel.generated.js');
    expect(
      await contract(out.paymentChannel, paymentChannelAbi, chain.provider).getFunction('challengePeriod')(),
    ).toBe(42n);
  });
});
