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
  /** r‖s as 64 bytes (what libsecp256k1 takes). */
  compact: Uint8Array;
}

/**
 * Which secp256k1 implementation verifies vouchers and receipts: `'auto'` (default) uses
 * libsecp256k1 through the `secp256k1` package's prebuilt Node addon when it loads, else
 * `@noble/curves`; `'js'` always uses `@noble/curves`.
 */
export type Secp256k1Backend = 'auto' | 'js';

/** Parse r‖s‖v; `undefined` when malformed. High s is reported separately by the caller. */
export function parseSignature(signature: string): ParsedSignature | undefined {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined;
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  let v = Number.parseInt(signature.slice(130), 16);
  if (v >= 27) v -= 27;
  if (v !== 0 && v !== 1) return undefined;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return undefined;
  return { r, s, recovery: v, compact: hexToBytes(signature.slice(2, 130)) };
}

export function isHighS(s: bigint): boolean {
  return s > HALF_N;
}

/** Ethereum address (lowercase) of an uncompressed public key. */
export function addressOfPublicKey(uncompressed: Uint8Array): Hex {
  return `0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`;
}

/** The part of the `secp256k1` package's API used here (its `bindings` entry: the native addon only). */
interface NativeSecp256k1 {
  ecdsaVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed: boolean): Uint8Array;
}

let native: NativeSecp256k1 | null | undefined;

/**
 * libsecp256k1 through the `secp256k1` package's prebuilt addon (an optional dependency), loaded
 * on first use. Only in Node: found through `process.getBuiltinModule` (Node ≥ 20.16), so no
 * bundler sees a `node:` import and browsers keep the pure-JS path. `null` when unavailable
 * (browser, no prebuild for the platform, package not installed).
 */
function loadNative(): NativeSecp256k1 | null {
  if (native !== undefined) return native;
  native = null;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    if (typeof proc?.getBuiltinModule !== 'function') return native;
    const { createRequire } = proc.getBuiltinModule('node:module') as typeof import('node:module');
    const lib = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1;
    // Check it end to end once (a wrong or broken addon must not decide signatures).
    const key = secp256k1.utils.randomPrivateKey();
    const msg = keccak_256(key);
    const sig = secp256k1.sign(msg, key);
    const pub = secp256k1.getPublicKey(key, false);
    const recovered = lib.ecdsaRecover(sig.toCompactRawBytes(), sig.recovery, msg, false);
    if (lib.ecdsaVerify(sig.toCompactRawBytes(), msg, pub) && bytesToHex(recovered) === bytesToHex(pub)) {
      native = lib;
    }
  } catch {
    native = null;
  }
  return native;
}

/**
 * The secp256k1 implementation that {@link verifyVoucher} and receipt checks use here:
 * `'libsecp256k1'` (native addon, Node) or `'@noble/curves'` (pure JS, everywhere).
 *
 * @example
 * import { voucherCryptoBackend } from '@openledger/token';
 * console.log(voucherCryptoBackend()); // 'libsecp256k1' in Node on common platforms
 */
export function voucherCryptoBackend(backend: Secp256k1Backend = 'auto'): 'libsecp256k1' | '@noble/curves' {
  return backend === 'auto' && loadNative() ? 'libsecp256k1' : '@noble/curves';
}

/** Recover the signer's public key (uncompressed) from a digest and signature. */
export function recoverPublicKey(
  digest: Uint8Array,
  sig: ParsedSignature,
  backend: Secp256k1Backend = 'auto',
): Uint8Array | undefined {
  const lib = backend === 'auto' ? loadNative() : null;
  try {
    if (lib) return lib.ecdsaRecover(sig.compact, sig.recovery, digest, false);
    const point = new secp256k1.Signature(sig.r, sig.s).addRecoveryBit(sig.recovery).recoverPublicKey(digest);
    return point.toRawBytes(false);
  } catch {
    return undefined;
  }
}

// Per-payer state: the key bytes (for libsecp256k1) and a point with a precomputed window table
// (for the JS path, where verifying against a known key then costs two table-driven
// multiplications instead of a full public-key recovery per voucher).
interface PayerKey {
  bytes: Uint8Array;
  point?: Point;
}
const payerKeys = /* @__PURE__ */ new Map<string, PayerKey>();

function payerKey(publicKey: Hex): PayerKey {
  let k = payerKeys.get(publicKey);
  if (!k) {
    k = { bytes: hexToBytes(publicKey.slice(2)) };
    if (payerKeys.size >= 1024) payerKeys.clear();
    payerKeys.set(publicKey, k);
  }
  return k;
}

/** ECDSA verification of a 32-byte digest against a known (uncompressed, `0x04…`) public key. */
export function verifyDigest(
  digest: Uint8Array,
  sig: ParsedSignature,
  publicKey: Hex,
  backend: Secp256k1Backend = 'auto',
): boolean {
  let key: PayerKey;
  try {
    key = payerKey(publicKey);
  } catch {
    return false;
  }
  const lib = backend === 'auto' ? loadNative() : null;
  if (lib) {
    try {
      // libsecp256k1 accepts only low-s signatures; callers reject high s before this anyway.
      return lib.ecdsaVerify(sig.compact, digest, key.bytes);
    } catch {
      return false;
    }
  }
  let Q: Point;
  try {
    if (!key.point) {
      const p = secp256k1.ProjectivePoint.fromHex(key.bytes);
      p._setWindowSize(8);
      key.point = p;
    }
    Q = key.point;
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
