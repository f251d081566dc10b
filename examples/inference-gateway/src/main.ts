/**
 * `npm start -w examples/inference-gateway`: a devnet, seeded datanets, and the gateway on
 * http://127.0.0.1:8787 (PORT to change). `npm run client -w examples/inference-gateway` pays
 * for a few completions. Ctrl-C stops everything.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AttributionDomain } from '@openledger/attribution';
import { startDevnet } from '@openledger/devnet';
import { deployContracts, type Hex, readChannel } from '@openledger/token';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { createGateway } from './gateway.js';
import { prepareServing } from './prepare.js';
import { seedDevnet } from './seed.js';

const devnet = await startDevnet();
console.log(`devnet: API ${devnet.url}, chain ${devnet.rpcUrl}`);
const seeded = await seedDevnet(devnet);
const serving = await prepareServing({
  text: seeded.text,
  rows: seeded.rows,
  textVersion: seeded.textVersion,
  rowsVersion: seeded.rowsVersion,
  adapterDir: join(mkdtempSync(join(tmpdir(), 'gateway-')), 'adapters'),
  onProgress: (m) => console.log(m),
});
const provider = new JsonRpcProvider(devnet.rpcUrl, devnet.chain.id, { staticNetwork: true });
const contracts =
  devnet.contracts.paymentChannel && devnet.contracts.rewardDistributor
    ? (devnet.contracts as { paymentChannel: Hex; rewardDistributor: Hex })
    : await deployContracts(new NonceManager(new Wallet(devnet.accounts[0]!.privateKey, provider)));
const operator = new Wallet(devnet.accounts[5]!.privateKey, provider);
const recordDomain: AttributionDomain = {
  name: 'OpenLedger Attribution',
  version: '1',
  chainId: devnet.chain.id,
  verifyingContract: contracts.rewardDistributor,
};
const gateway = createGateway({
  modelId: 'openledger/moby-markov-3',
  model: serving.model,
  index: serving.index,
  tokenizer: serving.tokenizer,
  indexHash: serving.indexHash,
  textLineage: { datanetId: seeded.textVersion.datanetId, version: seeded.textVersion.version },
  contributions: serving.contributions,
  style: {
    runtime: serving.runtime,
    adapters: serving.adapters,
    adapterId: serving.adapterId,
    lineage: [{ datanetId: seeded.rowsVersion.datanetId, version: seeded.rowsVersion.version, weight: 1 }],
    model: serving.scorer,
    train: serving.train,
  },
  payment: {
    chainId: devnet.chain.id,
    contract: contracts.paymentChannel,
    payeeKey: operator.privateKey as Hex,
    price: { perToken: 10n ** 12n, maxTokens: 256 },
    getChannel: (id) => readChannel(provider, { contract: contracts.paymentChannel, channelId: id }),
  },
  recordSigner: operator,
  recordDomain,
});
// Public facts a client needs to open a channel (the devnet's keys are public test keys).
gateway.app.get('/info', (c) =>
  c.json({
    rpcUrl: devnet.rpcUrl,
    chainId: devnet.chain.id,
    paymentChannel: contracts.paymentChannel,
    payee: operator.address,
    recordDomain,
    testPayerKey: devnet.accounts[7]!.privateKey,
  }),
);
const port = Number(process.env.PORT ?? 8787);
const server = serve({ fetch: gateway.app.fetch, hostname: '127.0.0.1', port }, () =>
  console.log(`gateway: http://127.0.0.1:${port}/v1/complete (HTTP 402, ol-channel vouchers)`),
);
const stop = async () => {
  server.close();
  await serving.release();
  await devnet.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
