import { createSha256, type Sha256, sha256Bytes } from './hash.js';

const LEAF = /* @__PURE__ */ new Uint8Array([0]);
const NODE = /* @__PURE__ */ new Uint8Array([1]);

/**
 * RFC 6962 Merkle tree hash over a list of leaf hashes, where each leaf hash is
 * sha256(0x00 || chunk) and each node is sha256(0x01 || left || right); the tree splits at
 * the largest power of two below n, so appending chunks never changes earlier subtrees.
 */
export function merkleRootOfLeaves(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256Bytes();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256Bytes(NODE, merkleRootOfLeaves(leaves.slice(0, k)), merkleRootOfLeaves(leaves.slice(k)));
}

/** Cuts a byte stream into fixed-size chunks and keeps one 32-byte leaf hash per chunk. */
export class ChunkMerkle {
  readonly chunkSize: number;
  readonly leaves: Uint8Array[] = [];
  private h: Sha256 | null = null;
  private filled = 0;

  constructor(chunkSize: number) {
    this.chunkSize = chunkSize;
  }

  update(data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      if (!this.h) {
        this.h = createSha256();
        this.h.update(LEAF);
        this.filled = 0;
      }
      const take = Math.min(this.chunkSize - this.filled, data.length - i);
      this.h.update(i === 0 && take === data.length ? data : data.subarray(i, i + take));
      this.filled += take;
      i += take;
      if (this.filled === this.chunkSize) {
        this.leaves.push(this.h.digest());
        this.h = null;
      }
    }
  }

  /** Root of everything written so far; an empty input hashes as sha256 of nothing. */
  root(): Uint8Array {
    if (this.h) {
      this.leaves.push(this.h.digest());
      this.h = null;
    }
    return merkleRootOfLeaves(this.leaves);
  }
}
