/**
 * The page: validates a chosen file against the datanet's spec in the browser (nothing is
 * uploaded until it passes), shows the issues and what is left of today's quota, uploads it
 * with progress, and attributes pasted text against a span index fetched by HTTP range
 * requests. Configured by query parameters: `api`, `datanet`, `key` (the contributor's API key)
 * and `index` (URL of a serialized span index).
 */
import { attributeOutput, createByteTokenizer, loadSpanIndex, type SpanIndex } from '@openledger/attribution';
import { createClient } from '@openledger/core';
import {
  type Datanet,
  getDatanet,
  listContributions,
  type QuotaUsage,
  submitContribution,
  utcDay,
  validateContribution,
} from '@openledger/datanet';

const params = new URLSearchParams(location.search);
const client = createClient({
  baseUrl: params.get('api') ?? location.origin,
  apiKey: params.get('key') ?? undefined,
});
const datanetId = params.get('datanet') ?? '';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

let datanet: Datanet | undefined;
let chosen: File | undefined;

/** Today's usage on this datanet, from the contributions the server lists. */
async function todaysUsage(contributor: string | undefined): Promise<QuotaUsage> {
  const day = utcDay(new Date());
  const usage: QuotaUsage = { day, contributorBytes: 0, contributorFiles: 0, datanetBytes: 0 };
  let cursor: string | undefined;
  do {
    const page = await listContributions(client, { datanetId, limit: 200, ...(cursor ? { cursor } : {}) });
    for (const c of page.items) {
      if (c.status === 'rejected_at_entry' || !c.createdAt.startsWith(day)) continue;
      usage.datanetBytes += c.bytes;
      if (contributor && c.contributor.toLowerCase() === contributor.toLowerCase()) {
        usage.contributorBytes += c.bytes;
        usage.contributorFiles += 1;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return usage;
}

async function validate(file: File) {
  if (!datanet) return;
  $('status').textContent = '';
  const usage = await todaysUsage(params.get('contributor') ?? undefined);
  const report = await validateContribution(datanet.spec, file, { usage, now: new Date() });
  const q = report.quota;
  $('quota').textContent =
    `Today: ${mb(q.contributorBytes.remaining)} and ${q.contributorFiles.remaining} files left for you, ${mb(q.datanetBytes.remaining)} left on this datanet (resets ${new Date(q.resetsAt).toUTCString()}).`;
  $('report').innerHTML =
    `<p class="${report.status}">${file.name}: ${report.status === 'accepted' ? `passes entry (score ${report.score.toFixed(2)}, ${report.format}, ${mb(report.bytes)})` : 'would be rejected'}</p>` +
    `<ul>${report.issues.map((i) => `<li class="issue"><code>${esc(i.code)}</code> ${esc(i.message)}${i.row ? ` (row ${i.row})` : ''}</li>`).join('')}</ul>`;
  ($('upload') as HTMLButtonElement).disabled = report.status !== 'accepted';
}

async function upload() {
  if (!chosen) return;
  const bar = $('progress') as HTMLProgressElement;
  bar.hidden = false;
  const r = await submitContribution(client, {
    datanetId,
    file: chosen,
    ...(datanet ? { spec: datanet.spec } : {}),
    chunkSize: 64 * 1024,
    onProgress: (p) => {
      if (p.phase === 'uploading') bar.value = p.percent;
    },
  });
  $('status').innerHTML = r.submitted
    ? `Uploaded: contribution <code>${esc(r.contribution.id)}</code> is <b id="contribution-status">${r.contribution.status.replace(/_/g, ' ')}</b>.`
    : 'Not uploaded: the file did not pass validation.';
}

let index: Promise<SpanIndex> | undefined;
async function attribute() {
  const url = params.get('index');
  if (!url) return;
  index ??= loadSpanIndex({ url, pageSize: 16 * 1024 });
  const output = ($('text') as HTMLTextAreaElement).value;
  const result = await attributeOutput(
    await index,
    { output },
    {
      minSpanLength: 24,
      tokenizer: createByteTokenizer(),
    },
  );
  let html = '';
  let at = 0;
  for (const s of [...result.spans].sort((a, b) => a.charStart - b.charStart)) {
    if (s.charStart < at) continue;
    const who = [...new Set(s.occurrences.map((o) => o.contributor))].join(', ');
    html += `${esc(output.slice(at, s.charStart))}<mark title="${esc(who)}">${esc(s.text)}</mark>`;
    at = s.charEnd;
  }
  html += esc(output.slice(at));
  $('attribution').innerHTML = `<p>${html}</p><ul>${result.contributions
    .map(
      (c) =>
        `<li class="who">${esc(c.contributor)} — ${(c.share * 100).toFixed(1)}% (${esc(c.contributionId)})</li>`,
    )
    .join('')}</ul><p id="span-count">${result.spans.length} spans attributed</p>`;
}

$('file').addEventListener('change', (e) => {
  chosen = (e.target as HTMLInputElement).files?.[0];
  if (chosen) void validate(chosen).catch(show);
});
$('upload').addEventListener('click', () => void upload().catch(show));
$('attribute').addEventListener('click', () => void attribute().catch(show));

function show(e: unknown) {
  $('status').innerHTML = `<span class="rejected">${esc(e instanceof Error ? e.message : String(e))}</span>`;
}

getDatanet(client, { datanetId })
  .then((d) => {
    datanet = d;
    $('datanet').innerHTML =
      `<b>${esc(d.spec.name)}</b> — ${d.spec.kind}, accepts ${d.spec.formats.join(', ')}, up to ${mb(d.spec.limits.maxFileBytes)} per file.`;
    document.body.dataset.ready = 'true';
  })
  .catch(show);
