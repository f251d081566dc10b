import { AbiCoder, keccak256, toBeHex, type Wallet } from 'ethers';
import { afterAll, describe, expect, test } from 'vitest';
import { deployContracts } from '../deploy/deployContracts.js';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { OPEN_ETHEREUM_ADDRESS } from '../internal/chain.js';
import { contract } from '../internal/ethers.js';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import { approveOpen } from './approveOpen.js';
import { getOpenBalance } from './getOpenBalance.js';
import { transferOpen } from './transferOpen.js';

const chains: TestChain[] = [];
afterAll(async () => {
  for (const c of chains) await c.stop();
});

describe('OPEN picks native or ERC-20 from the chain id', () => {
  test('on an OpenLedger-style chain OPEN is native: exact wei transfers, approve is a no-op', async () => {
    const chain = await startTestChain({ chainId: 1612 });
    chains.push(chain);
    const [a, b] = chain.wallets as [Wallet, Wallet];
    const amount = 123_456_789_012_345_678_901n;
    const before = await getOpenBalance(chain.provider, { address: b.address });
    expect(before).toBe(await chain.provider.getBalance(b.address));
    await transferOpen(a, { to: b.address, amount });
    expect(await getOpenBalance(chain.provider, { address: b.address })).toBe(before + amount);
    expect(await approveOpen(a, { spender: b.address, amount })).toBeNull();
  });

  test('on Ethereum (chain id 1) OPEN is the ERC-20 at 0xA227…: balance, transfer and approve use the token', async () => {
    const chain = await startTestChain({ chainId: 1 });
    chains.push(chain);
    const [deployer, holder, to] = chain.wallets as [Wallet, Wallet, Wallet];
    // Put an OPEN-compatible ERC-20 at the real mainnet address and give `holder` a balance.
    const { openToken } = await deployContracts(deployer);
    await chain.provider.send('anvil_setCode', [
      OPEN_ETHEREUM_ADDRESS,
      await chain.provider.getCode(openToken),
    ]);
    const slot = keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [holder.address, 0]));
    await chain.provider.send('anvil_setStorageAt', [OPEN_ETHEREUM_ADDRESS, slot, toBeHex(10n ** 21n, 32)]);
    expect(await getOpenBalance(chain.provider, { address: holder.address })).toBe(10n ** 21n);
    const nativeBefore = await chain.provider.getBalance(to.address);
    await transferOpen(holder, { to: to.address, amount: 7n });
    expect(await getOpenBalance(chain.provider, { address: to.address })).toBe(7n);
    expect(await chain.provider.getBalance(to.address)).toBe(nativeBefore);
    await approveOpen(holder, { spender: to.address, amount: 99n });
    const token = contract(OPEN_ETHEREUM_ADDRESS, openTokenAbi, chain.provider);
    expect(await token.getFunction('allowance')(holder.address, to.address)).toBe(99n);
    await expect(transferOpen(holder, { to: to.address, amount: 10n ** 22n })).rejects.toMatchObject({
      name: 'ContractError',
      errorName: 'ERC20InsufficientBalance',
    });
  });
});
