import { ContractFactory, Interface, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DeployContractsReturnType, deployContracts } from '../deploy/deployContracts.js';
import { type ContractError, isContractError } from '../errors.js';
import { reentererAbi, reentererBytecode } from '../generated/Reenterer.generated.js';
import { rewardDistributorAbi } from '../generated/RewardDistributor.generated.js';
import { contract, send } from '../internal/ethers.js';
import { getOpenBalance } from '../open/getOpenBalance.js';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import type { Hex } from '../types.js';
import { claimReward } from './claimReward.js';
import { payRewardsBatch } from './payRewardsBatch.js';
import { publishRewardEpoch } from './publishRewardEpoch.js';

let chain: TestChain;
let c: DeployContractsReturnType;
let funder: Wallet;
let relayer: Wallet;

beforeAll(async () => {
  chain = await startTestChain();
  [, funder, relayer] = chain.wallets as [Wallet, Wallet, Wallet];
  c = await deployContracts(chain.wallets[0]!);
});
afterAll(async () => {
  await chain?.stop();
});

async function revertName(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isContractError(e), String(e)).toBe(true);
  return (e as ContractError).errorName;
}

const fresh = (n: number) => Array.from({ length: n }, () => Wallet.createRandom().address as Hex);

describe('RewardDistributor on anvil', () => {
  test('claims pay once; a wrong proof, a doubled claim and a claim after the deadline move nothing; the rest returns to the funder', async () => {
    const people = fresh(5);
    const epoch = await publishRewardEpoch(funder, {
      contract: c.rewardDistributor,
      payouts: people.map((address, i) => ({ address, amount: BigInt(i + 1) * 1000n })),
      deadline: (await chain.now()) + 1000,
    });
    expect(epoch.total).toBe(15_000n);
    const [a, b] = [epoch.claims.get(people[0]!)!, epoch.claims.get(people[1]!)!];
    await claimReward(relayer, { contract: c.rewardDistributor, claim: a });
    expect(await chain.provider.getBalance(people[0]!)).toBe(1000n);
    const held = await chain.provider.getBalance(c.rewardDistributor);
    expect(await revertName(claimReward(relayer, { contract: c.rewardDistributor, claim: a }))).toBe(
      'AlreadyClaimed',
    );
    expect(
      await revertName(
        claimReward(relayer, { contract: c.rewardDistributor, claim: { ...b, proof: a.proof } }),
      ),
    ).toBe('InvalidProof');
    expect(
      await revertName(
        claimReward(relayer, { contract: c.rewardDistributor, claim: { ...b, amount: b.amount * 10n } }),
      ),
    ).toBe('InvalidProof');
    expect(
      await revertName(
        claimReward(relayer, { contract: c.rewardDistributor, claim: { ...b, account: people[2]! } }),
      ),
    ).toBe('InvalidProof');
    expect(await chain.provider.getBalance(c.rewardDistributor)).toBe(held);
    const distributor = contract(c.rewardDistributor, rewardDistributorAbi, funder);
    expect(await revertName(send('reclaim', distributor, 'reclaim', [epoch.epochId]))).toBe(
      'DeadlineNotReached',
    );
    await chain.increaseTime(1000);
    expect(await revertName(claimReward(relayer, { contract: c.rewardDistributor, claim: b }))).toBe(
      'ClaimWindowClosed',
    );
    const before = await chain.provider.getBalance(funder.address);
    const r = await send('reclaim', distributor, 'reclaim', [epoch.epochId]);
    expect(await chain.provider.getBalance(funder.address)).toBe(before + 14_000n - r.gasUsed * r.gasPrice);
    expect(await chain.provider.getBalance(c.rewardDistributor)).toBe(0n);
  });

  test('a malicious claimant contract cannot re-enter claim: ReentrancyGuardReentrantCall, no funds move', async () => {
    const attacker = await new ContractFactory(reentererAbi, reentererBytecode, relayer).deploy();
    const attackerAddress = (await attacker.getAddress()) as Hex;
    const epoch = await publishRewardEpoch(funder, {
      contract: c.rewardDistributor,
      payouts: [
        { address: attackerAddress, amount: 500n },
        { address: fresh(1)[0]!, amount: 700n },
      ],
      deadline: (await chain.now()) + 3600,
    });
    const claim = epoch.claims.get(attackerAddress)!;
    const iface = new Interface(rewardDistributorAbi);
    const data = iface.encodeFunctionData('claim', [
      claim.epochId,
      claim.index,
      claim.account,
      claim.amount,
      claim.proof,
    ]);
    const held = await chain.provider.getBalance(c.rewardDistributor);
    expect(
      await revertName(send('attack', attacker as never, 'attack', [c.rewardDistributor, data, data])),
    ).toBe('ReentrancyGuardReentrantCall');
    expect(await chain.provider.getBalance(c.rewardDistributor)).toBe(held);
    expect(await chain.provider.getBalance(attackerAddress)).toBe(0n);
  });

  test('an epoch in the OPEN ERC-20 pays in the token', async () => {
    const { transferOpen } = await import('../open/transferOpen.js');
    await transferOpen(chain.wallets[0]!, { to: funder.address, amount: 10n ** 20n, token: c.openToken });
    const people = fresh(3);
    const epoch = await publishRewardEpoch(funder, {
      contract: c.rewardDistributor,
      token: c.openToken,
      payouts: people.map((address) => ({ address, amount: 10n ** 18n })),
      deadline: (await chain.now()) + 3600,
    });
    for (const p of people)
      await claimReward(relayer, { contract: c.rewardDistributor, claim: epoch.claims.get(p)! });
    for (const p of people)
      expect(await getOpenBalance(chain.provider, { address: p, token: c.openToken })).toBe(10n ** 18n);
  });

  test('the batch path pays everyone in one transaction; a refusing recipient is credited, not a blocker', async () => {
    const people = fresh(20);
    const refuser = (await (
      await new ContractFactory(
        rewardDistributorAbi,
        (
          await import('../generated/RewardDistributor.generated.js')
        ).rewardDistributorBytecode,
        relayer,
      ).deploy()
    ).getAddress()) as Hex;
    // A contract with no receive(): native payments to it revert.
    const payouts = [
      ...people.map((address, i) => ({ address, amount: BigInt(1000 + i) })),
      { address: refuser, amount: 999n },
    ];
    await payRewardsBatch(funder, { contract: c.rewardDistributor, payouts });
    for (const [i, p] of people.entries()) expect(await chain.provider.getBalance(p)).toBe(BigInt(1000 + i));
    const distributor = contract(c.rewardDistributor, rewardDistributorAbi, funder);
    expect(await distributor.getFunction('owed')(refuser)).toBe(999n);

    const erc20People = fresh(10);
    await payRewardsBatch(funder, {
      contract: c.rewardDistributor,
      token: c.openToken,
      payouts: erc20People.map((address) => ({ address, amount: 5n })),
    });
    for (const p of erc20People)
      expect(await getOpenBalance(chain.provider, { address: p, token: c.openToken })).toBe(5n);
  });
});
