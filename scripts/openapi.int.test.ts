import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevnet } from '@openledger/devnet';
import { expect, it } from 'vitest';
import { sortKeys } from './openapi-table.js';

const root = join(import.meta.dirname, '..');

// docs/openapi.json is committed; this catches an API change made without `npm run openapi`.
it('docs/openapi.json is the document a fresh devnet serves (run `npm run openapi` when this fails)', async () => {
  const devnet = await startDevnet({ contracts: false });
  let served: Record<string, unknown>;
  try {
    const res = await fetch(`${devnet.url}/openapi.json`);
    expect(res.status).toBe(200);
    served = (await res.json()) as Record<string, unknown>;
  } finally {
    await devnet.stop();
  }
  expect((served.servers as Array<{ url: string }>)[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  delete served.servers;
  const committed = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8')) as unknown;
  expect(sortKeys(served)).toEqual(committed);
});
