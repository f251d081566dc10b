import type { ContractRunner } from 'ethers';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { contract } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link getVotes}. */
export interface GetVotesParameters {
  gOpen: Hex | string;
  account: Hex | string;
}
/** Return type of {@link getVotes}: current voting power in wei of gOPEN. */
export type GetVotesReturnType = bigint;

/**
 * Current voting power of `account` (gOPEN delegated to it, including by itself).
 *
 * @example
 * import { JsonRpcProvider } from 'ethers';
 * import { getVotes } from '@openledger/token';
 * const votes = await getVotes(new JsonRpcProvider('http://127.0.0.1:8545'), { gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', account: '0x000000000000000000000000000000000000dEaD' });
 */
export async function getVotes(
  runner: ContractRunner,
  params: GetVotesParameters,
): Promise<GetVotesReturnType> {
  return (await contract(params.gOpen, gOpenAbi, runner).getFunction('getVotes')(params.account)) as bigint;
}
