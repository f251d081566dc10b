import type { ShardColumns } from './types.js';

/** Columns of a shard held in memory as typed arrays. */
export class MemoryColumns implements ShardColumns {
  constructor(
    readonly tokens: Uint16Array | Uint32Array,
    readonly suffixes: Int32Array,
  ) {}
  tok(p: number): number {
    return this.tokens[p]!;
  }
  sa(i: number): number {
    return this.suffixes[i]!;
  }
}
