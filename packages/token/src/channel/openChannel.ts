import { ValidationError } from '@openledger/core';
import { hexlify, randomBytes, type Signer, ZeroAddress } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { paymentChannelAbi } from '../generated/PaymentChannel.generated.js';
import { providerOf, toSeconds } from '../internal/chain.js';
import { contract, send } from '../internal/ethers.js';
import type { ChannelState, Hex } from '../types.js';

/** Parameters of {@link openChannel}. */
export interface OpenChannelParameters {
  /** The PaymentChannel contract. */
  contract: Hex | string;
  payee: Hex | string;
  /** Deposit in wei. */
  amount: bigint;
  /** When the channel stops accepting vouchers (unix seconds or a Date). */
  expiry: number | bigint | Date;
  /** ERC-20 to deposit; omit (or zero address) for native OPEN. Approved automatically if needed. */
  token?: Hex | string;
  /** 32-byte salt making the channel id unique; random by default. */
  salt?: Hex | string;
}
/** Return type of {@link openChannel}: the channel's state, ready for vouchers, and the tx hash. */
export type OpenChannelReturnType = ChannelState & { hash: Hex };

/**
 * Open a payment channel from the signer (payer) to `payee` with a deposit of native OPEN or
 * an ERC-20. The returned state is what {@link verifyVoucher} and the 402 middleware need.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { openChannel } from '@openledger/token';
 * const payer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * const channel = await openChannel(payer, {
 *   contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3', payee: '0x000000000000000000000000000000000000dEaD',
 *   amount: 10n ** 18n, expiry: new Date(Date.now() + 86_400_000),
 * });
 */
export async function openChannel(
  signer: Signer,
  params: OpenChannelParameters,
): Promise<OpenChannelReturnType> {
  if (typeof params.amount !== 'bigint' || params.amount <= 0n) {
    throw new ValidationError('openChannel: amount must be a positive bigint (wei).');
  }
  const token = params.token ?? ZeroAddress;
  const expiry = toSeconds(params.expiry);
  const salt = params.salt ?? hexlify(randomBytes(32));
  const payer = await signer.getAddress();
  const channels = contract(params.contract, paymentChannelAbi, signer);
  if (token !== ZeroAddress) {
    const erc20 = contract(token, openTokenAbi, signer);
    const allowance = (await erc20.getFunction('allowance')(payer, params.contract)) as bigint;
    if (allowance < params.amount)
      await send('openChannel (approve)', erc20, 'approve', [params.contract, params.amount]);
  }
  const channelId = (await channels.getFunction('channelId')(payer, params.payee, token, salt)) as Hex;
  const receipt = await send(
    'openChannel',
    channels,
    'open',
    [params.payee, token, params.amount, expiry, salt],
    token === ZeroAddress ? { value: params.amount } : {},
  );
  const state = await readChannelState(signer, params.contract, channelId);
  return { ...state, hash: receipt.hash as Hex };
}

/** @internal Read a channel into a {@link ChannelState} (accepted = redeemed on chain). */
export async function readChannelState(
  runner: Parameters<typeof providerOf>[0],
  address: string,
  channelId: string,
): Promise<ChannelState> {
  const channels = contract(address, paymentChannelAbi, runner);
  const [c, { chainId }] = await Promise.all([
    channels.getFunction('getChannel')(channelId) as Promise<{
      payer: string;
      expiry: bigint;
      closed: boolean;
      payee: string;
      token: string;
      deposit: bigint;
      redeemed: bigint;
    }>,
    providerOf(runner).getNetwork(),
  ]);
  if (c.payer === ZeroAddress)
    throw new ValidationError(`Channel ${channelId} does not exist on ${address}.`);
  return {
    channelId: channelId as Hex,
    chainId: Number(chainId),
    verifyingContract: (await channels.getAddress()) as Hex,
    payer: c.payer as Hex,
    payee: c.payee as Hex,
    token: c.token as Hex,
    deposit: c.deposit,
    expiry: Number(c.expiry),
    accepted: c.redeemed,
  };
}
