import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deployContracts } from '@openledger/token';
import type { DevnetAccount } from './anvil/startAnvil.js';
import type { DevnetContracts } from './api/context.js';
import type { DevnetChain } from './chain.js';
import { DevnetError } from './errors.js';

/** What a contract deployer gets: the running chain and its funded accounts (`accounts[0]` deploys). */
export interface DeployContext {
  rpcUrl: string;
  chain: DevnetChain;
  accounts: readonly DevnetAccount[];
}

/** Deploys the devnet's contracts and returns their addresses by name. */
export type DeployDevnetContracts = (context: DeployContext) => Promise<DevnetContracts>;

/**
 * The contracts every devnet deploys unless `startDevnet({ contracts })` says otherwise: the
 * OPEN ERC-20, gOPEN, PaymentChannel and RewardDistributor from `@openledger/token`, deployed by
 * `accounts[0]`.
 *
 * @example
 * import { defaultDeployContracts, startDevnet } from '@openledger/devnet';
 * const devnet = await startDevnet({ contracts: defaultDeployContracts });
 * devnet.contracts.paymentChannel; // '0x…'
 */
export const defaultDeployContracts: DeployDevnetContracts | undefined = async ({ rpcUrl, accounts }) => ({
  // OPEN ERC-20, gOPEN, PaymentChannel and RewardDistributor; deployContracts closes its provider.
  ...(await deployContracts({ rpcUrl, privateKey: accounts[0]!.privateKey })),
});
// ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * Deploy the contracts, or with a `dataDir` reuse the ones recorded in
 * `dataDir/contracts.json` when the restored chain still has code at every address
 * (so addresses stay stable across restarts and the API's stored references stay valid).
 */
export async function ensureContracts(
  deploy: DeployDevnetContracts,
  context: DeployContext,
  dataDir: string | undefined,
): Promise<DevnetContracts> {
  const file = dataDir ? join(dataDir, 'contracts.json') : undefined;
  if (file) {
    const recorded = await readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as { chainId: number; contracts: DevnetContracts },
      () => undefined,
    );
    if (
      recorded &&
      recorded.chainId === context.chain.id &&
      (await allHaveCode(context.rpcUrl, recorded.contracts))
    ) {
      return recorded.contracts;
    }
  }
  let contracts: DevnetContracts;
  try {
    contracts = await deploy(context);
  } catch (cause) {
    throw new DevnetError('CONTRACTS_FAILED', 'Could not deploy the devnet contracts.', { cause });
  }
  if (file) {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ chainId: context.chain.id, contracts }, null, 2));
    await rename(tmp, file);
  }
  return contracts;
}

async function allHaveCode(rpcUrl: string, contracts: DevnetContracts): Promise<boolean> {
  for (const address of Object.values(contracts)) {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getCode', params: [address, 'latest'] }),
    });
    const { result } = (await res.json()) as { result?: string };
    if (!result || result === '0x') return false;
  }
  return true;
}
