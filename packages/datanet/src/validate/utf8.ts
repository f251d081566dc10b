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

/**
 * The last three bytes of `tail` followed by `chunk`: what a streaming scanner keeps so it can
 * find the start of a character cut by a chunk boundary, however small the chunks are.
 */
function rollUtf8Tail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= 3) return chunk.slice(chunk.length - 3);
  const out = new Uint8Array(Math.min(3, tail.length + chunk.length));
  const fromTail = out.length - chunk.length;
  out.set(tail.subarray(tail.length - fromTail));
  out.set(chunk, fromTail);
  return out;
}

/**
 * Where, in `tail` (the last bytes a strict decoder accepted), an unfinished character starts;
 * `tail.length` when the accepted bytes end on a character boundary.
 */
function openCharStart(tail: Uint8Array): number {
  for (let k = tail.length - 1; k >= 0; k--) {
    const c = tail[k]!;
    if ((c & 0xc0) !== 0x80) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return k + need > tail.length ? k : tail.length;
    }
  }
  return tail.length;
}

/**
 * Offset, counted from the start of `tail`, of the first byte that breaks strict UTF-8 once
 * `chunk` follows the accepted bytes that end in `tail` (see {@link rollUtf8Tail}). Call it after
 * a fatal streaming `TextDecoder` has thrown on `chunk`.
 */
function locateInvalidUtf8(tail: Uint8Array, chunk: Uint8Array): number {
  const joined = new Uint8Array(tail.length + chunk.length);
  joined.set(tail);
  joined.set(chunk, tail.length);
  const start = openCharStart(tail);
  const at = findInvalidUtf8(joined, start, joined.length, false);
  return at >= 0 ? at : at < -1 ? -at - 2 : start;
}

/**
 * A strict streaming UTF-8 decoder that knows where it failed: `push` and `end` return the text
 * decoded so far, or the byte offset (in the whole stream) where the first invalid or unfinished
 * character starts, however the stream was cut into chunks.
 */
export class StrictUtf8Stream {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private tail: Uint8Array = new Uint8Array(0);
  /** Bytes accepted so far. */
  bytes = 0;

  /** Last byte accepted, or -1 before any. */
  get lastByte(): number {
    return this.tail.length > 0 ? this.tail[this.tail.length - 1]! : -1;
  }

  /** The text of `chunk`, or the offset of the first invalid byte (then stop pushing). */
  push(chunk: Uint8Array): string | number {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return this.bytes - this.tail.length + locateInvalidUtf8(this.tail, chunk);
    }
    this.tail = rollUtf8Tail(this.tail, chunk);
    this.bytes += chunk.length;
    return text;
  }

  /** The rest of the text, or the offset where an unfinished last character starts. */
  end(): string | number {
    try {
      return this.decoder.decode();
    } catch {
      return this.bytes - this.tail.length + openCharStart(this.tail);
    }
  }
}
