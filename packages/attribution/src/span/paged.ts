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

/** A file read in fixed-size pages through `read`, with a bounded, approximately-LRU cache. */
export class PagedFile {
  // Access stamps instead of reordering a Map on every read: page() sits in the search's inner loop.
  private readonly pages = new Map<number, { bytes: Uint8Array; stamp: number }>();
  private readonly inflight = new Map<number, Promise<void>>();
  private clock = 0;
  private lastNumber = -1;
  private lastBytes: Uint8Array | undefined;
  constructor(
    private readonly read: RangeRead,
    readonly size: number,
    readonly pageSize: number,
    private readonly maxPages: number,
    readonly io: SpanIndexIoStats,
  ) {}

  /** The resident page, or a miss to await. */
  page(n: number): Uint8Array {
    if (n === this.lastNumber) return this.lastBytes!;
    const p = this.pages.get(n);
    if (p) {
      p.stamp = ++this.clock;
      this.lastNumber = n;
      this.lastBytes = p.bytes;
      return p.bytes;
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
          this.pages.set(n, { bytes, stamp: ++this.clock });
          if (this.pages.size > this.maxPages) this.evict();
        })
        .finally(() => this.inflight.delete(n));
      this.inflight.set(n, pending);
    }
    return pending;
  }

  /** Drop the least recently used eighth of the cache in one go. */
  private evict(): void {
    const stamps = [...this.pages.values()].map((p) => p.stamp).sort((a, b) => a - b);
    const cut = stamps[Math.floor(stamps.length / 8)]!;
    for (const [n, p] of this.pages) if (p.stamp <= cut) this.pages.delete(n);
    this.lastNumber = -1;
    this.lastBytes = undefined;
  }

  /** Load every page overlapping `[from, to)` concurrently. */
  async prefetch(from: number, to: number): Promise<void> {
    if (to <= from) return;
    const first = Math.floor(from / this.pageSize);
    const last = Math.floor((to - 1) / this.pageSize);
    if (last - first + 1 > this.maxPages / 2) return; // would evict itself; fall back to misses
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
