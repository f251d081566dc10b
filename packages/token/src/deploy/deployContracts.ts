import { ContractFactory, JsonRpcProvider, type Signer, Wallet } from 'ethers';
import { gOpenAbi, gOpenBytecode } from '../generated/GOpen.generated.js';
import { openTokenAbi, openTokenBytecode } from '../generated/OpenToken.generated.js';
import { paymentChannelAbi, paymentChannelBytecode } from '../generated/PaymentChannel.generated.js';
import { rewardDistributorAbi, rewardDistributorBytecode } from '../generated/RewardDistributor.generated.js';
import { toContractError } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** Parameters of {@link deployContracts}. */
export interface DeployContractsParameters {
  /** Seconds after a channel's expiry reserved for the payee to redeem. Default 1 hour. */
  challengePeriod?: number;
  /** Who receives the OPEN ERC-20's fixed supply. Default: the deployer. */
  openHolder?: Hex | string;
}
/** Addresses of the deployed contracts. */
export interface DeployContractsReturnType {
  openToken: Hex;
  gOpen: Hex;
  paymentChannel: Hex;
  rewardDistributor: Hex;
}

/** Where to deploy when you have no ethers signer: an RPC URL and a funded private key. */
export interface DeployTarget {
  rpcUrl: string;
  privateKey: Hex;
}

/**
 * Deploy the token contracts (OPEN-compatible ERC-20, gOPEN, PaymentChannel,
 * RewardDistributor) from the bundled artifacts — for devnets and tests.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { deployContracts } from '@openledger/token';
 * const deployer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * const { paymentChannel } = await deployContracts(deployer);
 * // or, without ethers at the call site (the provider is closed afterwards):
 * await deployContracts({ rpcUrl: 'http://127.0.0.1:8545', privateKey: `0x${'01'.repeat(32)}` });
 */
export async function deployContracts(
  signer: Signer | DeployTarget,
  params: DeployContractsParameters = {},
): Promise<DeployContractsReturnType> {
  if ('rpcUrl' in signer) {
    const provider = new JsonRpcProvider(signer.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    provider.pollingInterval = 50;
    try {
      return await deployContracts(new Wallet(signer.privateKey, provider), params);
    } finally {
      provider.destroy();
    }
  }
  const holder = params.openHolder ?? (await signer.getAddress());
  const deploy = async (name: string, abi: unknown, bytecode: string, args: unknown[]): Promise<Hex> => {
    try {
      const c = await new ContractFactory(abi as never, bytecode, signer).deploy(...args);
      await c.waitForDeployment();
      return (await c.getAddress()) as Hex;
    } catch (err) {
      throw toContractError(`deployContracts (${name})`, err);
    }
  };
  const openToken = await deploy('OpenToken', openTokenAbi, openTokenBytecode, [holder]);
  const gOpen = await deploy('GOpen', gOpenAbi, gOpenBytecode, []);
  const paymentChannel = await deploy('PaymentChannel', paymentChannelAbi, paymentChannelBytecode, [
    params.challengePeriod ?? 3600,
  ]);
  const rewardDistributor = await deploy(
    'RewardDistributor',
    rewardDistributorAbi,
    rewardDistributorBytecode,
    [],
  );
  return { openToken, gOpen, paymentChannel, rewardDistributor };
}
