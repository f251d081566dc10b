import { SpanIndexUsageError } from './errors.js';
import {
  alignUp,
  crc32,
  FORMAT_VERSION,
  type Header,
  littleEndian,
  MAGIC,
  MAX_HEADER_BYTES,
  PREAMBLE_BYTES,
  type Section,
} from './format.js';
import { MemoryColumns } from './memory.js';
import { buildSample, sampleOf } from './sample.js';
import type { SpanIndex } from './types.js';

/**
 * Serialize a span index to its versioned binary format: a 32-byte preamble (magic
 * `OLSPANIX`, version, header length and CRC-32, file length), a JSON header with the counts
 * and section table, then 8-byte-aligned little-endian sections (per shard: tokens, suffix
 * array, document starts, and the first tokens of every 512th suffix, which range-loaded
 * searches narrow on before their first request; unigram counts; document ids and
 * contributors), each with a CRC-32.
 * The same index always serializes to the same bytes.
 *
 * @example
 * import { buildSpanIndex, createByteTokenizer, serializeSpanIndex } from '@openledger/attribution';
 * const index = await buildSpanIndex([{ id: 'a', contributor: 'x', text: 'hello' }], { tokenizer: createByteTokenizer() });
 * const bytes = serializeSpanIndex(index); // Uint8Array, write it to a file or a CDN
 */
export function serializeSpanIndex(index: SpanIndex): Uint8Array {
  if (!littleEndian())
    throw new SpanIndexUsageError('Span indexes can only be written on little-endian hosts.');
  const parts: { offset: number; bytes: Uint8Array }[] = [];
  const shardBytes = index.shards.map((shard, i) => {
    const cols = shard.columns;
    if (!(cols instanceof MemoryColumns)) {
      throw new SpanIndexUsageError(
        `Shard ${i} is paged (loaded by ranges); load the index into memory to serialize it.`,
      );
    }
    const sample = sampleOf(cols) ?? buildSample(cols.tokens, cols.suffixes, shard.tokenCount);
    return {
      tokens: bytesOf(cols.tokens.subarray(0, shard.tokenCount)),
      suffixArray: bytesOf(cols.suffixes.subarray(0, shard.tokenCount)),
      documentStarts: bytesOf(shard.documentStarts),
      sample: { every: sample.every, prefix: sample.prefix, tokens: bytesOf(sample.tokens) },
    };
  });
  const unigram = bytesOf(index.unigramCounts);
  const documents = new TextEncoder().encode(
    JSON.stringify({ ids: index.documents.ids, contributors: index.documents.contributors }),
  );

  // Lay out sections after a header whose size we do not know yet: iterate until stable.
  let headerLength = 0;
  let header: Header;
  let headerBytes: Uint8Array;
  let fileLength = 0;
  for (;;) {
    let cursor = alignUp(PREAMBLE_BYTES + headerLength);
    parts.length = 0;
    const place = (bytes: Uint8Array): Section => {
      const s = { offset: cursor, length: bytes.length, crc32: crc32(bytes) };
      parts.push({ offset: cursor, bytes });
      fileLength = cursor + bytes.length;
      cursor = alignUp(cursor + bytes.length);
      return s;
    };
    const shards = index.shards.map((shard, i) => {
      const b = shardBytes[i]!;
      return {
        tokenCount: shard.tokenCount,
        firstDocument: shard.firstDocument,
        documentCount: shard.documentStarts.length,
        tokens: place(b.tokens),
        suffixArray: place(b.suffixArray),
        documentStarts: place(b.documentStarts),
        sample: { every: b.sample.every, prefix: b.sample.prefix, tokens: place(b.sample.tokens) },
      };
    });
    header = {
      tokenizerId: index.tokenizerId,
      vocabSize: index.vocabSize,
      tokenWidth: index.tokenWidth,
      totalTokens: index.totalTokens,
      documentCount: index.documents.ids.length,
      unigram: place(unigram),
      documents: place(documents),
      shards,
    };
    headerBytes = new TextEncoder().encode(JSON.stringify(header));
    if (headerBytes.length === headerLength) break;
    headerLength = headerBytes.length;
  }
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SpanIndexUsageError(
      `Index header is ${headerLength} bytes; the format allows ${MAX_HEADER_BYTES}.`,
    );
  }
  const out = new Uint8Array(fileLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, headerLength, true);
  view.setUint32(20, crc32(headerBytes), true);
  view.setUint32(24, fileLength % 2 ** 32, true);
  view.setUint32(28, Math.floor(fileLength / 2 ** 32), true);
  out.set(headerBytes, PREAMBLE_BYTES);
  for (const { offset, bytes } of parts) out.set(bytes, offset);
  return out;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
