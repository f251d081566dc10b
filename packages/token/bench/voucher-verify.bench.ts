// Off-chain voucher verification per second (cached payer key, as the 402 middleware runs it) vs
// ethers verifyTypedData. `ours` is the default backend (libsecp256k1 through the optional
// `secp256k1` addon in Node); the pure-JS path that browsers run is reported next to it.
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex } from '@noble/hashes/utils';
import { verifyTypedData } from 'ethers';
import {
  type ChannelState,
  type Hex,
  signVoucher,
  VOUCHER_TYPES,
  type Voucher,
  verifyVoucher,
  voucherCryptoBackend,
  voucherDomain,
} from '../src/index.js';

const COUNT = 2000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const key = secp256k1.utils.randomPrivateKey();
const privateKey = `0x${bytesToHex(key)}` as Hex;
const { computeAddress } = await import('ethers');
const payer = computeAddress(privateKey) as Hex;
const base: ChannelState = {
  channelId: `0x${'5a'.repeat(32)}`,
  chainId: 1612,
  verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  payer,
  payee: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  token: '0x0000000000000000000000000000000000000000',
  deposit: 10n ** 24n,
  expiry: 4_000_000_000,
  accepted: 0n,
};
console.error(`signing ${COUNT} vouchers…`);
const vouchers: Voucher[] = [];
for (let i = 1; i <= COUNT; i++)
  vouchers.push(await signVoucher(privateKey, { ...base, cumulativeAmount: BigInt(i) * 10n ** 15n }));

function rate(label: string, fn: (v: Voucher) => boolean): number {
  // Warm up, then run whole passes over the vouchers for about SECONDS.
  for (let i = 0; i < 50; i++) if (!fn(vouchers[i]!)) throw new Error(`${label}: warm-up voucher failed`);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    for (const v of vouchers) {
      if (!fn(v)) throw new Error(`${label}: a valid voucher failed`);
      n++;
      if ((n & 255) === 0 && performance.now() - start >= SECONDS * 1000) break;
    }
  }
  const perS = n / ((performance.now() - start) / 1000);
  console.error(`${label}: ${Math.round(perS)} verifications/s`);
  return perS;
}

const first = verifyVoucher(base, vouchers[0]!, { now: 0 });
if (!first.ok) throw first.error;
const cached: ChannelState = { ...base, payerPublicKey: first.payerPublicKey };
// `accepted` is one below each voucher so every check runs in full (monotonicity included).
const oursCached = rate(
  'ours (cached payer key)',
  (v) => verifyVoucher({ ...cached, accepted: v.cumulativeAmount - 1n }, v, { now: 0 }).ok,
);
const oursRecover = rate(
  'ours (first sight: recovery)',
  (v) => verifyVoucher({ ...base, accepted: v.cumulativeAmount - 1n }, v, { now: 0 }).ok,
);
const jsCached = rate(
  'ours, pure JS (cached payer key)',
  (v) => verifyVoucher({ ...cached, accepted: v.cumulativeAmount - 1n }, v, { now: 0, secp256k1: 'js' }).ok,
);
const domain = voucherDomain(base.chainId, base.verifyingContract);
const types = { Voucher: VOUCHER_TYPES.Voucher.map((f) => ({ ...f })) };
const reference = rate(
  'ethers verifyTypedData',
  (v) =>
    verifyTypedData(
      domain,
      types,
      { channelId: v.channelId, cumulativeAmount: v.cumulativeAmount },
      v.signature,
    ) === payer,
);

console.log(
  JSON.stringify({
    name: 'voucher-verify',
    ours: {
      per_s: Math.round(oursCached),
      per_s_first_sight: Math.round(oursRecover),
      backend: voucherCryptoBackend(),
      per_s_js: Math.round(jsCached),
      ratio_js: Number((jsCached / reference).toFixed(2)),
    },
    reference: { name: 'ethers verifyTypedData', per_s: Math.round(reference) },
    ratio: Number((oursCached / reference).toFixed(2)),
    input: {
      vouchers: COUNT,
      seconds_per_side: SECONDS,
      source: 'random secp256k1 key, cumulative amounts 1e15..2e18 wei',
    },
    node: process.version,
  }),
);
