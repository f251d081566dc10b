/**
 * A fresh random idempotency key (a UUID v4 string) for the `Idempotency-Key` header.
 * Uses `crypto.getRandomValues`, which unlike `crypto.randomUUID` also exists outside
 * secure contexts (plain-http pages).
 *
 * @example
 * import { createIdempotencyKey } from '@openledger/core';
 * const key = createIdempotencyKey(); // e.g. '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function createIdempotencyKey(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
