// zod/mini: the loader needs plain shape checks, and classic zod would add ~20 kB gz to every
// bundle that loads an index.
import * as z from 'zod/mini';

/** Version of the binary layout written by `serializeSpanIndex`. */
export const FORMAT_VERSION = 1;
/** The first 8 bytes of every index file. */
export const MAGIC = 'OLSPANIX';
/** Fixed preamble: magic, version, flags, header length, header CRC-32, file length (u64). */
export const PREAMBLE_BYTES = 32;
/** Header JSON is bounded so a hostile length can never make the loader allocate much. */
export const MAX_HEADER_BYTES = 1 << 20;
export const ALIGN = 8;

/** A section's place in the file and its CRC-32. */
export interface Section {
  offset: number;
  length: number;
  crc32: number;
}

// Schemas are built on first use: a top-level zod call would keep all of zod in every bundle
// that touches this module, even those that never load an index.
let schemas: ReturnType<typeof makeSchemas> | undefined;
export const formatSchemas = (): ReturnType<typeof makeSchemas> => {
  schemas ??= makeSchemas();
  return schemas;
};

function makeSchemas() {
  const count = () => z.int().check(z.nonnegative());
  const section = z.object({
    offset: count(),
    length: count(),
    crc32: z.int().check(z.gte(0), z.lte(0xffffffff)),
  });
  /** The JSON header after the preamble: counts and the section table. */
  const header = z.object({
    tokenizerId: z.string().check(z.maxLength(1024)),
    vocabSize: z.int().check(z.gte(1), z.lte(0xfffffffe)),
    tokenWidth: z.union([z.literal(2), z.literal(4)]),
    totalTokens: count(),
    documentCount: count(),
    unigram: section,
    documents: section,
    shards: z
      .array(
        z.object({
          tokenCount: z.int().check(z.gte(1), z.lte(0x7fffffff)),
          firstDocument: count(),
          documentCount: z.int().check(z.gte(1)),
          tokens: section,
          suffixArray: section,
          documentStarts: section,
          /** Optional (files without it load and search without it): see `sample.ts`. */
          sample: z.optional(
            z.object({
              every: z.int().check(z.gte(1), z.lte(0x7fffffff)),
              prefix: z.int().check(z.gte(1), z.lte(256)),
              tokens: section,
            }),
          ),
        }),
      )
      .check(z.maxLength(1 << 16)),
  });
  /** The documents section: ids and contributors in index order. */
  const documents = z.object({ ids: z.array(z.string()), contributors: z.array(z.string()) });
  return { header, documents };
}

/** The parsed JSON header. */
export type Header = z.infer<ReturnType<typeof makeSchemas>['header']>;

let crcTable: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, as zlib/PNG use), for header and section checksums. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  const table = crcTable;
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** True on little-endian hosts; the format stores little-endian and maps typed arrays directly. */
export const littleEndian = (): boolean => new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
