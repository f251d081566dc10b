import { type Devnet, type StartDevnetOptions, startDevnet } from '../startDevnet.js';

/**
 * Run `fn` against a fresh devnet and stop it afterwards, whatever `fn` does: for scripts
 * and test runners other than vitest.
 *
 * @example
 * import { withDevnet } from '@openledger/devnet/testing';
 * const status = await withDevnet({}, async (devnet) => (await fetch(`${devnet.url}/v1/health`)).status);
 */
export async function withDevnet<T>(
  options: StartDevnetOptions,
  fn: (devnet: Devnet) => Promise<T>,
): Promise<T> {
  const devnet = await startDevnet(options);
  try {
    return await fn(devnet);
  } finally {
    await devnet.stop();
  }
}
