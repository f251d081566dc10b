import { describe, expect, test } from 'vitest';
import { healthRoutes } from '../routes/health.js';
import { useDevnet } from './useDevnet.js';

let clock = new Date('2031-05-06T07:08:09.000Z');
const devnet = useDevnet({ routes: [healthRoutes], contracts: false, now: () => clock });

describe('useDevnet', () => {
  test('gives every test of the file the same running devnet', async () => {
    const res = await fetch(`${devnet().url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', time: '2031-05-06T07:08:09.000Z' });
  });

  test('passes options through, including the injected clock', async () => {
    clock = new Date('2031-05-07T00:00:00.000Z');
    const body = (await (await fetch(`${devnet().url}/v1/health`)).json()) as { time: string };
    expect(body.time).toBe('2031-05-07T00:00:00.000Z');
    expect(devnet().accounts.length).toBe(10);
  });
});
