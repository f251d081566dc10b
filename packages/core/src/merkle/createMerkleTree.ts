import { ValidationError } from '../errors/errors.js';
import { bytesToHex, type Hex } from '../hash/hex.js';
import { compareBytes, hashPair, leafOf } from './internal.js';
import type { MerkleTree } from './types.js';

/**
 * Options of {@link createMerkleTree}.
 * @example
 * import { createMerkleTree, type CreateMerkleTreeOptions } from '@openledger/core';
 * const options: CreateMerkleTreeOptions = { leafEncoding: ['bytes32'], sortLeaves: true };
 * createMerkleTree([[`0x${'ab'.repeat(32)}`]], { leafEncoding: ['bytes32'] });
 */
export interface CreateMerkleTreeOptions {
  /**
   * ABI types of each leaf, e.g. `['address', 'uint256']`: leaves are then arrays of values,
   * hashed as `keccak256(keccak256(abi.encode(...)))` like OpenZeppelin's `StandardMerkleTree`.
   * Without it, leaves are raw 32-byte hashes used as is (`SimpleMerkleTree`).
   */
  leafEncoding?: readonly string[];
  /** Sort leaves by hash before building (OpenZeppelin's default, and needed for multiproofs). Default true. */
  sortLeaves?: boolean;
}

/**
 * Build a Merkle tree that OpenZeppelin's `MerkleProof` verifies on-chain: sorted-pair
 * keccak256 nodes and double-hashed ABI-encoded leaves, in `StandardMerkleTree`'s layout.
 *
 * @example
 * import { createMerkleTree } from '@openledger/core';
 * const tree = createMerkleTree(
 *   [['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 5n * 10n ** 18n], ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 1n]],
 *   { leafEncoding: ['address', 'uint256'] },
 * );
 * console.log(tree.root);
 */
export function createMerkleTree<T extends readonly unknown[]>(
  leaves: readonly T[],
  options: CreateMerkleTreeOptions & { leafEncoding: readonly string[] },
): MerkleTree<T>;
export function createMerkleTree(
  leaves: readonly (Hex | Uint8Array)[],
  options?: CreateMerkleTreeOptions & { leafEncoding?: undefined },
): MerkleTree<Hex>;
export function createMerkleTree(
  leaves: readonly unknown[],
  options: CreateMerkleTreeOptions = {},
): MerkleTree {
  const { leafEncoding, sortLeaves = true } = options;
  if (!Array.isArray(leaves) || leaves.length === 0) {
    throw new ValidationError('A Merkle tree needs at least one leaf.');
  }
  const hashed = leaves.map((value, valueIndex) => ({
    valueIndex,
    hash: leafOf(leafEncoding, value, `Leaf ${valueIndex}`),
  }));
  if (sortLeaves) hashed.sort((a, b) => compareBytes(a.hash, b.hash));
  // Complete binary tree in an array: children of i are 2i+1 and 2i+2; the leaves fill the
  // last n slots, first leaf last.
  const size = 2 * hashed.length - 1;
  const nodes = new Array<Uint8Array>(size);
  const values = new Array<{ value: unknown; treeIndex: number }>(leaves.length);
  hashed.forEach(({ valueIndex, hash }, k) => {
    const treeIndex = size - 1 - k;
    nodes[treeIndex] = hash;
    const v = leaves[valueIndex];
    values[valueIndex] = { value: leafEncoding ? v : bytesToHex(hash), treeIndex };
  });
  for (let i = size - 1 - hashed.length; i >= 0; i--)
    nodes[i] = hashPair(nodes[2 * i + 1]!, nodes[2 * i + 2]!);
  const tree = nodes.map(bytesToHex);
  return {
    format: leafEncoding ? 'standard-v1' : 'simple-v1',
    ...(leafEncoding ? { leafEncoding: [...leafEncoding] } : {}),
    tree,
    values,
    root: tree[0]!,
  };
}
