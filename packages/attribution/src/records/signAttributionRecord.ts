import {
  ATTRIBUTION_RECORD_TYPES,
  type AttributionDomain,
  attributionTypedMessage,
  checkDomain,
} from './eip712.js';
import { AttributionRecordError } from './errors.js';
import type { AttributionRecord } from './schema.js';

/** Anything that signs EIP-712 typed data the way ethers v6's `Signer.signTypedData` does. */
export interface TypedDataSigner {
  signTypedData(
    domain: AttributionDomain,
    types: Record<string, readonly { name: string; type: string }[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** A record with its EIP-712 signature. */
export interface SignedAttributionRecord {
  record: AttributionRecord;
  domain: AttributionDomain;
  /** 65-byte `r ‖ s ‖ v` signature, 0x-hex. */
  signature: `0x${string}`;
}

/**
 * Sign an attribution record as EIP-712 typed data with any typed-data signer (an ethers v6
 * `Signer`/`Wallet` works as is). The signed struct carries the inference and model ids, the
 * method, index and evidence hashes, and the record hash that binds every other field.
 *
 * @example
 * import { signAttributionRecord, type AttributionRecord } from '@openledger/attribution';
 * import { Wallet } from 'ethers';
 * declare const record: AttributionRecord;
 * const signed = await signAttributionRecord(record, Wallet.createRandom(), {
 *   name: 'OpenLedger Attribution', version: '1', chainId: 1612,
 *   verifyingContract: '0x0000000000000000000000000000000000000001',
 * });
 */
export async function signAttributionRecord(
  record: AttributionRecord,
  signer: TypedDataSigner,
  domain: AttributionDomain,
): Promise<SignedAttributionRecord> {
  checkDomain(domain);
  if (!signer || typeof signer.signTypedData !== 'function') {
    throw new AttributionRecordError(
      'INVALID_INPUT',
      'signer must have a signTypedData(domain, types, value) method.',
    );
  }
  const types = { AttributionRecord: ATTRIBUTION_RECORD_TYPES.AttributionRecord.map((f) => ({ ...f })) };
  const signature = await signer.signTypedData({ ...domain }, types, attributionTypedMessage(record));
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new AttributionRecordError(
      'INVALID_SIGNATURE',
      'The signer returned something other than a 65-byte signature.',
    );
  }
  return { record, domain, signature: signature as `0x${string}` };
}
