import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import solc from 'solc';
import { createPublicClient, createWalletClient, http, type Hex as ViemHex } from 'viem';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bytesToHex } from '../hash/hex.js';
import { createMerkleTree } from './createMerkleTree.js';
import { getMerkleMultiProof } from './getMerkleMultiProof.js';
import { getMerkleProof } from './getMerkleProof.js';

/**
 * The real verifier: OpenZeppelin's MerkleProof.sol compiled with solc and run on anvil.
 * Our leaves, proofs and multiproofs must be accepted by it, and tampered ones refused.
 */
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
contract MerkleCheck {
  function leaf(address account, uint256 amount) external pure returns (bytes32) {
    return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
  }
  function verify(bytes32[] calldata proof, bytes32 root, bytes32 leafHash) external pure returns (bool) {
    return MerkleProof.verifyCalldata(proof, root, leafHash);
  }
  function multiVerify(bytes32[] calldata proof, bool[] calldata flags, bytes32 root, bytes32[] calldata leaves)
    external pure returns (bool) {
    return MerkleProof.multiProofVerifyCalldata(proof, flags, root, leaves);
  }
}`;

const ABI = [
  {
    type: 'function',
    name: 'leaf',
    stateMutability: 'pure',
    inputs: [
      { name: 'account', type: 'address' },
      { name: 'amount', type: 'uint256' },
    ],
    outputs: [{ type: 'bytes32' }],
  },
  {
    type: 'function',
    name: 'verify',
    stateMutability: 'pure',
    inputs: [
      { name: 'proof', type: 'bytes32[]' },
      { name: 'root', type: 'bytes32' },
      { name: 'leafHash', type: 'bytes32' },
    ],
    outputs: [{ type: 'bool' }],
  },
  {
    type: 'function',
    name: 'multiVerify',
    stateMutability: 'pure',
    inputs: [
      { name: 'proof', type: 'bytes32[]' },
      { name: 'flags', type: 'bool[]' },
      { name: 'root', type: 'bytes32' },
      { name: 'leaves', type: 'bytes32[]' },
    ],
    outputs: [{ type: 'bool' }],
  },
] as const;

let anvil: ChildProcess | undefined;
let address: ViemHex;
let publicClient: ReturnType<typeof createPublicClient>;

function compile(): ViemHex {
  const require = createRequire(import.meta.url);
  const ozRoot = dirname(require.resolve('@openzeppelin/contracts/package.json'));
  const input = {
    language: 'Solidity',
    sources: { 'MerkleCheck.sol': { content: SOURCE } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
    },
  };
  const findImports = (path: string) => {
    const prefix = '@openzeppelin/contracts/';
    if (!path.startsWith(prefix)) return { error: `not found: ${path}` };
    return { contents: readFileSync(join(ozRoot, path.slice(prefix.length)), 'utf8') };
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return `0x${out.contracts['MerkleCheck.sol']!.MerkleCheck!.evm.bytecode.object}`;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

beforeAll(async () => {
  const bytecode = compile();
  const require = createRequire(import.meta.url);
  const anvilDir = dirname(require.resolve('@foundry-rs/anvil/package.json'));
  const bin = createRequire(join(anvilDir, 'package.json')).resolve(
    `@foundry-rs/anvil-linux-${process.arch === 'arm64' ? 'arm64' : 'amd64'}/bin/anvil`,
  );
  const port = await freePort();
  anvil = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--silent'], { stdio: 'ignore' });
  const rpc = `http://127.0.0.1:${port}`;
  publicClient = createPublicClient({ chain: foundry, transport: http(rpc) });
  const deadline = Date.now() + 30_000;
  while ((await publicClient.getChainId().catch(() => 0)) !== foundry.id) {
    if (Date.now() > deadline || anvil.exitCode !== null) throw new Error('anvil did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Anvil's dev accounts are unlocked: it signs eth_sendTransaction itself, so no key lives here.
  const wallet = createWalletClient({ chain: foundry, transport: http(rpc) });
  const [from] = await wallet.getAddresses();
  const hash = await wallet.deployContract({ abi: ABI, bytecode, account: from! });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  address = receipt.contractAddress!;
});

afterAll(async () => {
  if (anvil && anvil.exitCode === null) {
    const exited = new Promise((r) => anvil!.once('exit', r));
    anvil.kill('SIGTERM');
    await exited;
  }
});

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(bytesToHex);

test('OpenZeppelin MerkleProof.sol accepts our leaves, proofs and multiproofs, and refuses tampered ones', async () => {
  const call = (functionName: 'leaf' | 'verify' | 'multiVerify', args: readonly unknown[]) =>
    publicClient.readContract({ address, abi: ABI, functionName, args } as never) as Promise<unknown>;
  const leafEncoding = ['address', 'uint256'];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(hexOf(20), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })), {
        minLength: 1,
        maxLength: 24,
      }),
      fc.array(fc.nat(), { maxLength: 5 }),
      async (leaves, subset) => {
        const tree = createMerkleTree(leaves, { leafEncoding });
        for (const [i, [account, amount]] of leaves.entries()) {
          const leafHash = tree.tree[tree.values[i]!.treeIndex]!;
          expect(await call('leaf', [account, amount])).toBe(leafHash);
          const proof = getMerkleProof(tree, i);
          expect(await call('verify', [proof, tree.root, leafHash])).toBe(true);
          if (proof.length > 0) {
            const tampered = [...proof];
            tampered[0] = `0x${(proof[0]![2] === 'f' ? '0' : 'f') + proof[0]!.slice(3)}`;
            expect(await call('verify', [tampered, tree.root, leafHash])).toBe(false);
          }
        }
        const indices = [...new Set(subset.map((s) => s % leaves.length))];
        const multi = getMerkleMultiProof(tree, indices);
        const multiLeaves = multi.leaves.map(
          ([a, v]) => tree.tree[tree.values.find((x) => x.value[0] === a && x.value[1] === v)!.treeIndex]!,
        );
        expect(await call('multiVerify', [multi.proof, multi.proofFlags, tree.root, multiLeaves])).toBe(true);
      },
    ),
    { numRuns: 15 },
  );
});
