/**
 * Offset of the first byte that breaks strict UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) in `b[start..end)`, or -1 when valid. A sequence cut off by `end`
 * counts as invalid only when `final` is true; otherwise its start is returned as `-(start+2)`
 * so streaming callers can carry it over.
 */
export function findInvalidUtf8(b: Uint8Array, start = 0, end = b.length, final = true): number {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return final ? i : -(i + 2);
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
