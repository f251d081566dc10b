import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex } from '@noble/hashes/utils';
import { TypedDataEncoder, Wallet } from 'ethers';
import fc from 'fast-check';
import { hashTypedData } from 'viem';
import { describe, expect, test } from 'vitest';
import type { ChannelState, Hex } from '../types.js';
import { hashVoucher, VOUCHER_TYPES, voucherDomain } from './hashVoucher.js';
import { voucherCryptoBackend } from './secp.js';
import { signVoucher } from './signVoucher.js';
import { verifyVoucher } from './verifyVoucher.js';

const N = secp256k1.CURVE.n;
const contract = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Hex;
const channelId = `0x${'ab'.repeat(32)}` as Hex;
const payer = new Wallet(`0x${'42'.repeat(32)}`);
const now = 1_700_000_000;

function state(overrides: Partial<ChannelState> = {}): ChannelState {
  return {
    channelId,
    chainId: 1612,
    verifyingContract: contract,
    payer: payer.address as Hex,
    payee: '0x000000000000000000000000000000000000dEaD',
    token: '0x0000000000000000000000000000000000000000',
    deposit: 10n ** 18n,
    expiry: now + 3600,
    accepted: 0n,
    ...overrides,
  };
}

const msg = (cumulativeAmount: bigint) => ({
  channelId,
  cumulativeAmount,
  chainId: 1612,
  verifyingContract: contract,
});

describe('hashVoucher', () => {
  test('matches viem hashTypedData and ethers TypedDataEncoder for random fields', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        (id, amount, chainId, addr) => {
          const m = {
            channelId: `0x${bytesToHex(id)}` as Hex,
            cumulativeAmount: amount,
            chainId,
            verifyingContract: `0x${bytesToHex(addr)}` as Hex,
          };
          const domain = voucherDomain(m.chainId, m.verifyingContract);
          const ours = hashVoucher(m);
          const viem = hashTypedData({
            domain,
            types: VOUCHER_TYPES,
            primaryType: 'Voucher',
            message: { channelId: m.channelId, cumulativeAmount: m.cumulativeAmount },
          });
          const types = { Voucher: VOUCHER_TYPES.Voucher.map((f) => ({ ...f })) };
          const ethers = TypedDataEncoder.hash(domain, types, {
            channelId: m.channelId,
            cumulativeAmount: amount,
          });
          expect(ours).toBe(viem);
          expect(ours).toBe(ethers);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('rejects out-of-range fields with a RangeError', () => {
    expect(() => hashVoucher({ ...msg(-1n) })).toThrow(RangeError);
    expect(() => hashVoucher({ ...msg(2n ** 256n) })).toThrow(RangeError);
    expect(() => hashVoucher({ ...msg(1n), channelId: '0x12' })).toThrow(RangeError);
  });
});

describe('verifyVoucher', () => {
  test('accepts a voucher signed by ethers Wallet.signTypedData and reports the increment', async () => {
    const v = await signVoucher(payer, msg(500n));
    const r = verifyVoucher(state({ accepted: 200n }), v, { now });
    expect(r).toMatchObject({ ok: true, cumulativeAmount: 500n, increment: 300n });
  });

  test('signing with a raw key gives the same signature ethers gives (RFC 6979, low s)', async () => {
    const a = await signVoucher(payer.privateKey as Hex, msg(777n));
    const b = await signVoucher(payer, msg(777n));
    expect(a.signature.toLowerCase()).toBe(b.signature.toLowerCase());
  });

  test('the cached public key path agrees with the recovery path, for random keys and amounts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.boolean(),
        async (k, amount, tamper) => {
          const key = `0x${k.toString(16).padStart(64, '0')}` as Hex;
          const w = new Wallet(key);
          const s = state({ payer: w.address as Hex });
          const v = await signVoucher(key, msg(amount));
          if (tamper) v.cumulativeAmount += 1n;
          const first = verifyVoucher(s, v, { now });
          const pub = `0x${bytesToHex(secp256k1.getPublicKey(k, false))}` as Hex;
          const cached = verifyVoucher({ ...s, payerPublicKey: pub }, v, { now });
          const expectOk = !tamper || v.cumulativeAmount > s.deposit ? !tamper : false;
          expect(first.ok).toBe(expectOk);
          expect(cached.ok).toBe(first.ok);
          if (first.ok) expect(first.payerPublicKey).toBe(pub);
        },
      ),
      { numRuns: 25 },
    );
  });

  test.each([
    ['replayed (same amount as accepted)', { accepted: 500n }, {}, 'not-newer'],
    ['lower cumulative amount', { accepted: 600n }, {}, 'not-newer'],
    ['beyond the deposit', { deposit: 400n }, {}, 'exceeds-deposit'],
    ['expired channel', { expiry: now }, {}, 'expired'],
    ['another channel', { channelId: `0x${'cd'.repeat(32)}` as Hex }, {}, 'wrong-channel'],
    ['another chain id', { chainId: 1 }, {}, 'wrong-domain'],
    [
      'another contract',
      { verifyingContract: '0x0000000000000000000000000000000000000001' as Hex },
      {},
      'wrong-domain',
    ],
    ['another payer', { payer: '0x000000000000000000000000000000000000bEEF' as Hex }, {}, 'wrong-signer'],
    ['too small an increment', { accepted: 499n }, { minIncrement: 2n }, 'insufficient-payment'],
  ] as const)('rejects a voucher for %s', async (_name, overrides, options, reason) => {
    const v = await signVoucher(payer, msg(500n));
    const r = verifyVoucher(state(overrides), v, { now, ...options });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe(reason);
      expect(r.error.name).toBe('VoucherError');
      expect(r.error.code).toBe('INVALID_VOUCHER');
    }
  });

  test('rejects the high-s twin of a valid signature as malleable', async () => {
    const v = await signVoucher(payer, msg(500n));
    const s = BigInt(`0x${v.signature.slice(66, 130)}`);
    const v27 = Number.parseInt(v.signature.slice(130), 16);
    const twin =
      `${v.signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}${(v27 === 27 ? 28 : 27).toString(16)}` as Hex;
    const r = verifyVoucher(state(), { ...v, signature: twin }, { now });
    expect(r.ok === false && r.error.reason).toBe('malleable-signature');
  });

  test('rejects a cached public key that is not the payer', async () => {
    const other = `0x${bytesToHex(secp256k1.getPublicKey(7n, false))}` as Hex;
    const v = await signVoucher(payer, msg(5n));
    const r = verifyVoucher(state({ payerPublicKey: other }), v, { now });
    expect(r.ok === false && r.error.reason).toBe('wrong-signer');
  });

  test('never throws on hostile input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (junk, sig) => {
        const r1 = verifyVoucher(state(), junk as never, { now });
        const r2 = verifyVoucher(state(), { ...msg(5n), signature: sig as Hex }, { now });
        expect(r1.ok).toBe(false);
        expect(r2.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  test('in Node the default backend is libsecp256k1 (the optional native addon), and "js" forces @noble/curves', () => {
    expect(voucherCryptoBackend()).toBe('libsecp256k1');
    expect(voucherCryptoBackend('js')).toBe('@noble/curves');
  });

  test('libsecp256k1 and @noble/curves decide every voucher the same way, forged and corrupted ones included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.constantFrom('none', 'amount', 'r', 's', 'v', 'key', 'random-sig'),
        fc.integer({ min: 0, max: 255 }),
        async (k, amount, corruption, byte) => {
          const key = `0x${k.toString(16).padStart(64, '0')}` as Hex;
          const w = new Wallet(key);
          const s = state({ payer: w.address as Hex });
          const v = await signVoucher(key, msg(amount));
          let pub = `0x${bytesToHex(secp256k1.getPublicKey(k, false))}` as Hex;
          const flip = (at: number) =>
            `${v.signature.slice(0, at)}${(Number.parseInt(v.signature.slice(at, at + 2), 16) ^ (byte | 1)).toString(16).padStart(2, '0')}${v.signature.slice(at + 2)}` as Hex;
          if (corruption === 'amount') v.cumulativeAmount += 1n;
          if (corruption === 'r') v.signature = flip(2 + 2 * (byte % 32));
          if (corruption === 's') v.signature = flip(66 + 2 * (byte % 32));
          if (corruption === 'v')
            v.signature = `${v.signature.slice(0, 130)}${v.signature.endsWith('1b') ? '1c' : '1b'}` as Hex;
          if (corruption === 'random-sig')
            v.signature =
              `0x${bytesToHex(secp256k1.utils.randomPrivateKey())}${bytesToHex(secp256k1.utils.randomPrivateKey())}1b` as Hex;
          if (corruption === 'key')
            pub = `0x${bytesToHex(secp256k1.getPublicKey(k === 1n ? 2n : k - 1n, false))}` as Hex;
          for (const cachedKey of [undefined, pub]) {
            const st = { ...s, payerPublicKey: cachedKey };
            const native = verifyVoucher(st, v, { now });
            const js = verifyVoucher(st, v, { now, secp256k1: 'js' });
            expect(native.ok).toBe(js.ok);
            if (native.ok && js.ok) expect(native.payerPublicKey).toBe(js.payerPublicKey);
            if (!native.ok && !js.ok) expect(native.error.reason).toBe(js.error.reason);
            if (corruption === 'none' && cachedKey === undefined) expect(native.ok).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
