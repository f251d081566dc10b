/**
 * Secret redaction for anything that may end up in an error message or log line.
 * Authorization headers, API keys and 32-byte hex private keys are replaced before
 * a message is ever built, so secrets cannot leak through `message`, `details` or
 * `metaMessages`.
 */
const REDACTED = '[redacted]';

const patterns: Array<[RegExp, string]> = [
  // Authorization: Bearer xxx / Basic xxx, in headers or free text.
  [/\b(authorization\s*[:=]\s*)(?:bearer\s+|basic\s+)?[^\s,;"']+/gi, `$1${REDACTED}`],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  // api keys in headers, query strings or JSON: x-api-key: ..., apiKey=..., "api_key": "..."
  [/(["']?\b(?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)[^\s,;&"']+/gi, `$1${REDACTED}`],
  // private keys: 0x + 64 hex not part of a longer hex string (addresses are 40, hashes are
  // also 64 — we prefer over-redacting a hash labelled as a key to leaking a key).
  [/(["']?\b(?:private[-_]?key|secret|mnemonic)["']?\s*[:=]\s*["']?)[^\s,;&"']+/gi, `$1${REDACTED}`],
];

/**
 * Replace secrets (Authorization values, API keys, private keys) in `text` with `[redacted]`.
 *
 * @example
 * import { redactSecrets } from '@openledger/core';
 * redactSecrets('authorization: Bearer abc.def'); // 'authorization: [redacted]'
 */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const [re, rep] of patterns) out = out.replace(re, rep);
  for (const secret of extraSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Header names whose values are never shown.
 * @example
 * import { SECRET_HEADERS } from '@openledger/core';
 * SECRET_HEADERS.has('authorization'); // true
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'payment-signature',
]);

/**
 * A copy of `headers` safe to put in an error: secret header values replaced.
 *
 * @example
 * import { redactHeaders } from '@openledger/core';
 * redactHeaders({ authorization: 'Bearer x' }); // { authorization: '[redacted]' }
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}
