import { AbortError, HttpError, NetworkError } from '@openledger/core';
import { SpanIndexFormatError, SpanIndexUsageError } from './errors.js';
import {
  ALIGN,
  crc32,
  FORMAT_VERSION,
  formatSchemas,
  type Header,
  littleEndian,
  MAGIC,
  MAX_HEADER_BYTES,
  PREAMBLE_BYTES,
  type Section,
} from './format.js';
import { MemoryColumns } from './memory.js';
import { PagedColumns, PagedFile, type RangeRead } from './paged.js';
import { buildSample, type SuffixSample, setSample } from './sample.js';
import type { SpanIndex, SpanShard } from './types.js';

/**
 * The part of a Node `fs/promises` `FileHandle` the loader uses (no `node:fs` import needed).
 *
 * @example
 * import type { FileHandleLike } from '@openledger/attribution';
 */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
}

/**
 * Paging options of the range-read sources.
 *
 * @example
 * import type { PagingOptions } from '@openledger/attribution';
 */
export interface PagingOptions {
  /** Bytes per range read; a multiple of 8. Default 32 KiB. */
  pageSize?: number;
  /** Most bytes of pages kept in memory (LRU). Default 64 MiB. */
  cacheBytes?: number;
}

/**
 * Where `loadSpanIndex` reads an index from.
 *
 * @example
 * import type { SpanIndexSource } from '@openledger/attribution';
 */
export type SpanIndexSource =
  | ArrayBuffer
  | Uint8Array
  | ({ url: string | URL; fetch?: typeof fetch; headers?: Record<string, string> } & PagingOptions)
  | ({ file: FileHandleLike } & PagingOptions)
  | ({ size: number; read: RangeRead } & PagingOptions);

/**
 * Options of {@link loadSpanIndex}.
 *
 * @example
 * import type { LoadSpanIndexOptions } from '@openledger/attribution';
 */
export interface LoadSpanIndexOptions {
  /** Also check the CRC-32 of the token and suffix-array sections (reads them whole). Default false. */
  verify?: boolean;
  signal?: AbortSignal;
}

/**
 * Parameters of {@link loadSpanIndex}.
 *
 * @example
 * import type { LoadSpanIndexParameters } from '@openledger/attribution';
 */
export type LoadSpanIndexParameters = SpanIndexSource;
/**
 * Return type of {@link loadSpanIndex}.
 *
 * @example
 * import type { LoadSpanIndexReturnType } from '@openledger/attribution';
 */
export type LoadSpanIndexReturnType = SpanIndex;

/**
 * Open a serialized span index. From an `ArrayBuffer` the sections become typed-array views
 * (no copy). From `{ url }` (HTTP Range requests), `{ file }` (a Node `FileHandle`) or
 * `{ size, read }`, only the header and the small tables are read up front; suffix-array and
 * token pages are fetched on demand by queries and kept in a bounded cache (`index.io`
 * counts the reads). Corrupt or truncated input throws {@link SpanIndexFormatError}.
 *
 * @example
 * import { loadSpanIndex, findSpans, createByteTokenizer } from '@openledger/attribution';
 * const index = await loadSpanIndex({ url: 'https://cdn.example/datanet-7.olspan' });
 * const spans = await findSpans(index, 'some model output', { tokenizer: createByteTokenizer() });
 * console.log(spans.length, index.io.requests);
 */
export async function loadSpanIndex(
  source: LoadSpanIndexParameters,
  options: LoadSpanIndexOptions = {},
): Promise<LoadSpanIndexReturnType> {
  if (!littleEndian()) throw new SpanIndexUsageError('Span indexes can only be read on little-endian hosts.');
  const { signal } = options;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    let bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    // Typed-array views need aligned offsets; a misaligned slice of a bigger buffer is copied once.
    if (bytes.byteOffset % ALIGN !== 0) bytes = bytes.slice();
    return fromBytes(bytes, options);
  }
  if (typeof source !== 'object' || source === null) {
    throw new SpanIndexUsageError(
      'loadSpanIndex needs an ArrayBuffer, Uint8Array, { url }, { file } or { size, read }.',
    );
  }
  const pageSize = source.pageSize ?? 32 * 1024;
  if (!Number.isInteger(pageSize) || pageSize < 64 || pageSize % ALIGN !== 0) {
    throw new SpanIndexUsageError(
      `pageSize must be an integer multiple of ${ALIGN}, at least 64; got ${pageSize}.`,
    );
  }
  const maxPages = Math.max(16, Math.floor((source.cacheBytes ?? 64 * 1024 * 1024) / pageSize));
  const io = { requests: 0, bytes: 0 };

  let read: RangeRead;
  let size: number;
  if ('url' in source) {
    const opened = await openUrl(
      source.url,
      source.fetch ?? globalThis.fetch,
      source.headers ?? {},
      pageSize,
      signal,
    );
    io.requests++;
    io.bytes += opened.first.length;
    if (opened.whole) return fromBytes(opened.first, options); // the server ignored Range: it sent it all
    read = opened.read;
    size = opened.size;
  } else if ('file' in source) {
    const fh = source.file;
    size = (await fh.stat()).size;
    read = async (offset, length) => {
      checkAbort(signal);
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? buf : buf.subarray(0, done);
    };
  } else if ('read' in source && typeof source.read === 'function') {
    size = source.size;
    read = source.read;
  } else {
    throw new SpanIndexUsageError(
      'loadSpanIndex needs an ArrayBuffer, Uint8Array, { url }, { file } or { size, read }.',
    );
  }
  if (!Number.isSafeInteger(size) || size < 0)
    throw new SpanIndexFormatError(`Index size ${size} is not valid.`);

  const exact = async (offset: number, length: number): Promise<Uint8Array> => {
    checkAbort(signal);
    if (length === 0) return new Uint8Array(0);
    const b = await read(offset, length);
    io.requests++;
    io.bytes += b.length;
    if (b.length !== length)
      throw new SpanIndexFormatError(
        `Index truncated: read at ${offset} gave ${b.length} of ${length} bytes.`,
      );
    return b;
  };
  const preamble = await exact(0, Math.min(size, PREAMBLE_BYTES));
  const headerLength = parsePreamble(preamble, size);
  const header = parseHeader(await exact(PREAMBLE_BYTES, headerLength), preamble, size);
  const file = new PagedFile(read, size, pageSize, maxPages, io);
  const small = async (s: Section, what: string) => {
    const b = await exact(s.offset, s.length);
    if (crc32(b) !== s.crc32) throw new SpanIndexFormatError(`Checksum mismatch in the ${what} section.`);
    // Copy into a fresh aligned buffer so typed views can be taken.
    return b.byteOffset % ALIGN === 0 ? b : b.slice();
  };
  const unigram = await small(header.unigram, 'unigram');
  const docs = await small(header.documents, 'documents');
  const starts: Uint8Array[] = [];
  const samples: (SuffixSample | undefined)[] = [];
  for (const [i, s] of header.shards.entries()) {
    starts.push(await small(s.documentStarts, `shard ${i} document starts`));
    samples.push(s.sample && sampleOf(header, s.sample, await small(s.sample.tokens, `shard ${i} sample`)));
  }
  if (options.verify) {
    for (const [i, s] of header.shards.entries()) {
      for (const [sec, what] of [
        [s.tokens, 'tokens'],
        [s.suffixArray, 'suffix array'],
      ] as const) {
        let crc = 0;
        for (let off = 0; off < sec.length; off += 1 << 22) {
          crc = crc32(await exact(sec.offset + off, Math.min(1 << 22, sec.length - off)), crc);
        }
        if (crc !== sec.crc32) throw new SpanIndexFormatError(`Checksum mismatch in shard ${i} ${what}.`);
      }
    }
  }
  return assemble(
    header,
    unigram,
    docs,
    starts,
    (s, i) => {
      const cols = new PagedColumns(file, s.tokens.offset, header.tokenWidth, s.suffixArray.offset);
      const sample = samples[i];
      if (sample) setSample(cols, sample);
      return cols;
    },
    io,
  );
}

/** Tokens of the index's width over `length` bytes of `b` (8-byte aligned by the format). */
function tokenView(h: Header, b: Uint8Array, length: number): Uint16Array | Uint32Array {
  return h.tokenWidth === 2
    ? new Uint16Array(b.buffer, b.byteOffset, length / 2)
    : new Uint32Array(b.buffer, b.byteOffset, length / 4);
}

/** A shard's suffix sample from its header entry and its (checked) section bytes. */
function sampleOf(
  h: Header,
  entry: NonNullable<Header['shards'][number]['sample']>,
  bytes: Uint8Array,
): SuffixSample {
  return { every: entry.every, prefix: entry.prefix, tokens: tokenView(h, bytes, bytes.length) };
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError({ operation: 'loadSpanIndex', cause: signal.reason });
}

function fromBytes(bytes: Uint8Array, options: LoadSpanIndexOptions): SpanIndex {
  checkAbort(options.signal);
  const size = bytes.length;
  const headerLength = parsePreamble(bytes.subarray(0, Math.min(size, PREAMBLE_BYTES)), size);
  if (PREAMBLE_BYTES + headerLength > size)
    throw new SpanIndexFormatError('Index truncated inside its header.');
  const header = parseHeader(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength), bytes, size);
  const sec = (s: Section, what: string, check = true) => {
    const b = bytes.subarray(s.offset, s.offset + s.length);
    if (check && crc32(b) !== s.crc32)
      throw new SpanIndexFormatError(`Checksum mismatch in the ${what} section.`);
    return b;
  };
  const verify = options.verify === true;
  return assemble(
    header,
    sec(header.unigram, 'unigram'),
    sec(header.documents, 'documents'),
    header.shards.map((s, i) => sec(s.documentStarts, `shard ${i} document starts`)),
    (s, i) => {
      const tok = sec(s.tokens, `shard ${i} tokens`, verify);
      const sa = sec(s.suffixArray, `shard ${i} suffix array`, verify);
      const tokens = tokenView(header, tok, tok.length);
      const suffixes = new Int32Array(sa.buffer, sa.byteOffset, s.tokenCount);
      const cols = new MemoryColumns(tokens, suffixes);
      // In memory a missing sample costs one pass over every 512th suffix: build it.
      setSample(
        cols,
        s.sample
          ? sampleOf(header, s.sample, sec(s.sample.tokens, `shard ${i} sample`))
          : buildSample(tokens, suffixes, s.tokenCount),
      );
      return cols;
    },
    { requests: 0, bytes: 0 },
  );
}

/** Check the fixed preamble; returns the header length. */
function parsePreamble(pre: Uint8Array, size: number): number {
  if (size < PREAMBLE_BYTES || pre.length < PREAMBLE_BYTES) {
    throw new SpanIndexFormatError(
      `Not a span index: ${size} bytes is shorter than the ${PREAMBLE_BYTES}-byte preamble.`,
    );
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (pre[i] !== MAGIC.charCodeAt(i)) throw new SpanIndexFormatError('Not a span index: bad magic bytes.');
  }
  const view = new DataView(pre.buffer, pre.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw new SpanIndexFormatError(
      `Unsupported span index format version ${version} (this SDK reads ${FORMAT_VERSION}).`,
    );
  }
  const fileLength = view.getUint32(24, true) + view.getUint32(28, true) * 2 ** 32;
  if (fileLength !== size) {
    throw new SpanIndexFormatError(
      `Index is ${size} bytes but its preamble says ${fileLength}: truncated or padded.`,
    );
  }
  if (view.getUint32(12, true) !== 0)
    throw new SpanIndexFormatError('Index uses flags this SDK does not know.');
  const headerLength = view.getUint32(16, true);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES || PREAMBLE_BYTES + headerLength > size) {
    throw new SpanIndexFormatError(`Index header length ${headerLength} is out of range.`);
  }
  return headerLength;
}

function parseHeader(bytes: Uint8Array, pre: Uint8Array, size: number): Header {
  const view = new DataView(pre.buffer, pre.byteOffset, PREAMBLE_BYTES);
  if (crc32(bytes) !== view.getUint32(20, true))
    throw new SpanIndexFormatError('Index header checksum mismatch.');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new SpanIndexFormatError('Index header is not valid JSON.', { cause });
  }
  const parsed = formatSchemas().header.safeParse(json);
  if (!parsed.success)
    throw new SpanIndexFormatError('Index header does not match the format.', { cause: parsed.error });
  const h = parsed.data;
  const within = (s: Section, what: string, expected: number) => {
    if (s.offset % ALIGN !== 0 || s.offset + s.length > size || s.offset < PREAMBLE_BYTES + bytes.length) {
      throw new SpanIndexFormatError(`Section ${what} lies outside the file or is misaligned.`);
    }
    if (expected >= 0 && s.length !== expected) {
      throw new SpanIndexFormatError(`Section ${what} is ${s.length} bytes, expected ${expected}.`);
    }
  };
  within(h.unigram, 'unigram', h.vocabSize * 8);
  within(h.documents, 'documents', -1);
  if (h.tokenWidth !== (h.vocabSize + 1 <= 0x10000 ? 2 : 4))
    throw new SpanIndexFormatError('Token width does not fit the vocabulary.');
  let docs = 0;
  let tokens = 0;
  h.shards.forEach((s, i) => {
    if (s.firstDocument !== docs)
      throw new SpanIndexFormatError(`Shard ${i} starts at document ${s.firstDocument}, expected ${docs}.`);
    docs += s.documentCount;
    tokens += s.tokenCount;
    within(s.tokens, `shard ${i} tokens`, s.tokenCount * h.tokenWidth);
    within(s.suffixArray, `shard ${i} suffix array`, s.tokenCount * 4);
    within(s.documentStarts, `shard ${i} document starts`, s.documentCount * 4);
    if (s.sample) {
      const count = Math.ceil(s.tokenCount / s.sample.every);
      within(s.sample.tokens, `shard ${i} sample`, count * s.sample.prefix * h.tokenWidth);
    }
  });
  if (docs !== h.documentCount)
    throw new SpanIndexFormatError(`Shards hold ${docs} documents, header says ${h.documentCount}.`);
  if (tokens - docs !== h.totalTokens) throw new SpanIndexFormatError('Token counts in the header disagree.');
  return h;
}

function assemble(
  h: Header,
  unigramBytes: Uint8Array,
  docBytes: Uint8Array,
  startBytes: Uint8Array[],
  columns: (s: Header['shards'][number], i: number) => SpanShard['columns'],
  io: { requests: number; bytes: number },
): SpanIndex {
  let docs: { ids: string[]; contributors: string[] };
  try {
    const parsed = formatSchemas().documents.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(docBytes)),
    );
    if (!parsed.success) throw parsed.error;
    docs = parsed.data;
  } catch (cause) {
    throw new SpanIndexFormatError('Index documents section is malformed.', { cause });
  }
  if (docs.ids.length !== h.documentCount || docs.contributors.length !== h.documentCount) {
    throw new SpanIndexFormatError('Index documents section has the wrong number of entries.');
  }
  const unigramCounts = new Float64Array(unigramBytes.buffer, unigramBytes.byteOffset, h.vocabSize);
  const shards = h.shards.map((s, i): SpanShard => {
    const b = startBytes[i]!;
    const starts = new Int32Array(b.buffer, b.byteOffset, s.documentCount);
    // Document starts must ascend from 0, each document ending in a separator inside the shard.
    if (starts[0] !== 0) throw new SpanIndexFormatError(`Shard ${i} does not start with a document at 0.`);
    for (let d = 1; d < starts.length; d++) {
      if (!(starts[d]! > starts[d - 1]!))
        throw new SpanIndexFormatError(`Shard ${i} document starts do not ascend.`);
    }
    if (starts[starts.length - 1]! >= s.tokenCount)
      throw new SpanIndexFormatError(`Shard ${i} document start beyond its tokens.`);
    return {
      tokenCount: s.tokenCount,
      firstDocument: s.firstDocument,
      documentStarts: starts,
      columns: columns(s, i),
    };
  });
  return {
    formatVersion: FORMAT_VERSION,
    tokenizerId: h.tokenizerId,
    vocabSize: h.vocabSize,
    separator: h.vocabSize,
    tokenWidth: h.tokenWidth,
    totalTokens: h.totalTokens,
    unigramCounts,
    documents: docs,
    shards,
    io,
  };
}

const MAX_IN_FLIGHT = 6;

interface OpenedUrl {
  first: Uint8Array;
  whole: boolean;
  size: number;
  read: RangeRead;
}

async function openUrl(
  url: string | URL,
  fetchFn: typeof fetch,
  headers: Record<string, string>,
  pageSize: number,
  signal: AbortSignal | undefined,
): Promise<OpenedUrl> {
  const href = String(url);
  const get = async (offset: number, length: number) => {
    checkAbort(signal);
    let res: Response | undefined;
    // Range GETs are idempotent: retry a dropped connection (e.g. a keep-alive socket the server
    // closed as we reused it) a couple of times before giving up.
    for (let attempt = 0; !res; attempt++) {
      try {
        res = await fetchFn(href, {
          headers: { ...headers, Range: `bytes=${offset}-${offset + length - 1}` },
          ...(signal ? { signal } : {}),
        });
      } catch (cause) {
        if (signal?.aborted) throw new AbortError({ operation: 'loadSpanIndex', cause });
        if (attempt >= 2) throw new NetworkError({ method: 'GET', url: href, cause });
      }
    }
    if (!res.ok) {
      throw new HttpError({
        status: res.status,
        method: 'GET',
        url: href,
        body: await res.text().catch(() => ''),
      });
    }
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };
  // Queries fan out into many page misses at once; keep a browser-like number in flight.
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const { res, bytes } = await get(0, pageSize);
  if (res.status === 200) return { first: bytes, whole: true, size: bytes.length, read: async () => bytes };
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
  if (!m || Number(m[1]) !== 0)
    throw new SpanIndexFormatError(`Range response from ${href} has no usable Content-Range.`);
  const size = Number(m[3]);
  return {
    first: bytes,
    whole: false,
    size,
    read: async (offset, length) => {
      const r = await limited(() => get(offset, length));
      const cr = /^bytes\s+(\d+)-/.exec(r.res.headers.get('content-range') ?? '');
      if (r.res.status !== 206 || !cr || Number(cr[1]) !== offset) {
        throw new SpanIndexFormatError(`Server did not honour the Range request at ${offset} of ${href}.`);
      }
      return r.bytes;
    },
  };
}
