import { canonicalJson, isValidationError, keccak256 } from '@openledger/core';
import { AttributionRecordError } from './errors.js';
import { type AttributionRecord, AttributionRecordSchema } from './schema.js';

/** keccak256 of the RFC 8785 canonical JSON of any JSON value, as 0x-hex. */
export function hashCanonical(value: unknown): `0x${string}` {
  let json: string;
  try {
    json = canonicalJson(value);
  } catch (cause) {
    if (!isValidationError(cause)) throw cause;
    throw new AttributionRecordError(
      'NOT_CANONICALIZABLE',
      'The value cannot be written as canonical JSON.',
      { cause },
    );
  }
  return keccak256(new TextEncoder().encode(json));
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
  // The schema is strict, so hashing the caller's object cannot include fields zod would drop.
  return hashCanonical(record);
}
