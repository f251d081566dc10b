/**
 * `npm run openapi`: start a devnet, fetch its `/openapi.json` and write `docs/openapi.json`
 * (keys sorted, the run-specific `servers` entry dropped, so the file only changes when the
 * API does), then regenerate the route table in `docs/api-contract.md` from it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevnet } from '@openledger/devnet';
import { ROUTES_BEGIN, ROUTES_END, renderRouteTable, sortKeys } from './openapi-table.js';

const root = join(import.meta.dirname, '..');

async function main(): Promise<void> {
  // No contracts: the API document does not depend on them, and deploying costs seconds.
  const devnet = await startDevnet({ contracts: false });
  let doc: Record<string, unknown>;
  try {
    const res = await fetch(`${devnet.url}/openapi.json`);
    if (!res.ok) throw new Error(`GET /openapi.json: HTTP ${res.status}`);
    doc = (await res.json()) as Record<string, unknown>;
  } finally {
    await devnet.stop();
  }
  // The server URL names this run's random port.
  delete doc.servers;
  writeFileSync(join(root, 'docs/openapi.json'), `${JSON.stringify(sortKeys(doc), null, 2)}\n`);
  // Biome's JSON layout (what `npm run lint` expects); it keeps the key order.
  execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', 'docs/openapi.json'], {
    cwd: root,
    stdio: 'ignore',
  });

  const mdPath = join(root, 'docs/api-contract.md');
  const md = readFileSync(mdPath, 'utf8');
  const start = md.indexOf(ROUTES_BEGIN);
  const end = md.indexOf(ROUTES_END);
  if (start < 0 || end < start)
    throw new Error(`${mdPath} lacks the ${ROUTES_BEGIN} … ${ROUTES_END} markers`);
  const table = renderRouteTable(doc);
  writeFileSync(mdPath, `${md.slice(0, start + ROUTES_BEGIN.length)}\n${table}${md.slice(end)}`);
  const count = table.split('\n').length - 3;
  console.log(`wrote docs/openapi.json and the route table (${count} operations)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
