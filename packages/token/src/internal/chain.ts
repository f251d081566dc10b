import { ValidationError } from '@openledger/core';
import type { ContractRunner, Provider } from 'ethers';

/**
 * OPEN on Ethereum mainnet: an 18-decimal ERC-20 without permit.
 *
 * @example
 * import { OPEN_ETHEREUM_ADDRESS } from '@openledger/token';
 */
export const OPEN_ETHEREUM_ADDRESS = '0xA227Cc36938f0c9E09CE0e64dfab226cad739447' as const;

/** Chain ids where OPEN is an ERC-20 rather than the native gas token. */
const ERC20_OPEN: Record<string, string> = { '1': OPEN_ETHEREUM_ADDRESS };

export function providerOf(runner: ContractRunner): Provider {
  const provider = runner.provider ?? (runner as Provider);
  if (!provider || typeof (provider as Provider).getNetwork !== 'function') {
    throw new ValidationError('A provider (or a signer connected to one) is required.');
  }
  return provider as Provider;
}

/** Where OPEN lives on the runner's chain: `null` = native gas token, else the ERC-20 address. */
export async function openTokenFor(runner: ContractRunner, token?: string | null): Promise<string | null> {
  if (token !== undefined) return token;
  const { chainId } = await providerOf(runner).getNetwork();
  return ERC20_OPEN[chainId.toString()] ?? null;
}

export function toSeconds(t: number | bigint | Date): bigint {
  if (t instanceof Date) return BigInt(Math.floor(t.getTime() / 1000));
  return BigInt(t);
}
