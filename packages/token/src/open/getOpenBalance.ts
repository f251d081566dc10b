import type { ContractRunner } from 'ethers';
import { openTokenAbi } from '../generated/OpenToken.generated.js';
import { openTokenFor, providerOf } from '../internal/chain.js';
import { contract } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link getOpenBalance}. */
export interface GetOpenBalanceParameters {
  address: Hex | string;
  /**
   * Override where OPEN lives: an ERC-20 address, or `null` for the native token. By default
   * it is native on OpenLedger chains (and devnets) and the ERC-20 on Ethereum (chain id 1).
   */
  token?: Hex | string | null;
}
/** Return type of {@link getOpenBalance}: the balance in wei. */
export type GetOpenBalanceReturnType = bigint;

/**
 * Read an account's OPEN balance in wei (exact bigint), native or ERC-20 depending on the chain.
 *
 * @example
 * import { JsonRpcProvider } from 'ethers';
 * import { getOpenBalance } from '@openledger/token';
 * const provider = new JsonRpcProvider('https://rpc.openledger.xyz');
 * const wei = await getOpenBalance(provider, { address: '0x000000000000000000000000000000000000dEaD' });
 */
export async function getOpenBalance(
  runner: ContractRunner,
  params: GetOpenBalanceParameters,
): Promise<GetOpenBalanceReturnType> {
  const token = await openTokenFor(runner, params.token);
  if (token === null) return providerOf(runner).getBalance(params.address);
  return (await contract(token, openTokenAbi, runner).getFunction('balanceOf')(params.address)) as bigint;
}
