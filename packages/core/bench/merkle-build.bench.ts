/** Build an OpenZeppelin-compatible reward tree of (address, uint256) leaves and prove every leaf, vs @openzeppelin/merkle-tree. */

import { createMerkleTree, getMerkleProof } from '@openledger/core';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = 3;

// A deterministic reward list (xorshift), the shape a reward epoch publishes.
let s = 0x9e3779b9;
const rand32 = () => {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return s >>> 0;
};
const leaves: [string, bigint][] = Array.from({ length: N }, () => {
  let addr = '0x';
  for (let i = 0; i < 5; i++) addr += rand32().toString(16).padStart(8, '0');
  return [addr, (BigInt(rand32()) << 32n) | BigInt(rand32())];
});
const encoding = ['address', 'uint256'];

function time(label: string, f: () => string): { seconds: number; root: string } {
  let best = Number.POSITIVE_INFINITY;
  let root = '';
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    root = f();
    best = Math.min(best, (performance.now() - t0) / 1000);
    process.stderr.write(`${label} round ${r + 1}/${ROUNDS}: ${best.toFixed(3)} s best\n`);
  }
  return { seconds: best, root };
}

const ours = time('ours build+prove', () => {
  const tree = createMerkleTree(leaves, { leafEncoding: encoding });
  for (let i = 0; i < N; i++) getMerkleProof(tree, i);
  return tree.root;
});
const reference = time('openzeppelin build+prove', () => {
  const tree = StandardMerkleTree.of(leaves, encoding);
  for (let i = 0; i < N; i++) tree.getProof(i);
  return tree.root;
});
if (ours.root !== reference.root) throw new Error(`roots differ: ${ours.root} vs ${reference.root}`);

const oursRate = N / ours.seconds;
const refRate = N / reference.seconds;
console.log(
  JSON.stringify({
    name: 'merkle-build',
    ours: { leaves_per_s: Math.round(oursRate), seconds: Number(ours.seconds.toFixed(4)) },
    reference: { name: '@openzeppelin/merkle-tree StandardMerkleTree', leaves_per_s: Math.round(refRate) },
    ratio: Number((oursRate / refRate).toFixed(2)),
    input: { leaves: N, leaf_encoding: encoding, source: 'deterministic xorshift reward list' },
    node: process.version,
  }),
);
