import { ValidationError } from '@openledger/core';
import type { ContractRunner } from 'ethers';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { contract, toContractError } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link getPastVotes}. */
export interface GetPastVotesParameters {
  gOpen: Hex | string;
  account: Hex | string;
  /**
   * A point in the past on the token's clock. A `Date` is converted according to the
   * contract's `CLOCK_MODE` (gOPEN uses `mode=timestamp`: unix seconds); a number or bigint
   * is passed through as a raw clock value.
   */
  timepoint: number | bigint | Date;
}
/** Return type of {@link getPastVotes}. */
export type GetPastVotesReturnType = bigint;

/**
 * Voting power of `account` at a past timepoint, reading the clock mode from the contract
 * (ERC-6372) so timestamp clocks work.
 *
 * @example
 * import { JsonRpcProvider } from 'ethers';
 * import { getPastVotes } from '@openledger/token';
 * const votes = await getPastVotes(new JsonRpcProvider('http://127.0.0.1:8545'), {
 *   gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', account: '0x000000000000000000000000000000000000dEaD',
 *   timepoint: new Date(Date.now() - 60_000),
 * });
 */
export async function getPastVotes(
  runner: ContractRunner,
  params: GetPastVotesParameters,
): Promise<GetPastVotesReturnType> {
  const token = contract(params.gOpen, gOpenAbi, runner);
  let timepoint: bigint;
  if (params.timepoint instanceof Date) {
    const mode = (await token.getFunction('CLOCK_MODE')()) as string;
    if (!/(^|&)mode=timestamp($|&)/.test(mode)) {
      throw new ValidationError(
        `getPastVotes: the token's clock is "${mode}", not timestamps; pass a block number, not a Date.`,
      );
    }
    timepoint = BigInt(Math.floor(params.timepoint.getTime() / 1000));
  } else {
    timepoint = BigInt(params.timepoint);
  }
  try {
    return (await token.getFunction('getPastVotes')(params.account, timepoint)) as bigint;
  } catch (err) {
    throw toContractError('getPastVotes', err);
  }
}
