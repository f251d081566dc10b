/**
 * `npm start -w examples/inference-gateway`: a devnet, seeded datanets, and the gateway on
 * http://127.0.0.1:8787 (PORT to change). `npm run client -w examples/inference-gateway` pays
 * for a few completions. Ctrl-C stops everything.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { startDevnet } from '@openledger/devnet';
import { gatewayOnDevnet } from './onDevnet.js';
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
const { gateway, contracts, operator, recordDomain } = await gatewayOnDevnet({
  devnet,
  serving,
  textVersion: seeded.textVersion,
  rowsVersion: seeded.rowsVersion,
  price: { perToken: 10n ** 12n, maxTokens: 256 },
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
