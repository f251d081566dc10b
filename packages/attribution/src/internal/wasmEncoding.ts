/**
 * The WebAssembly binary encoding pieces the runtime-assembled kernels share (the GEMM kernel in
 * linalg/simdKernel.ts and, through wasmCode.ts, the SA-IS sorter and the pre-tokeniser): LEB128 integers, names,
 * sections and the module header.
 */

/** Unsigned LEB128 of a non-negative 32-bit integer. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};

/** Signed LEB128 of a 32-bit integer. */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

/** A name (ASCII): its length, then its bytes. */
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** A section: id, byte length, body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A module: the magic "\0asm", version 1, then the sections in order. */
export const wasmModule = (sections: number[][]): Uint8Array<ArrayBuffer> =>
  Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
