import { ContractFactory, Interface, type Wallet, ZeroAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DeployContractsReturnType, deployContracts } from '../deploy/deployContracts.js';
import { type ContractError, isContractError } from '../errors.js';
import { paymentChannelAbi, paymentChannelBytecode } from '../generated/PaymentChannel.generated.js';
import { reentererAbi, reentererBytecode } from '../generated/Reenterer.generated.js';
import { getOpenBalance } from '../open/getOpenBalance.js';
import { startTestChain, type TestChain } from '../test-utils/anvil.js';
import type { ChannelState, Hex, Voucher } from '../types.js';
import { signVoucher } from '../voucher/signVoucher.js';
import { verifyVoucher } from '../voucher/verifyVoucher.js';
import { closeChannel } from './closeChannel.js';
import { openChannel } from './openChannel.js';
import { readChannel } from './readChannel.js';
import { redeemVoucher } from './redeemVoucher.js';
import { topUpChannel } from './topUpChannel.js';

const ETH = 10n ** 18n;
const CHALLENGE = 600;
let chain: TestChain;
let c: DeployContractsReturnType;
let payer: Wallet;
let payee: Wallet;

beforeAll(async () => {
  chain = await startTestChain();
  [, payer, payee] = chain.wallets as [Wallet, Wallet, Wallet];
  c = await deployContracts(chain.wallets[0]!, { challengePeriod: CHALLENGE });
});
afterAll(async () => {
  await chain?.stop();
});

async function open(amount = ETH, ttl = 3600): Promise<ChannelState> {
  return openChannel(payer, {
    contract: c.paymentChannel,
    payee: payee.address,
    amount,
    expiry: (await chain.now()) + ttl,
  });
}

async function balances(ch: ChannelState) {
  return {
    contract: await chain.provider.getBalance(c.paymentChannel),
    payee: await chain.provider.getBalance(ch.payee),
    onchain: await readChannel(chain.provider, { contract: c.paymentChannel, channelId: ch.channelId }),
  };
}

async function expectRevert(p: Promise<unknown>, errorName: string): Promise<ContractError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isContractError(err), String(err)).toBe(true);
  expect((err as ContractError).errorName).toBe(errorName);
  return err as ContractError;
}

/** The payee's redeem must fail with `errorName` and leave every balance as it was. */
async function expectRejectedRedeem(
  ch: ChannelState,
  voucher: Voucher,
  errorName: string,
  by: Wallet = payee,
  amount?: bigint,
) {
  const before = await balances(ch);
  const err = await expectRevert(redeemVoucher(by, { voucher, amount }), errorName);
  const after = await balances(ch);
  expect(after.contract).toBe(before.contract);
  expect(after.onchain.accepted).toBe(before.onchain.accepted);
  // The payee paid gas for the failed attempt only when it sent it; nothing was credited.
  expect(after.payee).toBeLessThanOrEqual(before.payee);
  return err;
}

const sign = (ch: ChannelState, amount: bigint, over: Partial<Voucher> = {}) =>
  signVoucher(payer, {
    channelId: ch.channelId,
    cumulativeAmount: amount,
    chainId: over.chainId ?? ch.chainId,
    verifyingContract: over.verifyingContract ?? ch.verifyingContract,
  }).then((v) => ({ ...v, ...(over.channelId ? { channelId: over.channelId } : {}) }));

describe('PaymentChannel on anvil', () => {
  test('opens, verifies vouchers off-chain, redeems the latest one and stays open', async () => {
    const ch = await open();
    expect(ch).toMatchObject({
      payer: payer.address,
      payee: payee.address,
      deposit: ETH,
      accepted: 0n,
      token: ZeroAddress,
    });
    let state = { ...ch };
    let last: Voucher | undefined;
    for (let i = 1n; i <= 5n; i++) {
      last = await sign(ch, i * 10n ** 15n);
      const r = verifyVoucher(state, last, { now: await chain.now() });
      expect(r.ok).toBe(true);
      if (r.ok) state = { ...state, accepted: r.cumulativeAmount, payerPublicKey: r.payerPublicKey };
    }
    const digest = await new Interface(paymentChannelAbi).encodeFunctionData('voucherDigest', [
      ch.channelId,
      5n * 10n ** 15n,
    ]);
    const onchainDigest = Interface.from(paymentChannelAbi).decodeFunctionResult(
      'voucherDigest',
      await chain.provider.call({ to: c.paymentChannel, data: digest }),
    )[0];
    const { hashVoucher } = await import('../voucher/hashVoucher.js');
    expect(hashVoucher(last!)).toBe(onchainDigest);

    const before = await chain.provider.getBalance(payee.address);
    const receipt = await redeemVoucher(payee, { voucher: last! });
    const gas = receipt.gasUsed * receipt.gasPrice;
    expect(await chain.provider.getBalance(payee.address)).toBe(before + 5n * 10n ** 15n - gas);
    const after = await readChannel(chain.provider, { contract: c.paymentChannel, channelId: ch.channelId });
    expect(after.accepted).toBe(5n * 10n ** 15n);

    // Still open: a later voucher pays only the difference.
    const next = await sign(ch, 8n * 10n ** 15n);
    const b2 = await chain.provider.getBalance(payee.address);
    const r2 = await redeemVoucher(payee, { voucher: next });
    expect(await chain.provider.getBalance(payee.address)).toBe(
      b2 + 3n * 10n ** 15n - r2.gasUsed * r2.gasPrice,
    );
  });

  test('a partial redeem settles exactly the amount asked; the same voucher settles the rest later, never more', async () => {
    const ch = await open();
    const v = await sign(ch, 1000n);
    const b0 = await chain.provider.getBalance(payee.address);
    const r1 = await redeemVoucher(payee, { voucher: v, amount: 700n });
    expect(await chain.provider.getBalance(payee.address)).toBe(b0 + 700n - r1.gasUsed * r1.gasPrice);
    expect((await balances(ch)).onchain.accepted).toBe(700n);
    await expectRejectedRedeem(ch, v, 'AmountExceedsVoucher', payee, 1001n);
    await expectRejectedRedeem(ch, v, 'VoucherNotNewer', payee, 700n);
    await expectRejectedRedeem(ch, await sign(ch, 650n), 'VoucherNotNewer');
    const b1 = await chain.provider.getBalance(payee.address);
    const r2 = await redeemVoucher(payee, { voucher: v });
    expect(await chain.provider.getBalance(payee.address)).toBe(b1 + 300n - r2.gasUsed * r2.gasPrice);
    await expectRejectedRedeem(ch, v, 'VoucherNotNewer');
    // Closing with a partial amount refunds everything else to the payer.
    const next = await sign(ch, 5000n);
    const payerBefore = await chain.provider.getBalance(payer.address);
    await closeChannel(payee, {
      contract: c.paymentChannel,
      channelId: ch.channelId,
      voucher: next,
      amount: 1200n,
    });
    expect(await chain.provider.getBalance(payer.address)).toBe(payerBefore + ETH - 1200n);
  });

  test('rejects a replayed voucher with VoucherNotNewer and a lower one likewise', async () => {
    const ch = await open();
    const v = await sign(ch, 500n);
    await redeemVoucher(payee, { voucher: v });
    await expectRejectedRedeem(ch, v, 'VoucherNotNewer');
    await expectRejectedRedeem(ch, await sign(ch, 400n), 'VoucherNotNewer');
  });

  test('rejects vouchers for another channel, chain id or contract (signature does not match the payer)', async () => {
    const ch = await open();
    const other = await open();
    await expectRejectedRedeem(
      ch,
      { ...(await sign(other, 100n)), channelId: ch.channelId },
      'InvalidVoucherSigner',
    );
    await expectRejectedRedeem(
      ch,
      { ...(await sign(ch, 100n, { chainId: 1 })), chainId: ch.chainId },
      'InvalidVoucherSigner',
    );
    const second = await new ContractFactory(
      paymentChannelAbi,
      paymentChannelBytecode,
      chain.wallets[0],
    ).deploy(CHALLENGE);
    const forSecond = await sign(ch, 100n, { verifyingContract: (await second.getAddress()) as Hex });
    await expectRejectedRedeem(
      ch,
      { ...forSecond, verifyingContract: ch.verifyingContract },
      'InvalidVoucherSigner',
    );
    // The SDK names the reason before anything reaches the chain.
    const r = verifyVoucher(ch, forSecond, { now: await chain.now() });
    expect(r.ok === false && r.error.reason).toBe('wrong-domain');
  });

  test('rejects an amount beyond the deposit, and accepts it after a top-up', async () => {
    const ch = await open(1000n);
    const v = await sign(ch, 1500n);
    await expectRejectedRedeem(ch, v, 'AmountExceedsDeposit');
    await topUpChannel(payer, { channel: ch, amount: 500n });
    await redeemVoucher(payee, { voucher: v });
    expect(
      (await readChannel(chain.provider, { contract: c.paymentChannel, channelId: ch.channelId })).accepted,
    ).toBe(1500n);
  });

  test('rejects the high-s twin of a valid voucher signature with ECDSAInvalidSignatureS', async () => {
    const ch = await open();
    const v = await sign(ch, 100n);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${v.signature.slice(66, 130)}`);
    const vByte = Number.parseInt(v.signature.slice(130), 16) === 27 ? '1c' : '1b';
    const twin = `${v.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${vByte}` as Hex;
    await expectRejectedRedeem(ch, { ...v, signature: twin }, 'ECDSAInvalidSignatureS');
  });

  test('only the payee redeems; only the payer reclaims, and not before expiry + challenge period', async () => {
    const ch = await open(ETH, 100);
    const v = await sign(ch, 300n);
    await expectRejectedRedeem(ch, v, 'NotPayee', payer);
    const before = await balances(ch);
    await expectRevert(
      closeChannel(payer, { contract: c.paymentChannel, channelId: ch.channelId }),
      'ChallengePeriodActive',
    );
    expect((await balances(ch)).contract).toBe(before.contract);
    await chain.increaseTime(100);
    // Expired: the SDK refuses new vouchers, but the payee may still redeem during the challenge period.
    expect(verifyVoucher(ch, v, { now: await chain.now() }).ok).toBe(false);
    await redeemVoucher(payee, { voucher: v });
    await expectRevert(
      closeChannel(payer, { contract: c.paymentChannel, channelId: ch.channelId }),
      'ChallengePeriodActive',
    );
    await chain.increaseTime(CHALLENGE);
    await expectRejectedRedeem(ch, await sign(ch, 400n), 'RedeemWindowClosed');
    const payerBefore = await chain.provider.getBalance(payer.address);
    const r = await closeChannel(payer, { contract: c.paymentChannel, channelId: ch.channelId });
    expect(await chain.provider.getBalance(payer.address)).toBe(
      payerBefore + ETH - 300n - r.gasUsed * r.gasPrice,
    );
    await expectRevert(
      closeChannel(payer, { contract: c.paymentChannel, channelId: ch.channelId }),
      'ChannelIsClosed',
    );
  });

  test('payee closes cooperatively with a final voucher; the payer gets the rest at once', async () => {
    const ch = await open(ETH);
    const v = await sign(ch, 250n);
    const payerBefore = await chain.provider.getBalance(payer.address);
    await closeChannel(payee, { contract: c.paymentChannel, channelId: ch.channelId, voucher: v });
    expect(await chain.provider.getBalance(payer.address)).toBe(payerBefore + ETH - 250n);
    await expectRejectedRedeem(ch, await sign(ch, 260n), 'ChannelIsClosed');
  });

  test('an ERC-20 channel pays in the token', async () => {
    const { openToken } = c;
    const { transferOpen } = await import('../open/transferOpen.js');
    await transferOpen(chain.wallets[0]!, { to: payer.address, amount: 10n * ETH, token: openToken });
    const ch = await openChannel(payer, {
      contract: c.paymentChannel,
      payee: payee.address,
      amount: 2n * ETH,
      expiry: (await chain.now()) + 3600,
      token: openToken,
    });
    expect(ch.token).toBe(openToken);
    await redeemVoucher(payee, { voucher: await sign(ch, ETH / 2n) });
    expect(await getOpenBalance(chain.provider, { address: payee.address, token: openToken })).toBe(ETH / 2n);
    expect(await getOpenBalance(chain.provider, { address: payer.address, token: openToken })).toBe(8n * ETH);
  });

  test('a malicious payee contract cannot re-enter redeem: ReentrancyGuardReentrantCall, no funds move', async () => {
    const attacker = await new ContractFactory(reentererAbi, reentererBytecode, payer).deploy();
    const attackerAddress = (await attacker.getAddress()) as Hex;
    const ch = await openChannel(payer, {
      contract: c.paymentChannel,
      payee: attackerAddress,
      amount: ETH,
      expiry: (await chain.now()) + 3600,
    });
    const v1 = await sign(ch, 100n);
    const v2 = await sign(ch, 200n);
    const iface = new Interface(paymentChannelAbi);
    const first = iface.encodeFunctionData('redeem', [
      ch.channelId,
      v1.cumulativeAmount,
      v1.cumulativeAmount,
      v1.signature,
    ]);
    const again = iface.encodeFunctionData('redeem', [
      ch.channelId,
      v2.cumulativeAmount,
      v2.cumulativeAmount,
      v2.signature,
    ]);
    const before = await chain.provider.getBalance(c.paymentChannel);
    const { send } = await import('../internal/ethers.js');
    await expectRevert(
      send('attack', attacker as never, 'attack', [c.paymentChannel, first, again]),
      'ReentrancyGuardReentrantCall',
    );
    expect(await chain.provider.getBalance(c.paymentChannel)).toBe(before);
    expect(await chain.provider.getBalance(attackerAddress)).toBe(0n);
  });
});
