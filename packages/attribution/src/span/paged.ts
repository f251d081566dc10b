import { SpanIndexFormatError } from './errors.js';
import type { ShardColumns, SpanIndexIoStats } from './types.js';

/** Reads `length` bytes at `offset` of an index file. */
export type RangeRead = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Thrown (internally) by paged columns when a page is not resident; the query layer awaits
 * `load()` and re-runs the step. Keeps the search code synchronous and fast in memory.
 */
export class PageMiss {
  constructor(readonly load: () => Promise<void>) {}
}

/** Run `step`, loading whatever pages it misses, until it completes. */
export async function withPages<T>(step: () => T): Promise<T> {
  for (;;) {
    try {
      return step();
    } catch (e) {
      if (e instanceof PageMiss) await e.load();
      else throw e;
    }
  }
}

/** A file read in fixed-size pages through `read`, with a bounded LRU cache. */
export class PagedFile {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly inflight = new Map<number, Promise<void>>();
  constructor(
    private readonly read: RangeRead,
    readonly size: number,
    readonly pageSize: number,
    private readonly maxPages: number,
    readonly io: SpanIndexIoStats,
  ) {}

  /** The resident page, refreshed as most recently used, or a miss to await. */
  page(n: number): Uint8Array {
    const p = this.pages.get(n);
    if (p) {
      this.pages.delete(n);
      this.pages.set(n, p);
      return p;
    }
    throw new PageMiss(() => this.load(n));
  }

  load(n: number): Promise<void> {
    if (this.pages.has(n)) return Promise.resolve();
    let pending = this.inflight.get(n);
    if (!pending) {
      const offset = n * this.pageSize;
      const length = Math.min(this.pageSize, this.size - offset);
      pending = this.read(offset, length)
        .then((bytes) => {
          if (bytes.length !== length) {
            throw new SpanIndexFormatError(
              `Index read at ${offset} returned ${bytes.length} bytes, expected ${length}.`,
            );
          }
          this.io.requests++;
          this.io.bytes += bytes.length;
          this.pages.set(n, bytes);
          while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value!);
        })
        .finally(() => this.inflight.delete(n));
      this.inflight.set(n, pending);
    }
    return pending;
  }

  /** Load every page overlapping `[from, to)` concurrently. */
  async prefetch(from: number, to: number): Promise<void> {
    if (to <= from) return;
    const first = Math.floor(from / this.pageSize);
    const last = Math.floor((to - 1) / this.pageSize);
    if (last - first + 1 > this.maxPages) return; // would evict itself; fall back to misses
    const loads: Promise<void>[] = [];
    for (let n = first; n <= last; n++) loads.push(this.load(n));
    await Promise.all(loads);
  }
}

/** Columns of a shard read page by page from a {@link PagedFile}. */
export class PagedColumns implements ShardColumns {
  constructor(
    private readonly file: PagedFile,
    private readonly tokensOffset: number,
    private readonly width: 2 | 4,
    private readonly saOffset: number,
  ) {}

  tok(p: number): number {
    const off = this.tokensOffset + p * this.width;
    const size = this.file.pageSize;
    const n = Math.floor(off / size);
    const b = this.file.page(n);
    const i = off - n * size;
    // Sections and pages are 8-byte aligned, so a token never straddles two pages.
    if (this.width === 2) return b[i]! | (b[i + 1]! << 8);
    return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  }

  sa(i: number): number {
    const off = this.saOffset + i * 4;
    const size = this.file.pageSize;
    const n = Math.floor(off / size);
    const b = this.file.page(n);
    const j = off - n * size;
    return b[j]! | (b[j + 1]! << 8) | (b[j + 2]! << 16) | (b[j + 3]! << 24);
  }

  prefetchTokens(from: number, to: number): Promise<void> {
    return this.file.prefetch(this.tokensOffset + from * this.width, this.tokensOffset + to * this.width);
  }
}
