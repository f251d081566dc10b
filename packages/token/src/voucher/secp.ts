import { invert, mod } from '@noble/curves/abstract/modular';
import { secp256k1 } from '@noble/curves/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import type { Hex } from '../types.js';

type Point = InstanceType<typeof secp256k1.ProjectivePoint>;

const N = secp256k1.CURVE.n;
const HALF_N = N >> 1n;

/** Parsed 65-byte r‖s‖v signature. */
export interface ParsedSignature {
  r: bigint;
  s: bigint;
  recovery: number;
}

/** Parse r‖s‖v; `undefined` when malformed. High s is reported separately by the caller. */
export function parseSignature(signature: string): ParsedSignature | undefined {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  let v = Number.parseInt(signature.slice(130), 16);
  if (v >= 27) v -= 27;
  if (v !== 0 && v !== 1) return undefined;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return undefined;
  return { r, s, recovery: v };
}

export function isHighS(s: bigint): boolean {
  return s > HALF_N;
}

/** Ethereum address (lowercase) of an uncompressed public key. */
export function addressOfPublicKey(uncompressed: Uint8Array): Hex {
  return `0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`;
}

/** Recover the signer's public key (uncompressed) from a digest and signature. */
export function recoverPublicKey(digest: Uint8Array, sig: ParsedSignature): Uint8Array | undefined {
  try {
    const point = new secp256k1.Signature(sig.r, sig.s).addRecoveryBit(sig.recovery).recoverPublicKey(digest);
    return point.toRawBytes(false);
  } catch {
    return undefined;
  }
}

// Per-payer points with a precomputed window table: verifying against a known key then costs
// two table-driven multiplications instead of a full public-key recovery per voucher.
const points = /* @__PURE__ */ new Map<string, Point>();

function payerPoint(publicKey: Hex): Point {
  let p = points.get(publicKey);
  if (!p) {
    p = secp256k1.ProjectivePoint.fromHex(hexToBytes(publicKey.slice(2)));
    p._setWindowSize(8);
    if (points.size >= 1024) points.clear();
    points.set(publicKey, p);
  }
  return p;
}

/** ECDSA verification of a 32-byte digest against a known public key. */
export function verifyDigest(digest: Uint8Array, sig: ParsedSignature, publicKey: Hex): boolean {
  let Q: Point;
  try {
    Q = payerPoint(publicKey);
  } catch {
    return false;
  }
  const e = mod(BigInt(`0x${bytesToHex(digest)}`), N);
  const w = invert(sig.s, N);
  const u1 = mod(e * w, N);
  const u2 = mod(sig.r * w, N);
  const R = secp256k1.ProjectivePoint.BASE.multiplyUnsafe(u1).add(Q.multiplyUnsafe(u2));
  if (R.equals(secp256k1.ProjectivePoint.ZERO)) return false;
  return mod(R.toAffine().x, N) === sig.r;
}

/** EIP-55 mixed-case checksum form of an address. */
export function toChecksumAddress(address: string): Hex {
  const lower = address.toLowerCase().replace(/^0x/, '');
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++)
    out += Number.parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  return out as Hex;
}
