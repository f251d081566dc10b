import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createSseParser } from './sse.js';

describe('createSseParser', () => {
  test('parses events, ids, retry, multi-line data and comments', () => {
    const p = createSseParser();
    const out = p.push(
      ': hello\nid: 1\nevent: progress\ndata: {"a":\ndata: 1}\nretry: 250\n\ndata: x\r\n\r\nid: 3\r',
    );
    expect(out).toEqual([
      { event: 'progress', data: '{"a":\n1}', id: '1', retry: 250 },
      { event: 'message', data: 'x', id: '1', retry: undefined },
    ]);
    expect(p.push('\ndata: y\n\n')).toEqual([{ event: 'message', data: 'y', id: '3', retry: undefined }]);
  });

  test('any chunking of a stream yields the same events', () => {
    const ev = fc.record({
      event: fc.constantFrom('status', 'step', 'done'),
      id: fc.nat(1000).map(String),
      data: fc.array(
        fc.string().filter((s) => !/[\r\n]/.test(s)),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(ev, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, eol, cuts) => {
          const text = events
            .map((e) =>
              [`id: ${e.id}`, `event: ${e.event}`, ...e.data.map((d) => `data: ${d}`), '', ''].join(eol),
            )
            .join('');
          const whole = createSseParser().push(text);
          const p = createSseParser();
          const pieces: string[] = [];
          let last = 0;
          for (const c of [...cuts.map((c) => c % (text.length + 1))].sort((a, b) => a - b)) {
            pieces.push(text.slice(last, c));
            last = c;
          }
          pieces.push(text.slice(last));
          const chunked = pieces.flatMap((s) => p.push(s));
          expect(chunked).toEqual(whole);
          expect(whole.map((m) => m.data)).toEqual(events.map((e) => e.data.join('\n')));
        },
      ),
      { numRuns: 200 },
    );
  });
});
