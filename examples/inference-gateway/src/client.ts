/**
 * `npm run client -w examples/inference-gateway [-- URL]`: opens a payment channel to the
 * gateway and pays for a few completions with `wrapFetchWithPayment`, checking each
 * attribution record's signature.
 */
import { type AttributionDomain, verifyAttributionRecord } from '@openledger/attribution';
import { formatOpen, parseOpen } from '@openledger/core';
import { type Hex, openChannel, wrapFetchWithPayment } from '@openledger/token';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import type { Completion } from './gateway.js';

const url = process.argv[2] ?? 'http://127.0.0.1:8787';
const info = (await (await fetch(`${url}/info`)).json()) as {
  rpcUrl: string;
  chainId: number;
  paymentChannel: Hex;
  payee: Hex;
  recordDomain: AttributionDomain;
  testPayerKey: Hex;
};
const provider = new JsonRpcProvider(info.rpcUrl, info.chainId, { staticNetwork: true });
const payer = new Wallet(info.testPayerKey, provider);
const channel = await openChannel(new NonceManager(payer), {
  contract: info.paymentChannel,
  payee: info.payee,
  amount: parseOpen('0.01'),
  expiry: Math.floor(Date.now() / 1000) + 3600,
});
console.log(`opened channel ${channel.channelId} with 0.01 OPEN`);
const pay = wrapFetchWithPayment(fetch, payer, { channel, budget: parseOpen('0.01') });
for (const prompt of ['Call me Ishmael.', 'The whale', 'Queequeg and I']) {
  const res = await pay(`${url}/v1/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
  });
  const c = (await res.json()) as Completion;
  const valid = verifyAttributionRecord({
    record: c.record,
    signature: c.signature,
    domain: info.recordDomain,
    address: info.payee,
  });
  console.log(
    `\n> ${prompt}\n${c.output}\n(${c.tokens} tokens, ${c.spans.length} attributed spans, record ${valid ? 'verified' : 'INVALID'})`,
  );
  for (const x of c.record.contributions.filter((x) => x.share > 0)) {
    console.log(`  ${x.contributor} ${(x.share * 100).toFixed(1)}% via ${x.datanetId}`);
  }
}
console.log(`\npaid ${formatOpen(pay.owed)} OPEN (signed ${formatOpen(pay.signed)})`);
provider.destroy();
