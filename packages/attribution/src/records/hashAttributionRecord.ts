import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from './canonicalJson.js';
import { AttributionRecordError } from './errors.js';
import { type AttributionRecord, AttributionRecordSchema } from './schema.js';

/** keccak256 of the RFC 8785 canonical JSON of any JSON value, as 0x-hex. */
export function hashCanonical(value: unknown): `0x${string}` {
  return `0x${bytesToHex(keccak_256(utf8ToBytes(canonicalJson(value))))}`;
}

/**
 * Hash an attribution record: keccak256 over its RFC 8785 canonical JSON, so the hash does
 * not depend on key order or whitespace. The record is validated first.
 *
 * @example
 * import { hashAttributionRecord, type AttributionRecord } from '@openledger/attribution';
 * declare const record: AttributionRecord;
 * const hash = hashAttributionRecord(record); // '0x…' (32 bytes)
 */
export function hashAttributionRecord(record: AttributionRecord): `0x${string}` {
  const parsed = AttributionRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AttributionRecordError('INVALID_RECORD', 'Not a valid attribution record.', {
      details: `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    });
  }
  // Hash what the caller passed (not zod's copy) so unknown keys cannot be silently dropped.
  return hashCanonical(record);
}
