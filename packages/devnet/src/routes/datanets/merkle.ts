import { keccak_256 } from '@noble/hashes/sha3';

type Hex = `0x${string}`;

// OpenZeppelin StandardMerkleTree over ['bytes32'] leaves: leaf = keccak256(keccak256(abi.encode(v))),
// nodes hash their children sorted, leaves sorted by hash, tree stored as a complete binary tree.
const bytes = (h: Hex) => Buffer.from(h.slice(2), 'hex');
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;
const leafHash = (v: Hex): Hex => hex(keccak_256(keccak_256(bytes(v))));
const hashPair = (a: Hex, b: Hex): Hex =>
  hex(keccak_256(Buffer.concat(a < b ? [bytes(a), bytes(b)] : [bytes(b), bytes(a)])));

function build(leaves: readonly Hex[]): { tree: Hex[]; position: Map<number, number> } {
  const hashed = leaves
    .map((v, i) => ({ i, h: leafHash(v) }))
    .sort((x, y) => (x.h < y.h ? -1 : x.h > y.h ? 1 : 0));
  const n = hashed.length;
  const tree = new Array<Hex>(2 * n - 1);
  const position = new Map<number, number>();
  hashed.forEach((l, k) => {
    tree[tree.length - 1 - k] = l.h;
    position.set(l.i, tree.length - 1 - k);
  });
  for (let j = tree.length - 1 - n; j >= 0; j--) tree[j] = hashPair(tree[2 * j + 1]!, tree[2 * j + 2]!);
  return { tree, position };
}

/** Root of the OpenZeppelin-compatible tree whose leaves are the given bytes32 content hashes. */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  return build(leaves).tree[0]!;
}

/** Proof for the leaf at `index`. */
export function merkleProof(leaves: readonly Hex[], index: number): Hex[] {
  const { tree, position } = build(leaves);
  const proof: Hex[] = [];
  for (let j = position.get(index)!; j > 0; j = Math.floor((j - 1) / 2))
    proof.push(tree[j % 2 === 1 ? j + 1 : j - 1]!);
  return proof;
}
