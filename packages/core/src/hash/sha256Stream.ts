import { AbortError } from '../errors/errors.js';
import { createSha256 } from './createSha256.js';
import type { BytesLike, Hex } from './hex.js';

/**
 * SHA-256 of a stream (a web `ReadableStream` or any async iterable of chunks, e.g. a Node
 * file stream), read chunk by chunk.
 *
 * @example
 * import { sha256Stream } from '@openledger/core';
 * const blob = new Blob(['abc']);
 * await sha256Stream(blob.stream()); // '0xba7816bf…'
 */
export async function sha256Stream(
  source: ReadableStream<Uint8Array> | AsyncIterable<BytesLike>,
  options: { signal?: AbortSignal } = {},
): Promise<Hex> {
  const h = createSha256();
  const { signal } = options;
  if (typeof (source as ReadableStream).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        if (signal?.aborted) {
          await reader.cancel(signal.reason).catch(() => undefined);
          throw new AbortError({ operation: 'sha256Stream', cause: signal.reason });
        }
        const { done, value } = await reader.read();
        if (done) break;
        h.update(value);
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of source as AsyncIterable<BytesLike>) {
      if (signal?.aborted) throw new AbortError({ operation: 'sha256Stream', cause: signal.reason });
      h.update(chunk);
    }
  }
  return h.digest();
}
