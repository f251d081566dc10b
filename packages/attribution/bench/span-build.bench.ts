/** span-build: SA-IS span index build throughput and peak memory vs libdivsufsort (C) on ≥30 MB of npm-shipped text. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSpanIndex, createByteTokenizer } from '@openledger/attribution';
import { CORPUS_SOURCE, cacheDir, loadCorpus, root } from './corpus.js';

const RUNS = 2;

if (process.argv.includes('--child')) {
  // Measured in a fresh process so peak RSS reflects this build alone.
  const docs = loadCorpus();
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let sortMs = 0;
  let sortStart = 0;
  const index = await buildSpanIndex(docs, {
    tokenizer: createByteTokenizer(),
    onProgress: (p) => {
      if (p.phase === 'sort') sortStart = performance.now();
      if (p.phase === 'done') sortMs = performance.now() - sortStart;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  const n = index.shards.reduce((a, s) => a + s.tokenCount, 0);
  console.log(
    JSON.stringify({ n, seconds, cpuSeconds, sortSeconds: sortMs / 1000, peakDelta: peak - before }),
  );
  process.exit(0);
}

const docs = loadCorpus();
const enc = new TextEncoder();
const corpusBin = join(cacheDir, 'span-corpus.bin');
let bytes = 0;
{
  const parts = docs.map((d) => enc.encode(d.text));
  bytes = parts.reduce((a, p) => a + p.length, 0);
  if (!existsSync(corpusBin)) {
    // Same symbols as our index: each document's UTF-8 bytes followed by one separator byte.
    const all = new Uint8Array(bytes + parts.length);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length + 1;
    }
    writeFileSync(corpusBin, all);
  }
}
console.error(`span-build: ${docs.length} documents, ${(bytes / 1e6).toFixed(1)} MB (${CORPUS_SOURCE})`);

const driver = join(cacheDir, 'divsufsort-driver');
try {
  execFileSync(
    'cc',
    ['-O2', '-o', driver, join(import.meta.dirname, 'divsufsort-driver.c'), '-ldivsufsort'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
} catch (cause) {
  // The reference needs the C library: on Debian, `apt-get install -y libdivsufsort-dev`.
  throw new Error(
    'Could not build the libdivsufsort driver; install libdivsufsort-dev (Debian) and a C compiler.',
    {
      cause,
    },
  );
}

const ours: { n: number; seconds: number; cpuSeconds: number; sortSeconds: number; peakDelta: number }[] = [];
const ref: { n: number; seconds: number; cpu_seconds: number; max_rss_kb: number; rss_before_kb: number }[] =
  [];
for (let r = 0; r < RUNS; r++) {
  const child = spawnSync(
    process.execPath,
    ['--conditions=@openledger/source', '--expose-gc', '--import', 'tsx', import.meta.filename, '--child'],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`ours failed: ${child.stderr}`);
  ours.push(JSON.parse(child.stdout.trim().split('\n').pop()!));
  const o = ours.at(-1)!;
  console.error(
    `  ours run ${r + 1}: ${o.cpuSeconds.toFixed(2)} s CPU, ${o.seconds.toFixed(2)} s wall (sort ${o.sortSeconds.toFixed(2)} s)`,
  );
  const c = spawnSync(driver, [corpusBin], { encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`divsufsort driver failed: ${c.stderr}`);
  ref.push(JSON.parse(c.stdout.trim()));
  console.error(
    `  libdivsufsort run ${r + 1}: ${ref.at(-1)!.cpu_seconds.toFixed(2)} s CPU, ${ref.at(-1)!.seconds.toFixed(2)} s wall`,
  );
}
// Throughput is taken on CPU time (best of the runs): the benchmark machines are shared, and
// wall time there measures the neighbours as much as the code. Wall times are reported too.
const best = ours.reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a));
const bestRef = ref.reduce((a, b) => (b.cpu_seconds < a.cpu_seconds ? b : a));
const n = best.n;
const mbps = bytes / 1e6 / best.cpuSeconds;
const refMbps = bytes / 1e6 / bestRef.cpu_seconds;
const round = (x: number, d = 2) => Number(x.toFixed(d));
console.log(
  JSON.stringify({
    name: 'span-build',
    ours: {
      mb_per_s: round(mbps),
      peak_bytes_per_symbol: round(Math.max(...ours.map((o) => o.peakDelta)) / n),
      cpu_seconds: round(best.cpuSeconds, 3),
      wall_seconds: round(best.seconds, 3),
      symbols: n,
      algorithm: 'SA-IS (TypeScript, typed arrays), tokenize + sort + tables',
    },
    reference: {
      name: 'libdivsufsort',
      mb_per_s: round(refMbps),
      peak_bytes_per_symbol: round(((bestRef.max_rss_kb - bestRef.rss_before_kb) * 1024) / bestRef.n),
      cpu_seconds: round(bestRef.cpu_seconds, 3),
      wall_seconds: round(bestRef.seconds, 3),
      build: 'Debian libdivsufsort 2.0.1, cc -O2, suffix sort only',
    },
    ratio: round(mbps / refMbps, 3),
    input: { bytes, documents: docs.length, source: CORPUS_SOURCE },
    node: process.version,
  }),
);
