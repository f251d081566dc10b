import { ValidationError } from '../errors/errors.js';

/**
 * Read a response body into memory, refusing more than `maxBytes` (checked against
 * `Content-Length` first, then while streaming) so a hostile server cannot exhaust memory.
 * With `truncate`, a longer body is cut at `maxBytes` instead (for error bodies, which are
 * only shown to humans).
 */
export async function readBody(
  response: Response,
  maxBytes: number,
  what: string,
  truncate = false,
  onProgress?: (p: { percent: number; transferredBytes: number; totalBytes: number }) => void,
): Promise<Uint8Array> {
  const body = response.body;
  if (!body) return new Uint8Array(0);
  const declared = Number(response.headers.get('content-length'));
  if (!truncate && Number.isFinite(declared) && declared > maxBytes) {
    await body.cancel().catch(() => undefined);
    throw tooLarge(what, maxBytes);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (total + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => undefined);
        if (!truncate) throw tooLarge(what, maxBytes);
        chunks.push(value.subarray(0, maxBytes - total));
        total = maxBytes;
        break;
      }
      total += value.byteLength;
      chunks.push(value);
      // `percent` reaches 1 only once the stream has ended (the length header may be wrong).
      const known = Number.isFinite(declared) && declared > 0 ? declared : 0;
      onProgress?.({
        percent: known ? Math.min(total / known, 0.999) : 0,
        transferredBytes: total,
        totalBytes: known,
      });
    }
    onProgress?.({ percent: 1, transferredBytes: total, totalBytes: Math.max(total, declared || 0) });
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function tooLarge(what: string, maxBytes: number): ValidationError {
  return new ValidationError(`Response from ${what} is larger than maxResponseBytes (${maxBytes}).`, {
    issues: [{ path: [], message: `body exceeds ${maxBytes} bytes`, code: 'too_big' }],
  });
}
