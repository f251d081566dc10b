import { ValidationError } from '@openledger/core';
import { Signature, type Signer, type TransactionReceipt } from 'ethers';
import { gOpenAbi } from '../generated/GOpen.generated.js';
import { providerOf, toSeconds } from '../internal/chain.js';
import { contract, send } from '../internal/ethers.js';
import type { Hex } from '../types.js';

/** A delegation signed off-chain by the delegator (EIP-712 `Delegation`), submittable by anyone. */
export interface DelegationSignature {
  delegatee: Hex | string;
  nonce: bigint;
  /** Unix seconds after which the signature is void. */
  expiry: bigint;
  signature: Hex | string;
}

/** Parameters of {@link delegateVotes}: delegate directly, or submit someone's signed delegation. */
export type DelegateVotesParameters =
  | { gOpen: Hex | string; delegatee: Hex | string; bySignature?: undefined }
  | { gOpen: Hex | string; bySignature: DelegationSignature };
/** Return type of {@link delegateVotes}. */
export type DelegateVotesReturnType = TransactionReceipt;

/**
 * Delegate gOPEN votes (to yourself to make your own balance count). With `bySignature`, the
 * signer only relays a delegation the delegator signed with {@link signDelegation}.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { delegateVotes } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * await delegateVotes(signer, { gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', delegatee: await signer.getAddress() });
 */
export async function delegateVotes(
  signer: Signer,
  params: DelegateVotesParameters,
): Promise<DelegateVotesReturnType> {
  const token = contract(params.gOpen, gOpenAbi, signer);
  if (!params.bySignature) return send('delegateVotes', token, 'delegate', [params.delegatee]);
  const { delegatee, nonce, expiry, signature } = params.bySignature;
  const sig = Signature.from(signature);
  return send('delegateVotes', token, 'delegateBySig', [delegatee, nonce, expiry, sig.v, sig.r, sig.s]);
}

/** Parameters of {@link signDelegation}. */
export interface SignDelegationParameters {
  gOpen: Hex | string;
  delegatee: Hex | string;
  /** When the signature stops being valid (unix seconds or a Date). */
  expiry: number | bigint | Date;
}

/**
 * Sign a gOPEN vote delegation off-chain (ERC20Votes `delegateBySig`), for a relayer to submit
 * with {@link delegateVotes}.
 *
 * @example
 * import { Wallet, JsonRpcProvider } from 'ethers';
 * import { signDelegation } from '@openledger/token';
 * const signer = new Wallet(`0x${'01'.repeat(32)}`, new JsonRpcProvider('http://127.0.0.1:8545'));
 * const delegation = await signDelegation(signer, { gOpen: '0x5FbDB2315678afecb367f032d93F642f64180aa3', delegatee: await signer.getAddress(), expiry: new Date(Date.now() + 3_600_000) });
 */
export async function signDelegation(
  signer: Signer,
  params: SignDelegationParameters,
): Promise<DelegationSignature> {
  const expiry = toSeconds(params.expiry);
  if (expiry <= 0n) throw new ValidationError('signDelegation: expiry must be in the future.');
  const token = contract(params.gOpen, gOpenAbi, signer);
  const [nonce, { chainId }, [, name, version]] = await Promise.all([
    token.getFunction('nonces')(await signer.getAddress()) as Promise<bigint>,
    providerOf(signer).getNetwork(),
    token.getFunction('eip712Domain')() as Promise<[string, string, string]>,
  ]);
  const signature = await signer.signTypedData(
    { name, version, chainId, verifyingContract: await token.getAddress() },
    {
      Delegation: [
        { name: 'delegatee', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'expiry', type: 'uint256' },
      ],
    },
    { delegatee: params.delegatee, nonce, expiry },
  );
  return { delegatee: params.delegatee, nonce, expiry, signature };
}
