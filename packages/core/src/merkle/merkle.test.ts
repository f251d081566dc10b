import { SimpleMerkleTree, StandardMerkleTree } from '@openzeppelin/merkle-tree';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isValidationError } from '../errors/guards.js';
import { bytesToHex, type Hex } from '../hash/hex.js';
import { createMerkleTree } from './createMerkleTree.js';
import { getMerkleMultiProof } from './getMerkleMultiProof.js';
import { getMerkleProof } from './getMerkleProof.js';
import { verifyMerkleMultiProof } from './verifyMerkleMultiProof.js';
import { verifyMerkleProof } from './verifyMerkleProof.js';

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);
const uint256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });

/** Leaf encodings attribution and token use, plus a few others; each with a value generator. */
const encodings: Array<[string[], fc.Arbitrary<unknown[]>]> = [
  [['address', 'uint256'], fc.tuple(hexOf(20), uint256)],
  [['bytes32'], fc.tuple(hexOf(32))],
  [['uint256', 'address', 'uint256'], fc.tuple(uint256, hexOf(20), uint256)],
  [
    ['address', 'bytes32', 'uint64', 'bool'],
    fc.tuple(hexOf(20), hexOf(32), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.boolean()),
  ],
];

const standardCase = fc.integer({ min: 0, max: encodings.length - 1 }).chain((e) =>
  fc.record({
    encoding: fc.constant(encodings[e]![0]),
    // Odd and even sizes, single leaves, and duplicates (fc may repeat values).
    leaves: fc.array(encodings[e]![1], { minLength: 1, maxLength: 33 }),
    sortLeaves: fc.boolean(),
    subset: fc.array(fc.nat(), { maxLength: 6 }),
  }),
);

describe('cross-check with @openzeppelin/merkle-tree', () => {
  test('standard trees: same layout, root and proofs; each verifies the other (700 random trees)', () => {
    fc.assert(
      fc.property(standardCase, ({ encoding, leaves, sortLeaves, subset }) => {
        const ours = createMerkleTree(leaves, { leafEncoding: encoding, sortLeaves });
        const oz = StandardMerkleTree.of(leaves, encoding, { sortLeaves });
        expect(ours.root).toBe(oz.root);
        const { root: _root, ...dump } = ours;
        expect(dump).toEqual(oz.dump());
        // OpenZeppelin can load and validate what we built.
        expect(() => StandardMerkleTree.load(dump as ReturnType<typeof oz.dump>).validate()).not.toThrow();
        leaves.forEach((leaf, i) => {
          const proof = getMerkleProof(ours, i);
          expect(proof).toEqual(oz.getProof(i));
          expect(StandardMerkleTree.verify(oz.root, encoding, leaf, proof)).toBe(true);
          expect(verifyMerkleProof({ root: ours.root, leaf, proof, leafEncoding: encoding })).toBe(true);
        });
        // Multiproofs need sorted leaves to be meaningful on-chain, but both libraries agree regardless.
        const indices = [...new Set(subset.map((s) => s % leaves.length))];
        const multi = getMerkleMultiProof(ours, indices);
        const ozMulti = oz.getMultiProof([...indices]);
        expect(multi).toEqual(ozMulti);
        expect(StandardMerkleTree.verifyMultiProof(oz.root, encoding, multi)).toBe(true);
        expect(verifyMerkleMultiProof({ root: ours.root, leafEncoding: encoding, ...multi })).toBe(true);
      }),
      { numRuns: 700 },
    );
  }, 180_000);

  test('simple trees of raw bytes32 leaves (300 random trees)', () => {
    fc.assert(
      fc.property(
        fc.array(hexOf(32), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (leaves, sortLeaves) => {
          const ours = createMerkleTree(leaves as Hex[], { sortLeaves });
          const oz = SimpleMerkleTree.of(leaves, { sortLeaves });
          expect(ours.root).toBe(oz.root);
          expect(ours.tree).toEqual(oz.dump().tree);
          leaves.forEach((leaf, i) => {
            const proof = getMerkleProof(ours, i);
            expect(proof).toEqual(oz.getProof(i));
            expect(SimpleMerkleTree.verify(oz.root, leaf, proof)).toBe(true);
            expect(verifyMerkleProof({ root: ours.root, leaf, proof })).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  }, 180_000);
});

describe('proofs fail when anything is wrong', () => {
  test('a tampered proof, another leaf, or another root does not verify', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hexOf(20), uint256), { minLength: 2, maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        (leaves, a, flip) => {
          const unique = [...new Map(leaves.map((l) => [l.join(), l])).values()];
          fc.pre(unique.length >= 2);
          const leafEncoding = ['address', 'uint256'];
          const tree = createMerkleTree(unique, { leafEncoding });
          const i = a % unique.length;
          const proof = getMerkleProof(tree, i);
          const other = unique[(i + 1) % unique.length]!;
          expect(verifyMerkleProof({ root: tree.root, leaf: other, proof, leafEncoding })).toBe(false);
          const [addr, amount] = unique[i]!;
          const changed = amount === 2n ** 256n - 1n ? amount - 1n : amount + 1n;
          expect(verifyMerkleProof({ root: tree.root, leaf: [addr, changed], proof, leafEncoding })).toBe(
            false,
          );
          const k = flip % proof.length;
          const bad = proof.map((p, j) =>
            j === k ? (`0x${(p[2] === '0' ? '1' : '0') + p.slice(3)}` as Hex) : p,
          );
          expect(verifyMerkleProof({ root: tree.root, leaf: unique[i], proof: bad, leafEncoding })).toBe(
            false,
          );
          expect(verifyMerkleProof({ root: tree.tree[1]!, leaf: unique[i], proof, leafEncoding })).toBe(
            false,
          );
          // Dropping a multiproof flag breaks its accounting.
          const multi = getMerkleMultiProof(tree, [0, 1]);
          expect(
            verifyMerkleMultiProof({
              root: tree.root,
              leafEncoding,
              ...multi,
              proofFlags: multi.proofFlags.slice(1),
            }),
          ).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a single-leaf tree has the leaf hash as root and an empty proof', () => {
    const leafEncoding = ['address', 'uint256'];
    const tree = createMerkleTree([['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 7n]], { leafEncoding });
    expect(getMerkleProof(tree, 0)).toEqual([]);
    expect(tree.tree).toEqual([tree.root]);
    expect(getMerkleProof(tree, ['0x70997970c51812dc3a010c7d01b50e0d17dc79c8', 7n])).toEqual([]);
  });

  test('finds a leaf by value and refuses one that is absent', () => {
    const leafEncoding = ['uint256'];
    const tree = createMerkleTree([[1n], [2n], [3n]], { leafEncoding });
    expect(getMerkleProof(tree, [2n])).toEqual(getMerkleProof(tree, 1));
    expect(isValidationError(catchError(() => getMerkleProof(tree, [4n])))).toBe(true);
    expect(isValidationError(catchError(() => getMerkleProof(tree, 3)))).toBe(true);
  });

  test.each([
    ['no leaves', () => createMerkleTree([], { leafEncoding: ['uint256'] })],
    ['a leaf with the wrong arity', () => createMerkleTree([[1n, 2n]], { leafEncoding: ['uint256'] })],
    ['a raw leaf that is not 32 bytes', () => createMerkleTree(['0x1234'])],
    [
      'a malformed proof node',
      () =>
        verifyMerkleProof({ root: `0x${'00'.repeat(32)}`, leaf: `0x${'11'.repeat(32)}`, proof: ['0xzz'] }),
    ],
  ])('misuse is a ValidationError: %s', (_name, f) => {
    expect(isValidationError(catchError(f))).toBe(true);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
