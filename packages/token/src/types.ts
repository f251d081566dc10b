/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** An EIP-712-signed promise by the payer that the payee may collect `cumulativeAmount` in total. */
export interface Voucher {
  channelId: Hex;
  /** Total owed over the channel's life (not the increment), in wei. */
  cumulativeAmount: bigint;
  /** EIP-712 domain: the chain and the PaymentChannel contract the voucher is valid on. */
  chainId: number;
  verifyingContract: Hex;
  /** 65-byte r‖s‖v signature. */
  signature: Hex;
}

/**
 * What the payee keeps about a channel to verify vouchers with no RPC per request. Read it
 * once (e.g. with `readChannel`) and update `accepted` (and the cached key) as vouchers pass.
 */
export interface ChannelState {
  channelId: Hex;
  chainId: number;
  verifyingContract: Hex;
  payer: Hex;
  payee: Hex;
  /** ERC-20 address, or the zero address for native OPEN. */
  token: Hex;
  /** Total deposited, in wei. */
  deposit: bigint;
  /** Unix seconds after which vouchers are no longer accepted off-chain. */
  expiry: number;
  /** Highest cumulative amount already accepted (0n for a fresh channel). */
  accepted: bigint;
  /** The payer's uncompressed secp256k1 public key (65 bytes), cached after the first voucher. */
  payerPublicKey?: Hex | undefined;
}
