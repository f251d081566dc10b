/**
 * The gateway wired to a devnet: contracts (the devnet's, or deployed now), the operator's
 * wallet as payee and record signer, channel state read from the chain.
 */
import type { AttributionDomain } from '@openledger/attribution';
import type { Devnet } from '@openledger/devnet';
import { deployContracts, type Hex, type PaymentPrice, readChannel } from '@openledger/token';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { createGateway, type Gateway } from './gateway.js';
import type { Serving } from './prepare.js';

export interface GatewayOnDevnet {
  gateway: Gateway;
  provider: JsonRpcProvider;
  contracts: { paymentChannel: Hex; rewardDistributor: Hex };
  /** The gateway operator: model owner, payee and record signer. */
  operator: Wallet;
  recordDomain: AttributionDomain;
}

export async function gatewayOnDevnet(params: {
  devnet: Devnet;
  serving: Serving;
  textVersion: { datanetId: string; version: number };
  rowsVersion: { datanetId: string; version: number };
  price: PaymentPrice;
  modelId?: string;
  /** Devnet account that runs the gateway. Default 5. */
  operatorAccount?: number;
}): Promise<GatewayOnDevnet> {
  const { devnet, serving } = params;
  const provider = new JsonRpcProvider(devnet.rpcUrl, devnet.chain.id, { staticNetwork: true });
  provider.pollingInterval = 50;
  const contracts =
    devnet.contracts.paymentChannel && devnet.contracts.rewardDistributor
      ? (devnet.contracts as GatewayOnDevnet['contracts'])
      : await deployContracts(new NonceManager(new Wallet(devnet.accounts[0]!.privateKey, provider)));
  const operator = new Wallet(devnet.accounts[params.operatorAccount ?? 5]!.privateKey, provider);
  const recordDomain: AttributionDomain = {
    name: 'OpenLedger Attribution',
    version: '1',
    chainId: devnet.chain.id,
    verifyingContract: contracts.rewardDistributor,
  };
  const gateway = createGateway({
    modelId: params.modelId ?? 'openledger/moby-markov-3',
    model: serving.model,
    index: serving.index,
    tokenizer: serving.tokenizer,
    indexHash: serving.indexHash,
    textLineage: { datanetId: params.textVersion.datanetId, version: params.textVersion.version },
    contributions: serving.contributions,
    style: {
      runtime: serving.runtime,
      adapters: serving.adapters,
      adapterId: serving.adapterId,
      lineage: [{ datanetId: params.rowsVersion.datanetId, version: params.rowsVersion.version, weight: 1 }],
      model: serving.scorer,
      train: serving.train,
    },
    payment: {
      chainId: devnet.chain.id,
      contract: contracts.paymentChannel,
      payeeKey: operator.privateKey as Hex,
      price: params.price,
      getChannel: (id) => readChannel(provider, { contract: contracts.paymentChannel, channelId: id }),
    },
    recordSigner: operator,
    recordDomain,
  });
  return { gateway, provider, contracts, operator, recordDomain };
}
