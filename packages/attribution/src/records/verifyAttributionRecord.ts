import { type AttributionDomain, attributionDigest, recoverAddress } from './eip712.js';
import { isAttributionRecordError } from './guards.js';
import type { AttributionRecord } from './schema.js';

/** Parameters of {@link verifyAttributionRecord}. */
export interface VerifyAttributionRecordParameters {
  record: AttributionRecord;
  signature: string;
  /** The domain the verifier expects (its chain id and verifying contract, not the signer's claim). */
  domain: AttributionDomain;
  /** The address that must have signed. */
  address: string;
}

/**
 * Check an EIP-712 signature over an attribution record: true only when it recovers to
 * `address` under exactly this domain. Signatures made by ethers, viem or any EIP-712 wallet
 * verify; a changed field, chain id or verifying contract does not. Malformed records or
 * signatures return false; a malformed domain throws (that is the verifier's own mistake).
 *
 * @example
 * import { verifyAttributionRecord, type SignedAttributionRecord } from '@openledger/attribution';
 * declare const signed: SignedAttributionRecord;
 * const ok = verifyAttributionRecord({ ...signed, address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });
 */
export function verifyAttributionRecord(params: VerifyAttributionRecordParameters): boolean {
  const signer = recoverAttributionRecordSigner(params);
  return signer !== null && sameAddress(signer, params.address);
}

/**
 * The address that signed a record under a domain, or null when the record or signature is malformed.
 *
 * @example
 * import { recoverAttributionRecordSigner, type SignedAttributionRecord } from '@openledger/attribution';
 * declare const signed: SignedAttributionRecord;
 * const who = recoverAttributionRecordSigner(signed);
 */
export function recoverAttributionRecordSigner(params: {
  record: AttributionRecord;
  signature: string;
  domain: AttributionDomain;
}): `0x${string}` | null {
  let digest: Uint8Array;
  try {
    digest = attributionDigest(params.record, params.domain);
  } catch (e) {
    if (isAttributionRecordError(e) && e.code !== 'INVALID_DOMAIN') return null;
    throw e;
  }
  try {
    return recoverAddress(digest, params.signature);
  } catch (e) {
    if (isAttributionRecordError(e)) return null;
    throw e;
  }
}

function sameAddress(a: string, b: string): boolean {
  return typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
