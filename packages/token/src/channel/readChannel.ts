import type { ContractRunner } from 'ethers';
import type { ChannelState, Hex } from '../types.js';
import { readChannelState } from './openChannel.js';

/** Parameters of {@link readChannel}. */
export interface ReadChannelParameters {
  contract: Hex | string;
  channelId: Hex | string;
}
/** Return type of {@link readChannel}. */
export type ReadChannelReturnType = ChannelState;

/**
 * Read a channel from chain once (deposit, expiry, parties, amount redeemed so far) as the
 * {@link ChannelState} a payee keeps for off-chain voucher checks. Throws `ValidationError`
 * for an unknown channel.
 *
 * @example
 * import { JsonRpcProvider } from 'ethers';
 * import { readChannel } from '@openledger/token';
 * const state = await readChannel(new JsonRpcProvider('http://127.0.0.1:8545'), {
 *   contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3', channelId: `0x${'11'.repeat(32)}`,
 * });
 */
export async function readChannel(
  runner: ContractRunner,
  params: ReadChannelParameters,
): Promise<ReadChannelReturnType> {
  return readChannelState(runner, params.contract, params.channelId);
}
