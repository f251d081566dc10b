import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import type { Hex } from '../types.js';

/** One entitlement leaf: (index, account, amount), ABI-encoded as (uint256, address, uint256). */
export interface RewardLeaf {
  index: number;
  account: Hex;
  amount: bigint;
}

const word = (v: bigint) => v.toString(16).padStart(64, '0');

/** OpenZeppelin StandardMerkleTree leaf hash: keccak256(keccak256(abi.encode(index, account, amount))). */
export function rewardLeafHash(leaf: RewardLeaf): Uint8Array {
  const encoded = hexToBytes(word(BigInt(leaf.index)) + word(BigInt(leaf.account)) + word(leaf.amount));
  return keccak_256(keccak_256(encoded));
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  const [x, y] = compare(a, b) <= 0 ? [a, b] : [b, a];
  buf.set(x, 0);
  buf.set(y, 32);
  return keccak_256(buf);
}

/**
 * The tree layout of OpenZeppelin's StandardMerkleTree (leaves sorted by hash, complete binary
 * tree in an array, sorted-pair hashing), so roots equal what `@openzeppelin/merkle-tree`
 * computes and proofs verify with OpenZeppelin's `MerkleProof`.
 */
export function buildRewardTree(leaves: readonly RewardLeaf[]): { root: Hex; proofs: Hex[][] } {
  if (leaves.length === 0) throw new RangeError('a reward tree needs at least one leaf');
  const hashed = leaves.map((leaf, i) => ({ i, h: rewardLeafHash(leaf) })).sort((a, b) => compare(a.h, b.h));
  const size = 2 * hashed.length - 1;
  const tree: Uint8Array[] = new Array(size);
  const position = new Array<number>(leaves.length);
  hashed.forEach(({ i, h }, k) => {
    tree[size - 1 - k] = h;
    position[i] = size - 1 - k;
  });
  for (let j = size - 1 - hashed.length; j >= 0; j--) tree[j] = hashPair(tree[2 * j + 1]!, tree[2 * j + 2]!);
  const proofs = position.map((p) => {
    const proof: Hex[] = [];
    for (let j = p!; j > 0; j = (j - 1) >> 1)
      proof.push(`0x${bytesToHex(tree[j % 2 === 1 ? j + 1 : j - 1]!)}`);
    return proof;
  });
  return { root: `0x${bytesToHex(tree[0]!)}`, proofs };
}
