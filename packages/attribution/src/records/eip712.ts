import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { AttributionRecordError } from './errors.js';
import { hashAttributionRecord } from './hashAttributionRecord.js';
import type { AttributionRecord } from './schema.js';

/**
 * EIP-712 domain of signed attribution records.
 *
 * @example
 * import type { AttributionDomain } from '@openledger/attribution';
 * const domain: AttributionDomain = { name: 'OpenLedger Attribution', version: '1', chainId: 1612,
 *   verifyingContract: '0x0000000000000000000000000000000000000001' };
 */
export interface AttributionDomain {
  name: string;
  version: string;
  chainId: number | bigint;
  verifyingContract: `0x${string}` | string;
}

/**
 * EIP-712 types of the signed struct (the `types` argument of `signTypedData`).
 *
 * @example
 * import { ATTRIBUTION_RECORD_TYPES } from '@openledger/attribution';
 * console.log(ATTRIBUTION_RECORD_TYPES.AttributionRecord.map((f) => f.name));
 */
export const ATTRIBUTION_RECORD_TYPES = {
  AttributionRecord: [
    { name: 'recordVersion', type: 'uint32' },
    { name: 'inferenceId', type: 'string' },
    { name: 'modelId', type: 'string' },
    { name: 'method', type: 'string' },
    { name: 'indexHash', type: 'bytes32' },
    { name: 'evidenceHash', type: 'bytes32' },
    { name: 'recordHash', type: 'bytes32' },
  ],
} as const;

const DOMAIN_TYPE = 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';
const RECORD_TYPE =
  'AttributionRecord(uint32 recordVersion,string inferenceId,string modelId,string method,bytes32 indexHash,bytes32 evidenceHash,bytes32 recordHash)';
const ZERO32 = '0x0000000000000000000000000000000000000000000000000000000000000000';

/** The EIP-712 message for a record: the readable fields plus the hash that binds all the rest. */
export function attributionTypedMessage(record: AttributionRecord) {
  return {
    recordVersion: record.version,
    inferenceId: record.inferenceId,
    modelId: record.modelId,
    method: record.method.name,
    indexHash: record.indexHash ?? ZERO32,
    evidenceHash: record.evidenceHash,
    recordHash: hashAttributionRecord(record),
  };
}

const k = (b: Uint8Array) => keccak_256(b);
const word = (n: bigint): Uint8Array => {
  if (n < 0n || n >= 1n << 256n) throw new AttributionRecordError('INVALID_DOMAIN', 'uint256 out of range.');
  return hexToBytes(n.toString(16).padStart(64, '0'));
};

export function checkDomain(domain: AttributionDomain): void {
  const ok =
    domain &&
    typeof domain.name === 'string' &&
    typeof domain.version === 'string' &&
    (typeof domain.chainId === 'bigint'
      ? domain.chainId >= 0n
      : Number.isSafeInteger(domain.chainId) && domain.chainId >= 0) &&
    typeof domain.verifyingContract === 'string' &&
    /^0x[0-9a-fA-F]{40}$/.test(domain.verifyingContract);
  if (!ok) {
    throw new AttributionRecordError(
      'INVALID_DOMAIN',
      'EIP-712 domain needs name, version, a non-negative integer chainId and a verifyingContract address.',
    );
  }
}

/**
 * EIP-712 digest `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))` of a record.
 *
 * @example
 * import { attributionDigest, type AttributionRecord, type AttributionDomain } from '@openledger/attribution';
 * declare const record: AttributionRecord;
 * declare const domain: AttributionDomain;
 * const digest = attributionDigest(record, domain); // 32 bytes to sign or recover from
 */
export function attributionDigest(record: AttributionRecord, domain: AttributionDomain): Uint8Array {
  checkDomain(domain);
  const domainSeparator = k(
    concatBytes(
      k(utf8ToBytes(DOMAIN_TYPE)),
      k(utf8ToBytes(domain.name)),
      k(utf8ToBytes(domain.version)),
      word(BigInt(domain.chainId)),
      word(BigInt(domain.verifyingContract)),
    ),
  );
  const m = attributionTypedMessage(record);
  const structHash = k(
    concatBytes(
      k(utf8ToBytes(RECORD_TYPE)),
      word(BigInt(m.recordVersion)),
      k(utf8ToBytes(m.inferenceId)),
      k(utf8ToBytes(m.modelId)),
      k(utf8ToBytes(m.method)),
      hexToBytes(m.indexHash.slice(2)),
      hexToBytes(m.evidenceHash.slice(2)),
      hexToBytes(m.recordHash.slice(2)),
    ),
  );
  return k(concatBytes(new Uint8Array([0x19, 0x01]), domainSeparator, structHash));
}

/** EIP-55 checksummed form of an address. */
export function checksumAddress(addr: string): `0x${string}` {
  const lower = addr.slice(2).toLowerCase();
  const h = bytesToHex(k(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += Number.parseInt(h[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  return out as `0x${string}`;
}

/** Recover the signer address of a 65-byte `r ‖ s ‖ v` signature over a 32-byte digest. */
export function recoverAddress(digest: Uint8Array, signature: string): `0x${string}` {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new AttributionRecordError(
      'INVALID_SIGNATURE',
      'Signature must be 65 bytes of 0x-hex (r ‖ s ‖ v).',
    );
  }
  const bytes = hexToBytes(signature.slice(2));
  const v = bytes[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) {
    throw new AttributionRecordError('INVALID_SIGNATURE', `Signature has an invalid recovery byte ${v}.`);
  }
  let pub: Uint8Array;
  try {
    const sig = secp256k1.Signature.fromCompact(bytes.subarray(0, 64));
    // EIP-2: a high-s signature is the malleated twin of a valid one; accept only low-s.
    if (sig.s > secp256k1.CURVE.n >> 1n) throw new Error('high s');
    pub = sig.addRecoveryBit(recovery).recoverPublicKey(digest).toRawBytes(false);
  } catch (cause) {
    throw new AttributionRecordError('INVALID_SIGNATURE', 'Signature does not recover to a public key.', {
      cause,
    });
  }
  return checksumAddress(`0x${bytesToHex(k(pub.subarray(1)).subarray(12))}`);
}
