import { afterAll, beforeAll } from 'vitest';
import { type Devnet, type StartDevnetOptions, startDevnet } from '../startDevnet.js';

/**
 * Start a devnet for the tests of one file (vitest): started in `beforeAll`, stopped in
 * `afterAll` (also when tests fail). Returns a getter, valid inside tests and hooks.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { useDevnet } from '@openledger/devnet/testing';
 * const devnet = useDevnet();
 * test('the API answers', async () => {
 *   const res = await fetch(`${devnet().url}/v1/health`);
 *   expect(res.status).toBe(200);
 * });
 */
export function useDevnet(options: StartDevnetOptions = {}): () => Devnet {
  let devnet: Devnet | undefined;
  beforeAll(async () => {
    devnet = await startDevnet(options);
  }, 120_000);
  afterAll(async () => {
    await devnet?.stop();
    devnet = undefined;
  });
  return () => {
    if (!devnet) throw new Error('The devnet is not running: call the getter inside a test or hook.');
    return devnet;
  };
}
