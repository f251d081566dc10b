import { keccak_256 } from '@noble/hashes/sha3';

/** EIP-55 mixed-case checksum of a 20-byte hex address. */
export function toChecksumAddress(address: string): `0x${string}` {
  const hex = address.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{40}$/.test(hex)) throw new TypeError(`Not an address: ${address}`);
  const hash = keccak_256(new TextEncoder().encode(hex));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = ((hash[i >> 1] ?? 0) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    const c = hex[i] as string;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  return out as `0x${string}`;
}
