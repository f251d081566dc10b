import { describe, expect, test } from 'vitest';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from './validateContribution.js';

const owner = '0x0000000000000000000000000000000000000001';
const enc = new TextEncoder();
const GB = 1 << 30;

describe('hostile JSONL', () => {
  test('a file with one 1 GB line yields LINE_TOO_LONG in bounded memory', async () => {
    const spec = defineDatanet({
      id: 'big',
      name: 'Big',
      kind: 'text',
      owner,
      limits: { maxFileBytes: 2 * GB, contributorBytesPerDay: 2 * GB, datanetBytesPerDay: 2 * GB },
      rows: { schema: { type: 'object', required: ['text'] } },
    });
    const first = enc.encode('{"text":"a normal first row"}\n{"text":"');
    const last = enc.encode('"}\n{"text":"a normal last row"}\n');
    const block = new Uint8Array(1 << 20).fill(0x61); // 'a', enqueued 1024 times, never materialised as 1 GB
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === 0) c.enqueue(first);
        else if (sent <= 1024) c.enqueue(block);
        else if (sent === 1025) c.enqueue(last);
        else c.close();
        sent++;
      },
    });
    globalThis.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let calls = 0;
    const r = await validateContribution(spec, stream, {
      onProgress: () => {
        if (++calls % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    expect(r.bytes).toBe(first.length + GB + last.length);
    expect(r.rows).toBe(3);
    expect(r.issues.map((i) => [i.code, i.row, i.offset])).toEqual([
      ['LINE_TOO_LONG', 2, '{"text":"a normal first row"}\n'.length],
    ]);
    expect(r.issues[0]!.message).toContain(`${'{"text":"'.length + GB + '"}'.length} bytes`);
    expect(r.status).toBe('rejected');
    // Bounded: far below the 1 GB the line would take if it were buffered.
    expect(peak - rss0).toBeLessThan(256 * 1024 * 1024);
  }, 120_000);
});
