import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex } from '@noble/hashes/utils';
import { canonicalJson, verifyMerkleProof } from '@openledger/core';
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { verifyTypedData, Wallet } from 'ethers';
import fc from 'fast-check';
import { hashTypedData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, expectTypeOf, test } from 'vitest';
import type { AttributionResult } from '../span/types.js';
import { commitAttributionRecords } from './commitAttributionRecords.js';
import { type AttributionSource, createAttributionRecord } from './createAttributionRecord.js';
import {
  ATTRIBUTION_RECORD_TYPES,
  type AttributionDomain,
  attributionDigest,
  attributionTypedMessage,
} from './eip712.js';
import { AttributionRecordError } from './errors.js';
import { hashAttributionRecord, hashCanonical } from './hashAttributionRecord.js';
import type { AttributionRecord } from './schema.js';
import { signAttributionRecord } from './signAttributionRecord.js';
import { recoverAttributionRecordSigner, verifyAttributionRecord } from './verifyAttributionRecord.js';

// Anvil's well-known first two dev keys (public test keys, hold nothing).
const KEY1 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const KEY2 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const C1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const C2 = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

const domain: AttributionDomain = {
  name: 'OpenLedger Attribution',
  version: '1',
  chainId: 161201,
  verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
};

function sampleRecord(): AttributionRecord {
  return createAttributionRecord({
    inferenceId: 'inf_0001',
    modelId: 'openledger/qwen-0.5b',
    method: { name: 'span', params: { minSpanLength: 4, maxFrequency: 10 } },
    result: {
      contributions: [
        { contributionId: 'c1', datanetId: 'dn-med', contributor: C1, score: 3 },
        { contributionId: 'c2', datanetId: 'dn-med', contributor: C2, score: 1 },
        { contributionId: 'c3', datanetId: 'dn-law', contributor: C2, score: 2 },
      ],
    },
    adapters: [
      { adapterId: 'med-lora', weight: 0.75, lineage: [{ datanetId: 'dn-med', version: 3, weight: 1 }] },
      { adapterId: 'law-lora', weight: 0.25, lineage: [{ datanetId: 'dn-law', version: 1, weight: 1 }] },
    ],
    indexHash: `0x${'ab'.repeat(32)}`,
    evidence: { spans: [{ start: 0, end: 12, doc: 'c1' }] },
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

describe('createAttributionRecord', () => {
  test('combines output → adapters (lineage weights) → contributions', () => {
    const r = sampleRecord();
    const s = Object.fromEntries(r.contributions.map((c) => [c.contributionId, c.share]));
    // med adapter 0.75 split 3:1 inside dn-med; law adapter 0.25 all to c3.
    expect(s.c1).toBeCloseTo(0.5625, 12);
    expect(s.c2).toBeCloseTo(0.1875, 12);
    expect(s.c3).toBeCloseTo(0.25, 12);
  });

  test('shares sum to one and follow lineage for random inputs', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            d: fc.integer({ min: 0, max: 3 }),
            score: fc.double({ min: -5, max: 5, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 15,
          },
        ),
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
          ),
          {
            minLength: 0,
            maxLength: 3,
          },
        ),
        (cs, ads) => {
          const r = createAttributionRecord({
            inferenceId: 'i',
            modelId: 'm',
            method: { name: 'influence', params: {} },
            result: {
              contributions: cs.map((c, i) => ({
                contributionId: `c${i}`,
                datanetId: `d${c.d}`,
                contributor: C1,
                score: c.score,
              })),
            },
            adapters: ads.map(([w, ds], i) => ({
              adapterId: `a${i}`,
              weight: w,
              lineage: [...new Set(ds)].map((d) => ({ datanetId: `d${d}`, version: 1, weight: 1 })),
            })),
            createdAt: '2026-01-01T00:00:00Z',
          });
          const sum = r.contributions.reduce((a, c) => a + c.share, 0);
          const anyCredit = r.contributions.some((c) => c.share > 0);
          if (anyCredit) expect(sum).toBeCloseTo(1, 9);
          for (const c of r.contributions) if (c.score <= 0) expect(c.share).toBe(0);
          if (ads.length === 0 && cs.some((c) => c.score > 0)) expect(anyCredit).toBe(true);
        },
      ),
      {
        numRuns: 150,
        // Found by longer runs: subnormal scores and adapter weights used to underflow to 0/0.
        examples: [
          [
            [
              { d: 1, score: 5e-324 },
              { d: 0, score: 5e-324 },
            ],
            [[5e-324, [0, 1]]],
          ],
          [
            [
              { d: 0, score: 2 },
              { d: 1, score: 5e-324 },
              { d: 0, score: 0 },
            ],
            [[5e-324, [1]]],
          ],
          [
            [
              { d: 0, score: 5e-324 },
              { d: 1, score: 2 },
            ],
            [[5e-324, [0]]],
          ],
          [
            [
              { d: 0, score: 1.7e308 },
              { d: 0, score: 1.7e308 },
            ],
            [],
          ],
        ],
      },
    );
  });

  test('rejects a contribution without a datanet', () => {
    expect(() =>
      createAttributionRecord({
        inferenceId: 'i',
        modelId: 'm',
        method: { name: 'span', params: {} },
        result: { contributions: [{ contributionId: 'x', contributor: C1, score: 1 }] },
      }),
    ).toThrow(AttributionRecordError);
  });

  test('reads datanets from datanetOf and rejects bad addresses with a typed error', () => {
    const r = createAttributionRecord({
      inferenceId: 'i',
      modelId: 'm',
      method: { name: 'span', params: {} },
      result: { contributions: [{ contributionId: 'x', contributor: C1, score: 1 }] },
      datanetOf: { x: 'dn' },
    });
    expect(r.contributions[0]!.datanetId).toBe('dn');
    expect(() =>
      createAttributionRecord({
        inferenceId: 'i',
        modelId: 'm',
        method: { name: 'span', params: {} },
        result: { contributions: [{ contributionId: 'x', contributor: '0xnope', score: 1 }] },
        datanetOf: { x: 'dn' },
      }),
    ).toThrow(/contributor/);
  });
});

describe('canonical hashing', () => {
  test('RFC 8785 examples: key order by UTF-16 code units, ECMAScript numbers, minimal escapes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '\u20ac': 1, '\ud83d\ude00': 2, '\r': 3 })).toBe(
      '{"\\r":3,"a":[true,null,"x"],"b":1,"\u20ac":1,"\ud83d\ude00":2}',
    );
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 1 / 3, Number.MIN_VALUE])).toBe(
      '[1e+21,1e-7,0,0.1,0.3333333333333333,5e-324]',
    );
    expect(() => hashCanonical({ a: Number.NaN })).toThrow(AttributionRecordError);
    expect(() => hashCanonical({ a: 1n })).toThrow(AttributionRecordError);
    expect(() => hashCanonical('\ud800')).toThrow(AttributionRecordError);
  });

  test('the record hash is independent of key order', () => {
    const shuffle = (v: unknown, seed: number): unknown => {
      if (Array.isArray(v)) return v.map((x) => shuffle(x, seed));
      if (v && typeof v === 'object') {
        const entries = Object.entries(v);
        entries.sort(
          ([a], [b]) =>
            ((a.charCodeAt(0) * 31 + seed) % 7) - ((b.charCodeAt(0) * 31 + seed) % 7) || (a < b ? 1 : -1),
        );
        return Object.fromEntries(entries.map(([k, x]) => [k, shuffle(x, seed)]));
      }
      return v;
    };
    const r = sampleRecord();
    const h = hashAttributionRecord(r);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const s = shuffle(r, seed) as AttributionRecord;
        if (seed === 1) expect(Object.keys(s)).not.toEqual(Object.keys(r));
        expect(hashAttributionRecord(s)).toBe(h);
      }),
      { numRuns: 30 },
    );
    expect(hashAttributionRecord({ ...r, modelId: 'other' })).not.toBe(h);
  });

  test('rejects unknown fields rather than hashing them silently', () => {
    expect(() => hashAttributionRecord({ ...sampleRecord(), extra: 1 } as AttributionRecord)).toThrow(
      AttributionRecordError,
    );
  });
});

describe('EIP-712 signatures', () => {
  test('typed-data digest equals viem hashTypedData', () => {
    const r = sampleRecord();
    const viemHash = hashTypedData({
      domain: {
        ...domain,
        chainId: Number(domain.chainId),
        verifyingContract: domain.verifyingContract as `0x${string}`,
      },
      types: ATTRIBUTION_RECORD_TYPES,
      primaryType: 'AttributionRecord',
      message: attributionTypedMessage(r) as never,
    });
    expect(`0x${bytesToHex(attributionDigest(r, domain))}`).toBe(viemHash);
  });

  test('signed with an ethers Wallet, verified by the SDK (and recovered by ethers)', async () => {
    const wallet = new Wallet(KEY1);
    const signed = await signAttributionRecord(sampleRecord(), wallet, domain);
    expect(verifyAttributionRecord({ ...signed, address: wallet.address })).toBe(true);
    expect(recoverAttributionRecordSigner(signed)).toBe(wallet.address);
    const types = { AttributionRecord: ATTRIBUTION_RECORD_TYPES.AttributionRecord.map((f) => ({ ...f })) };
    expect(verifyTypedData(domain, types, attributionTypedMessage(signed.record), signed.signature)).toBe(
      wallet.address,
    );
  });

  test('signed by a viem account, verified by the SDK; SDK-recovered signer matches ethers for raw noble signatures', async () => {
    const account = privateKeyToAccount(KEY2);
    const viemSigner = {
      signTypedData: (
        d: AttributionDomain,
        types: Record<string, readonly { name: string; type: string }[]>,
        message: Record<string, unknown>,
      ) =>
        account.signTypedData({
          domain: {
            ...d,
            chainId: Number(d.chainId),
            verifyingContract: d.verifyingContract as `0x${string}`,
          },
          types,
          primaryType: 'AttributionRecord',
          message,
        }),
    };
    const signed = await signAttributionRecord(sampleRecord(), viemSigner, domain);
    expect(verifyAttributionRecord({ ...signed, address: account.address })).toBe(true);
    // A signature computed straight from the SDK digest with noble is accepted by ethers.
    const digest = attributionDigest(signed.record, domain);
    const sig = secp256k1.sign(digest, KEY2.slice(2));
    const raw = `0x${sig.toCompactHex()}${(27 + sig.recovery).toString(16)}`;
    const types = { AttributionRecord: ATTRIBUTION_RECORD_TYPES.AttributionRecord.map((f) => ({ ...f })) };
    expect(verifyTypedData(domain, types, attributionTypedMessage(signed.record), raw)).toBe(account.address);
  });

  test('a tampered field, another chain id or another verifying contract fails', async () => {
    const wallet = new Wallet(KEY1);
    const signed = await signAttributionRecord(sampleRecord(), wallet, domain);
    const v = (p: Partial<typeof signed>) =>
      verifyAttributionRecord({ ...signed, ...p, address: wallet.address });
    const r = signed.record;
    expect(
      v({
        record: {
          ...r,
          contributions: r.contributions.map((c, i) => (i === 0 ? { ...c, share: c.share + 1e-9 } : c)),
        },
      }),
    ).toBe(false);
    expect(
      v({
        record: {
          ...r,
          contributions: r.contributions.map((c, i) => (i === 1 ? { ...c, contributor: C1 } : c)),
        },
      }),
    ).toBe(false);
    expect(v({ record: { ...r, inferenceId: 'inf_0002' } })).toBe(false);
    expect(v({ record: { ...r, createdAt: '2026-01-01T00:00:01.000Z' } })).toBe(false);
    expect(v({ domain: { ...domain, chainId: 1612 } })).toBe(false);
    expect(
      v({ domain: { ...domain, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa4' } }),
    ).toBe(false);
    expect(v({ domain: { ...domain, name: 'Other' } })).toBe(false);
    expect(verifyAttributionRecord({ ...signed, address: C2 })).toBe(false);
  });

  test('malformed and malleated signatures are rejected, not thrown', async () => {
    const wallet = new Wallet(KEY1);
    const signed = await signAttributionRecord(sampleRecord(), wallet, domain);
    const v = (signature: string) =>
      verifyAttributionRecord({ ...signed, signature, address: wallet.address });
    expect(v('0x1234')).toBe(false);
    expect(v(`${signed.signature.slice(0, -2)}1d`)).toBe(false);
    // High-s twin: s' = n - s with the recovery bit flipped recovers the same key but is malleable.
    const n = secp256k1.CURVE.n;
    const s = BigInt(`0x${signed.signature.slice(66, 130)}`);
    const vByte = Number.parseInt(signed.signature.slice(130), 16);
    const twin = `${signed.signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(vByte === 27 ? 28 : 27).toString(16)}`;
    expect(v(twin)).toBe(false);
    expect(() =>
      verifyAttributionRecord({ ...signed, domain: { ...domain, chainId: -1 }, address: wallet.address }),
    ).toThrow(AttributionRecordError);
  });
});

test('a span AttributionResult is accepted as a record source', () => {
  expectTypeOf<AttributionResult>().toExtend<AttributionSource>();
});

describe('commitAttributionRecords', () => {
  test('one root covers many records; proofs verify with core and match OpenZeppelin merkle-tree', () => {
    const records = Array.from({ length: 7 }, (_, i) => ({ ...sampleRecord(), inferenceId: `inf_${i}` }));
    const batch = commitAttributionRecords(records);
    expect(new Set(batch.hashes).size).toBe(7);
    batch.hashes.forEach((h, i) => {
      expect(h).toBe(hashAttributionRecord(records[i]!));
      expect(verifyMerkleProof({ root: batch.root, leaf: h, proof: batch.proof(i) })).toBe(true);
    });
    // OpenZeppelin's own SimpleMerkleTree over the same record hashes gives the same root and proofs.
    const oz = SimpleMerkleTree.of(batch.hashes);
    expect(batch.root).toBe(oz.root);
    expect(batch.proof(5)).toEqual(oz.getProof(5));
    const tampered = { ...records[3]!, modelId: 'x' };
    expect(
      verifyMerkleProof({ root: batch.root, leaf: hashAttributionRecord(tampered), proof: batch.proof(3) }),
    ).toBe(false);
    expect(() => commitAttributionRecords([])).toThrow(AttributionRecordError);
  });
});
