import type { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DeployContractsReturnType, deployContracts } from '../deploy/deployContracts.js';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { contract } from '../internal/ethers.js';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import { delegateVotes, signDelegation } from './delegateVotes.js';
import { depositGOpen } from './depositGOpen.js';
import { getPastVotes } from './getPastVotes.js';
import { getVotes } from './getVotes.js';
import { withdrawGOpen } from './withdrawGOpen.js';

let chain: TestChain;
let c: DeployContractsReturnType;
beforeAll(async () => {
  chain = await startTestChain();
  c = await deployContracts(chain.wallets[0]!);
});
afterAll(async () => {
  await chain?.stop();
});

describe('gOPEN on anvil', () => {
  test('wraps 1:1, votes count only after delegation, past votes are looked up by timestamp', async () => {
    const [, alice, bob, relayer] = chain.wallets as [Wallet, Wallet, Wallet, Wallet];
    const g = contract(c.gOpen, gOpenAbi, chain.provider);
    expect(await g.getFunction('CLOCK_MODE')()).toBe('mode=timestamp');
    await depositGOpen(alice, { gOpen: c.gOpen, amount: 5n * 10n ** 18n });
    expect(await g.getFunction('balanceOf')(alice.address)).toBe(5n * 10n ** 18n);
    expect(await chain.provider.getBalance(c.gOpen)).toBe(5n * 10n ** 18n);
    expect(await getVotes(chain.provider, { gOpen: c.gOpen, account: alice.address })).toBe(0n);

    await delegateVotes(alice, { gOpen: c.gOpen, delegatee: alice.address });
    const t1 = await chain.now();
    expect(await getVotes(chain.provider, { gOpen: c.gOpen, account: alice.address })).toBe(5n * 10n ** 18n);
    await chain.increaseTime(100);

    // Bob signs a delegation to Alice off-chain; a relayer submits it.
    await depositGOpen(bob, { gOpen: c.gOpen, amount: 10n ** 18n });
    const delegation = await signDelegation(bob, {
      gOpen: c.gOpen,
      delegatee: alice.address,
      expiry: (await chain.now()) + 600,
    });
    await delegateVotes(relayer, { gOpen: c.gOpen, bySignature: delegation });
    expect(await getVotes(chain.provider, { gOpen: c.gOpen, account: alice.address })).toBe(6n * 10n ** 18n);
    // Replaying the same signature fails (nonce used).
    await expect(delegateVotes(relayer, { gOpen: c.gOpen, bySignature: delegation })).rejects.toMatchObject({
      name: 'ContractError',
    });
    await chain.increaseTime(10);
    const past = await getPastVotes(chain.provider, {
      gOpen: c.gOpen,
      account: alice.address,
      timepoint: new Date(t1 * 1000),
    });
    expect(past).toBe(5n * 10n ** 18n);
    const before = await getPastVotes(chain.provider, {
      gOpen: c.gOpen,
      account: alice.address,
      timepoint: t1 - 1,
    });
    expect(before).toBe(0n);
    await expect(
      getPastVotes(chain.provider, {
        gOpen: c.gOpen,
        account: alice.address,
        timepoint: (await chain.now()) + 1000,
      }),
    ).rejects.toMatchObject({ name: 'ContractError', errorName: 'ERC5805FutureLookup' });

    const native = await chain.provider.getBalance(alice.address);
    const r = await withdrawGOpen(alice, { gOpen: c.gOpen, amount: 2n * 10n ** 18n });
    expect(await chain.provider.getBalance(alice.address)).toBe(
      native + 2n * 10n ** 18n - r.gasUsed * r.gasPrice,
    );
    expect(await getVotes(chain.provider, { gOpen: c.gOpen, account: alice.address })).toBe(4n * 10n ** 18n);
    await expect(withdrawGOpen(bob, { gOpen: c.gOpen, amount: 2n * 10n ** 18n })).rejects.toMatchObject({
      errorName: 'ERC20InsufficientBalance',
    });
  });
});
