/** span-query: findSpans latency for 450-token outputs on a ≥20M-token index, in memory and over HTTP Range reads. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSpanIndex,
  createByteTokenizer,
  findSpans,
  loadSpanIndex,
  serializeSpanIndex,
} from '@openledger/attribution';
import { serveFiles } from '../../../scripts/testing/browser.js';
import { CORPUS_SOURCE, cacheDir, loadCorpus } from './corpus.js';

const TARGET_TOKENS = 20_000_000;
const OUTPUT_TOKENS = 450;
const QUERIES = 100;
const RANGE_QUERIES = 30;

const tokenizer = createByteTokenizer();
const docs = loadCorpus();
// Documents up to the target size (the byte tokenizer: one token per UTF-8 byte).
const enc = new TextEncoder();
const picked: typeof docs = [];
let tokens = 0;
for (const d of docs) {
  if (tokens >= TARGET_TOKENS) break;
  picked.push(d);
  tokens += enc.encode(d.text).length;
}
// The cached file is rebuilt whenever this SDK would write different bytes (e.g. a new section).
const file = join(cacheDir, `span-query-${picked.length}-${await layoutTag()}.olspan`);
if (!existsSync(file)) {
  console.error(`span-query: building the index over ${picked.length} documents (${tokens} tokens)…`);
  writeFileSync(file, serializeSpanIndex(await buildSpanIndex(picked, { tokenizer })));
}
const bytes = readFileSync(file);
const index = await loadSpanIndex(bytes);
console.error(`span-query: index ${index.totalTokens} tokens, ${(bytes.length / 1e6).toFixed(0)} MB on disk`);

// Deterministic "model outputs": excerpts of indexed documents joined by new text.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const FILLER = [
  'the model then said that',
  'in other words, as we know,',
  'which leads to a new idea:',
  'and so',
];
/** A fingerprint of the bytes this SDK writes: those of a small fixed index. */
async function layoutTag(): Promise<string> {
  const probe = await buildSpanIndex(
    [{ id: 'probe', contributor: 'probe', text: 'Call me Ishmael. '.repeat(80) }],
    { tokenizer },
  );
  return createHash('sha256').update(serializeSpanIndex(probe)).digest('hex').slice(0, 8);
}

function makeOutput(): Uint8Array {
  let s = '';
  while (enc.encode(s).length < OUTPUT_TOKENS) {
    const d = picked[Math.floor(rand() * picked.length)]!.text;
    const at = Math.floor(rand() * Math.max(1, d.length - 200));
    s += `${d.slice(at, at + 60 + Math.floor(rand() * 120))} ${FILLER[Math.floor(rand() * FILLER.length)]} `;
  }
  return enc.encode(s).subarray(0, OUTPUT_TOKENS);
}
const outputs = Array.from({ length: QUERIES }, makeOutput);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

for (let i = 0; i < 5; i++) await findSpans(index, outputs[i]!, { tokenizer }); // warm-up
const times: number[] = [];
const cpuTimes: number[] = [];
let spans = 0;
for (const out of outputs) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  spans += (await findSpans(index, out, { tokenizer })).length;
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuTimes.push((c.user + c.system) / 1000);
}
console.error(
  `  in memory: p50 ${percentile(times, 0.5).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms, ${spans / QUERIES} spans/query`,
);

const server = await serveFiles({ '/index.olspan': { body: bytes } });
const remote = await loadSpanIndex({ url: `${server.url}index.olspan`, pageSize: 16 * 1024 });
const openRequests = remote.io.requests;
const rangeTimes: number[] = [];
const perQuery: number[] = [];
for (const out of outputs.slice(0, RANGE_QUERIES)) {
  const before = remote.io.requests;
  const t0 = performance.now();
  await findSpans(remote, out, { tokenizer });
  rangeTimes.push(performance.now() - t0);
  perQuery.push(remote.io.requests - before);
  console.error(
    `  range query ${perQuery.length}/${RANGE_QUERIES}: ${rangeTimes.at(-1)!.toFixed(0)} ms, ${perQuery.at(-1)} requests`,
  );
}
await server.close();
console.error(
  `  over HTTP ranges: p50 ${percentile(rangeTimes, 0.5).toFixed(1)} ms, first query ${perQuery[0]} requests, mean ${(perQuery.reduce((a, b) => a + b, 0) / perQuery.length).toFixed(0)}`,
);

const round = (x: number, d = 3) => Number(x.toFixed(d));
console.log(
  JSON.stringify({
    name: 'span-query',
    ours: {
      p50_ms: round(percentile(times, 0.5)),
      p99_ms: round(percentile(times, 0.99)),
      // CPU time of the query process: on a shared machine wall time also measures the neighbours.
      cpu_p50_ms: round(percentile(cpuTimes, 0.5)),
      cpu_p99_ms: round(percentile(cpuTimes, 0.99)),
      index_tokens: index.totalTokens,
      range_requests: remote.io.requests,
      range_requests_open: openRequests,
      range_requests_first_query: perQuery[0],
      range_requests_per_query_mean: round(perQuery.reduce((a, b) => a + b, 0) / perQuery.length, 1),
      range_bytes: remote.io.bytes,
      range_p50_ms: round(percentile(rangeTimes, 0.5)),
      range_p99_ms: round(percentile(rangeTimes, 0.99)),
      range_page_bytes: 16 * 1024,
      spans_per_query: round(spans / QUERIES, 2),
    },
    input: {
      tokenizer: 'bytes:utf-8',
      output_tokens: OUTPUT_TOKENS,
      queries: QUERIES,
      range_queries: RANGE_QUERIES,
      index_bytes: bytes.length,
      documents: picked.length,
      source: CORPUS_SOURCE,
    },
    node: process.version,
  }),
);
