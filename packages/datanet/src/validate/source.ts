import { ValidationError } from '@openledger/core';
import type { ContributionInput } from './types.js';

/** A pull-based byte source over any supported input, with size and name when known. */
export interface ByteSource {
  size: number | null;
  name: string | null;
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

const READ_CHUNK = 1 << 20;

type NodeFs = {
  promises: {
    open(
      path: string,
      flags: string,
    ): Promise<{
      stat(): Promise<{ size: number; isFile(): boolean }>;
      read(buf: Uint8Array, off: number, len: number, pos: number | null): Promise<{ bytesRead: number }>;
      close(): Promise<void>;
    }>;
  };
};

function nodeFs(): NodeFs | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined) ?? null;
}

function fromIterator(it: AsyncIterator<Uint8Array>, size: number | null, name: string | null): ByteSource {
  return {
    size,
    name,
    async next() {
      for (;;) {
        const r = await it.next();
        if (r.done) return null;
        const v = r.value as unknown;
        if (v instanceof Uint8Array) {
          if (v.length) return v;
        } else if (typeof v === 'string') {
          // Node Readables in string mode: re-encode rather than guess.
          if (v.length) return new TextEncoder().encode(v);
        } else {
          throw new ValidationError('Contribution stream yielded a chunk that is not bytes.', {
            docsPath: '/datanet/validation',
          });
        }
      }
    },
    async close() {
      await it.return?.();
    },
  };
}

/** Open any supported input as a {@link ByteSource}. Paths are read with Node's fs only when given. */
export async function openSource(input: ContributionInput, nameHint?: string): Promise<ByteSource> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    let done = false;
    return {
      size: bytes.length,
      name: nameHint ?? null,
      async next() {
        if (done || bytes.length === 0) return null;
        done = true;
        return bytes;
      },
      async close() {},
    };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const name = nameHint ?? ((input as { name?: unknown }).name as string | undefined) ?? null;
    const reader = input.stream().getReader();
    return {
      ...fromReader(reader),
      size: input.size,
      name: typeof name === 'string' ? name : null,
    };
  }
  if (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream) {
    return { ...fromReader(input.getReader()), size: null, name: nameHint ?? null };
  }
  if (typeof input === 'string') {
    const fs = nodeFs();
    if (!fs)
      throw new ValidationError('File paths can only be validated in Node; pass a File, Blob or stream.', {
        docsPath: '/datanet/validation',
      });
    const fh = await fs.promises.open(input, 'r');
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new ValidationError(`Not a regular file: ${input}`, { docsPath: '/datanet/validation' });
    }
    let closed = false;
    return {
      size: st.size,
      name: nameHint ?? input.split(/[\\/]/).pop() ?? null,
      async next() {
        if (closed) return null;
        const buf = new Uint8Array(READ_CHUNK);
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) return null;
        return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      },
      async close() {
        if (!closed) {
          closed = true;
          await fh.close();
        }
      },
    };
  }
  if (input && typeof (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const it = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const path = (input as { path?: unknown }).path;
    const name = nameHint ?? (typeof path === 'string' ? (path.split(/[\\/]/).pop() ?? null) : null);
    return fromIterator(it, null, name);
  }
  throw new ValidationError(
    'Unsupported contribution input: pass a File, Blob, ReadableStream, Uint8Array, async iterable of bytes, or (Node) a path.',
    { docsPath: '/datanet/validation' },
  );
}

function fromReader(reader: ReadableStreamDefaultReader<Uint8Array>): Omit<ByteSource, 'size' | 'name'> {
  let done = false;
  return {
    async next() {
      while (!done) {
        const r = await reader.read();
        if (r.done) {
          done = true;
          return null;
        }
        if (!(r.value instanceof Uint8Array))
          throw new ValidationError('Contribution stream yielded a chunk that is not bytes.', {
            docsPath: '/datanet/validation',
          });
        if (r.value.length) return r.value;
      }
      return null;
    },
    async close() {
      if (!done) {
        done = true;
        await reader.cancel().catch(() => {});
      }
      reader.releaseLock();
    },
  };
}
