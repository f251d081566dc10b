import { AbortError, NetworkError } from '@openledger/core';
import { SafetensorsError } from '../errors.js';
import { MAX_HEADER_BYTES, parseHeaderJson, readHeaderLength, type SafetensorsHeader } from './header.js';

/** Options of {@link inspectSafetensors}. */
export interface InspectSafetensorsOptions {
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  maxHeaderBytes?: number;
}

/** What {@link inspectSafetensors} returns: the validated header and the file size when the server said. */
export type InspectSafetensorsReturnType = SafetensorsHeader & { fileBytes: number | undefined };

/**
 * Read only the header of a remote safetensors file with two HTTP Range requests (the
 * 8-byte length, then the JSON), so shapes and dtypes can be checked before downloading
 * weights. Servers that ignore Range are read only as far as needed, then the body is cancelled.
 *
 * @throws {SafetensorsError} for a malformed header, {@link NetworkError} when the server fails.
 * @example
 * import { inspectSafetensors } from '@openledger/lora';
 * const head = await inspectSafetensors('https://example.com/adapter_model.safetensors');
 * console.log(head.tensors.map((t) => `${t.name} ${t.dtype} [${t.shape}]`));
 */
export async function inspectSafetensors(
  url: string,
  opts: InspectSafetensorsOptions = {},
): Promise<InspectSafetensorsReturnType> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const first = await rangeRead(doFetch, url, 0, 8, opts);
  const headerBytes = readHeaderLength(first.bytes, first.total, opts.maxHeaderBytes ?? MAX_HEADER_BYTES);
  const second = await rangeRead(doFetch, url, 8, headerBytes, opts);
  if (second.bytes.length < headerBytes)
    throw new SafetensorsError('HEADER_OUT_OF_BOUNDS', 'The file ended inside its header.');
  const total = first.total ?? second.total;
  const header = parseHeaderJson(
    second.bytes,
    headerBytes,
    total === undefined ? undefined : total - 8 - headerBytes,
  );
  return { ...header, fileBytes: total };
}

async function rangeRead(
  doFetch: typeof globalThis.fetch,
  url: string,
  start: number,
  length: number,
  opts: InspectSafetensorsOptions,
): Promise<{ bytes: Uint8Array; total: number | undefined }> {
  let res: Response;
  try {
    res = await doFetch(url, {
      headers: { ...opts.headers, range: `bytes=${start}-${start + length - 1}` },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (cause) {
    if (opts.signal?.aborted) throw new AbortError({ operation: 'inspectSafetensors', cause });
    throw new NetworkError({ method: 'GET', url, cause });
  }
  if (res.status === 416) {
    await res.body?.cancel();
    throw new SafetensorsError(
      'HEADER_OUT_OF_BOUNDS',
      'The header length runs past the end of the remote file.',
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new NetworkError({ method: 'GET', url, details: `HTTP ${res.status}` });
  }
  let total: number | undefined;
  let skip = 0;
  if (res.status === 206) {
    const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    if (m) total = Number(m[1]);
  } else {
    // The server ignored Range: the body starts at byte 0.
    const len = res.headers.get('content-length');
    if (len !== null && /^\d+$/.test(len)) total = Number(len);
    skip = start;
  }
  const want = skip + length;
  const buf = new Uint8Array(want);
  let got = 0;
  const reader = res.body?.getReader();
  if (!reader) throw new SafetensorsError('RANGE_NOT_SUPPORTED', 'The response has no body.');
  while (got < want) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.length, want - got);
    buf.set(value.subarray(0, take), got);
    got += take;
  }
  await reader.cancel().catch(() => {});
  return { bytes: buf.subarray(skip, Math.max(skip, got)), total };
}
