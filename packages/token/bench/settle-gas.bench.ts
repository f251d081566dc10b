// Gas per inference (100 vouchers settled by one redeem) and per contributor paid (claim and batch paths) vs a Uniswap-style MerkleDistributor claim, on one anvil.
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { ContractFactory, solidityPacked, type TransactionReceipt, Wallet } from 'ethers';
import {
  merkleDistributorReferenceAbi,
  merkleDistributorReferenceBytecode,
} from '../src/generated/MerkleDistributorReference.generated.js';
import {
  claimReward,
  deployContracts,
  type Hex,
  openChannel,
  payRewardsBatch,
  publishRewardEpoch,
  redeemVoucher,
  signVoucher,
  transferOpen,
} from '../src/index.js';
import { contract, send } from '../src/internal/ethers.js';
import { startTestChain } from '../src/test-utils/anvil.js';

const INFERENCES = 100;
const CONTRIBUTORS = 100;
const log = (s: string) => console.error(s);

const chain = await startTestChain({ chainId: 1612 });
try {
  const [deployer, payer, payee, relayer] = chain.wallets as [Wallet, Wallet, Wallet, Wallet];
  const c = await deployContracts(deployer);
  log(`anvil ${chain.rpcUrl}, contracts deployed`);

  // 1. One redeem settling 100 inferences.
  const price = 10n ** 15n;
  const channel = await openChannel(payer, {
    contract: c.paymentChannel,
    payee: payee.address,
    amount: price * BigInt(INFERENCES),
    expiry: (await chain.now()) + 86_400,
  });
  let latest = await signVoucher(payer.privateKey as Hex, { ...channel, cumulativeAmount: price });
  for (let i = 2; i <= INFERENCES; i++)
    latest = await signVoucher(payer.privateKey as Hex, { ...channel, cumulativeAmount: price * BigInt(i) });
  const redeem = await redeemVoucher(payee, { voucher: latest });
  const gasPerInference = Number(redeem.gasUsed) / INFERENCES;
  log(`redeem of ${INFERENCES} inferences: ${redeem.gasUsed} gas`);

  // Everyone is paid in the OPEN ERC-20, like the reference distributor, to fresh addresses.
  await transferOpen(deployer, { to: payee.address, amount: 10n ** 24n, token: c.openToken });
  const fresh = () =>
    Array.from({ length: CONTRIBUTORS }, (_, i) => ({
      address: Wallet.createRandom().address as Hex,
      amount: 10n ** 15n + BigInt(i),
    }));

  // 2. Claim path.
  const claimPayouts = fresh();
  const epoch = await publishRewardEpoch(payee, {
    contract: c.rewardDistributor,
    token: c.openToken,
    payouts: claimPayouts,
    deadline: (await chain.now()) + 86_400,
  });
  let claimGas = 0n;
  for (const p of claimPayouts) {
    claimGas += (
      await claimReward(relayer, { contract: c.rewardDistributor, claim: epoch.claims.get(p.address)! })
    ).gasUsed;
  }
  const gasPerClaim = Number(claimGas) / CONTRIBUTORS;
  log(`claim path: ${gasPerClaim} gas per claim`);

  // 3. Batch path.
  const batch = await payRewardsBatch(payee, {
    contract: c.rewardDistributor,
    token: c.openToken,
    payouts: fresh(),
  });
  const gasPerContributor = Number(batch.gasUsed) / CONTRIBUTORS;
  log(`batch path: ${batch.gasUsed} gas for ${CONTRIBUTORS} (${gasPerContributor} each)`);

  // 4. Reference: MerkleDistributor claims (packed leaf, sorted-pair tree) on the same chain.
  const refPayouts = fresh();
  const leaves = refPayouts.map((p, i) =>
    keccak_256(
      hexToBytes(solidityPacked(['uint256', 'address', 'uint256'], [i, p.address, p.amount]).slice(2)),
    ),
  );
  const { root, proofs } = sortedPairTree(leaves);
  const ref = await new ContractFactory(
    merkleDistributorReferenceAbi,
    merkleDistributorReferenceBytecode,
    deployer,
  ).deploy(c.openToken, root);
  const refAddress = await ref.getAddress();
  await transferOpen(deployer, { to: refAddress, amount: 10n ** 21n, token: c.openToken });
  const refContract = contract(refAddress, merkleDistributorReferenceAbi, relayer);
  let refGas = 0n;
  for (const [i, p] of refPayouts.entries()) {
    const r: TransactionReceipt = await send('reference claim', refContract, 'claim', [
      i,
      p.address,
      p.amount,
      proofs[i],
    ]);
    refGas += r.gasUsed;
  }
  const refPerClaim = Number(refGas) / CONTRIBUTORS;
  log(`MerkleDistributor reference: ${refPerClaim} gas per claim`);

  console.log(
    JSON.stringify({
      name: 'settle-gas',
      ours: {
        gas_per_contributor: Math.round(gasPerContributor),
        gas_per_inference: Math.round(gasPerInference),
        gas_per_claim: Math.round(gasPerClaim),
      },
      reference: {
        name: 'MerkleDistributor claim (Uniswap-style)',
        gas_per_contributor: Math.round(refPerClaim),
      },
      ratio: Number((gasPerContributor / refPerClaim).toFixed(3)),
      input: {
        inferences_per_redeem: INFERENCES,
        contributors: CONTRIBUTORS,
        token: 'OPEN-compatible ERC-20, fresh recipient addresses',
        gas: 'receipt gasUsed incl. 21000 base; anvil (cancun), solc 0.8.37 optimizer 10000 runs',
      },
      node: process.version,
    }),
  );
} finally {
  await chain.stop();
}

function sortedPairTree(leaves: Uint8Array[]): { root: string; proofs: string[][] } {
  const hex = (b: Uint8Array) => `0x${bytesToHex(b)}`;
  const pair = (a: Uint8Array, b: Uint8Array) => {
    const [x, y] = hex(a) < hex(b) ? [a, b] : [b, a];
    const buf = new Uint8Array(64);
    buf.set(x, 0);
    buf.set(y, 32);
    return keccak_256(buf);
  };
  const layers: Uint8Array[][] = [leaves];
  while (layers.at(-1)!.length > 1) {
    const prev = layers.at(-1)!;
    const next: Uint8Array[] = [];
    for (let i = 0; i < prev.length; i += 2)
      next.push(i + 1 < prev.length ? pair(prev[i]!, prev[i + 1]!) : prev[i]!);
    layers.push(next);
  }
  const proofs = leaves.map((_, idx) => {
    const proof: string[] = [];
    let i = idx;
    for (const layer of layers.slice(0, -1)) {
      const sib = i ^ 1;
      if (sib < layer.length) proof.push(hex(layer[sib]!));
      i >>= 1;
    }
    return proof;
  });
  return { root: hex(layers.at(-1)![0]!), proofs };
}
