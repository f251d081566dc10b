/**
 * `npm run demo`: the whole OpenLedger loop on this machine, against a local devnet
 * (anvil + the reference API on loopback, embedded storage in a temp dir unless
 * `--data-dir` is given). Exits non-zero if any step fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatOpen } from '@openledger/core';
import { startDevnet } from '@openledger/devnet';
import { participants, runDatanets } from './datanets.js';
import { bold, info, red, step, totalElapsed } from './log.js';
import { runLoop } from './loop.js';
import { writeReport } from './report.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, out: { type: 'string' } },
});

const tempDir = values['data-dir'] ? undefined : mkdtempSync(join(tmpdir(), 'openledger-demo-'));
const dataDir = values['data-dir'] ?? join(tempDir!, 'devnet');

async function main(): Promise<void> {
  console.log(bold('OpenLedger demo — data that earns its place'));
  info(`starting the devnet (anvil + API, data in ${dataDir}) …`);
  // The API's clock, which the demo moves forward to reach the next leaderboard refresh.
  let offset = 0;
  const clock = {
    advance: (ms: number) => {
      offset += ms;
    },
  };
  const devnet = await startDevnet({ dataDir, now: () => new Date(Date.now() + offset) });
  try {
    info(`API ${devnet.url}   chain ${devnet.rpcUrl} (id ${devnet.chain.id})`);
    const people = participants(devnet);

    step(1, 'Datanets: strict at entry');
    const datanets = await runDatanets(people, clock);

    const loop = await runLoop(devnet, people, datanets, { workDir: tempDir ?? dataDir, requests: 12 });

    console.log(`\n${bold('Summary')} ${totalElapsed()}`);
    const report = resolve(values.out ?? 'demo-report.html');
    writeReport(report, people, datanets, loop);
    info(
      `${datanets.accepted.length} contributions accepted, ${datanets.rejectedAtEntry.length} rejected at entry, ${datanets.rejectedByOwner.length} rejected in review`,
    );
    info(
      `${loop.completions.length} paid inferences, ${formatOpen(loop.redeemed)} OPEN redeemed and claimed by ${loop.payouts.length} payees — balances add up to the wei`,
    );
    info(`report: ${report}`);
  } finally {
    await devnet.stop();
  }
}

main()
  .catch((e: unknown) => {
    console.error(`\n${red('demo failed:')}`, e);
    process.exitCode = 1;
  })
  .finally(() => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });
