import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isDevnetError } from '../errors.js';
import { isRunning, waitGone } from '../fixtures/processes.js';
import { resolveAnvilBinary } from './resolveAnvilBinary.js';
import { startAnvil } from './startAnvil.js';

let dir: string;
const saved = process.env.ANVIL_BINARY;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ol-anvil-test-'));
});
afterEach(() => {
  if (saved === undefined) delete process.env.ANVIL_BINARY;
  else process.env.ANVIL_BINARY = saved;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A fake anvil: a shell script that records its pid, then does what `body` says. */
async function fakeAnvil(name: string, body: string) {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\necho $$ > "${file}.pid"\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('startAnvil', () => {
  test('resolves the binary shipped by @foundry-rs/anvil', () => {
    expect(resolveAnvilBinary()).toMatch(/@foundry-rs\/anvil-[a-z0-9]+-[a-z0-9]+\/bin\/anvil(\.exe)?$/);
  });

  test('ANVIL_BINARY pointing nowhere is ANVIL_NOT_FOUND', async () => {
    process.env.ANVIL_BINARY = join(dir, 'missing');
    const err = await startAnvil().catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('ANVIL_NOT_FOUND');
  });

  test('an anvil that exits during start is ANVIL_START_FAILED with its output', async () => {
    process.env.ANVIL_BINARY = await fakeAnvil('dies', 'echo "Error: address already in use" >&2\nexit 3');
    const err = await startAnvil().catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('ANVIL_START_FAILED');
    expect((err as Error).message).toContain('address already in use');
  });

  test('an anvil that never answers is ANVIL_TIMEOUT, and it is killed', async () => {
    const file = await fakeAnvil('hangs', 'exec sleep 60');
    process.env.ANVIL_BINARY = file;
    const err = await startAnvil({ timeout: 1_000 }).catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('ANVIL_TIMEOUT');
    const pid = Number((await import('node:fs')).readFileSync(`${file}.pid`, 'utf8'));
    expect(await waitGone(pid)).toBe(true);
  });

  test('an aborted start stops anvil and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = startAnvil({ signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  test('stop() is idempotent and the process is gone afterwards', async () => {
    const anvil = await startAnvil({ accounts: 1 });
    expect(isRunning(anvil.pid)).toBe(true);
    await Promise.all([anvil.stop(), anvil.stop()]);
    await anvil.stop();
    expect(isRunning(anvil.pid)).toBe(false);
  });
});
