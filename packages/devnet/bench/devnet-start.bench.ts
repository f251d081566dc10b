// Devnet start time (anvil + PGlite + API), in memory, fresh dataDir and restart, vs a bare PGlite initdb.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startDevnet } from '@openledger/devnet';

const RUNS = Number(process.env.RUNS ?? 5);
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// Warm-up: builds the cached PGlite template if this machine has none yet.
log('warm-up');
await (await startDevnet()).stop();

const memory: number[] = [];
const anvil: number[] = [];
const storage: number[] = [];
const health: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let devnet: Awaited<ReturnType<typeof startDevnet>> | undefined;
  memory.push(
    await timed(async () => {
      devnet = await startDevnet();
    }),
  );
  anvil.push(devnet!.timings.anvil);
  storage.push(devnet!.timings.storage);
  for (let j = 0; j < 50; j++) {
    health.push(
      await timed(async () => {
        const res = await fetch(`${devnet!.url}/v1/health`);
        await res.arrayBuffer();
      }),
    );
  }
  await devnet!.stop();
  log(`in-memory start ${i + 1}/${RUNS}: ${Math.round(memory[i]!)} ms`);
}

const fresh: number[] = [];
const restart: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = await mkdtemp(join(tmpdir(), 'ol-devnet-bench-'));
  try {
    let d: Awaited<ReturnType<typeof startDevnet>> | undefined;
    fresh.push(
      await timed(async () => {
        d = await startDevnet({ dataDir: dir });
      }),
    );
    await d!.stop();
    restart.push(
      await timed(async () => {
        d = await startDevnet({ dataDir: dir });
      }),
    );
    await d!.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  log(
    `dataDir start ${i + 1}/${RUNS}: fresh ${Math.round(fresh[i]!)} ms, restart ${Math.round(restart[i]!)} ms`,
  );
}

const initdb: number[] = [];
for (let i = 0; i < RUNS; i++) {
  initdb.push(
    await timed(async () => {
      const db = await PGlite.create();
      await db.close();
    }),
  );
  log(`bare PGlite initdb ${i + 1}/${RUNS}: ${Math.round(initdb[i]!)} ms`);
}

const ours = {
  p50_ms: round(median(memory)),
  anvil_p50_ms: round(median(anvil)),
  storage_p50_ms: round(median(storage)),
  fresh_data_dir_p50_ms: round(median(fresh)),
  restart_data_dir_p50_ms: round(median(restart)),
  health_request_p50_ms: round(median(health)),
};
const reference = { name: 'PGlite.create() with initdb, alone', p50_ms: round(median(initdb)) };
console.log(
  JSON.stringify({
    name: 'devnet-start',
    ours,
    reference,
    ratio: Math.round((ours.p50_ms / reference.p50_ms) * 1000) / 1000,
    input: { runs: RUNS, cpus: cpus().length, load_avg_1m: round(loadavg()[0] ?? 0) },
    node: process.version,
  }),
);
