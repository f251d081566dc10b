import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { KeyedMutex, Mutex } from './mutex.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Mutex', () => {
  test('runs critical sections one at a time, in call order, even when some throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 1, maxLength: 30 }),
        async (jobs) => {
          const m = new Mutex();
          let inside = 0;
          let maxInside = 0;
          const order: number[] = [];
          const runs = jobs.map(([waits, fails], i) =>
            m.run(async () => {
              inside++;
              maxInside = Math.max(maxInside, inside);
              for (let k = 0; k < waits; k++) await tick();
              order.push(i);
              inside--;
              if (fails) throw new Error(`job ${i}`);
              return i;
            }),
          );
          const settled = await Promise.allSettled(runs);
          expect(maxInside).toBe(1);
          expect(order).toEqual(jobs.map((_, i) => i));
          expect(settled.map((s) => s.status)).toEqual(
            jobs.map(([, fails]) => (fails ? 'rejected' : 'fulfilled')),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a read-check-write counter under a keyed lock never loses an update', async () => {
    const locks = new KeyedMutex();
    const counters = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        locks.run(`k${i % 3}`, async () => {
          const v = counters.get(`k${i % 3}`) ?? 0;
          await tick();
          counters.set(`k${i % 3}`, v + 1);
        }),
      ),
    );
    expect([...counters.values()].reduce((a, b) => a + b)).toBe(200);
    expect(counters.get('k0')).toBe(67);
  });
});
