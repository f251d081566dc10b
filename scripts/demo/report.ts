/** The demo's HTML report: leaderboard, attributed spans highlighted in outputs, payouts chart. */
import { writeFileSync } from 'node:fs';
import { formatOpen } from '@openledger/core';
import type { DatanetOutcome, Participant } from './datanets.js';
import { open } from './log.js';
import type { LoopOutcome } from './loop.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function highlight(output: string, spans: LoopOutcome['completions'][number]['spans']): string {
  const sorted = [...spans].sort((a, b) => a.charStart - b.charStart);
  let html = '';
  let at = 0;
  for (const s of sorted) {
    if (s.charStart < at) continue;
    html += esc(output.slice(at, s.charStart));
    const docs = [...new Set(s.occurrences.map((o) => o.documentId))].join(', ');
    html += `<mark title="${esc(`${s.count}× in the index; cited in ${docs}`)}">${esc(output.slice(s.charStart, s.charEnd))}</mark>`;
    at = s.charEnd;
  }
  return html + esc(output.slice(at));
}

export function writeReport(
  file: string,
  people: Participant[],
  datanets: DatanetOutcome,
  loop: LoopOutcome,
): void {
  const nameOf = (a: string) => people.find((p) => p.address.toLowerCase() === a.toLowerCase())?.name ?? a;
  let max = 1n;
  for (const p of loop.payouts) if (p.claimed > max) max = p.claimed;
  const barH = 28;
  const chart = `<svg width="640" height="${loop.payouts.length * barH + 10}" role="img" aria-label="Payouts">${loop.payouts
    .map((p, i) => {
      const w = Number((p.claimed * 420n) / max);
      return `<text x="0" y="${i * barH + 19}">${esc(p.name)}</text><rect x="100" y="${i * barH + 4}" width="${w}" height="20" fill="#3b82f6"/><text x="${106 + w}" y="${i * barH + 19}">${open(p.claimed)} OPEN</text>`;
    })
    .join('')}</svg>`;
  const rows = datanets.leaderboard.entries
    .map(
      (e) =>
        `<tr><td>${e.rank}</td><td>${esc(nameOf(e.contributor))}</td><td>${e.score.toFixed(3)}</td><td>${e.accepted}</td><td>${e.rejected}</td><td>${(e.acceptanceRate * 100).toFixed(0)}%</td><td>${e.activeDays}</td></tr>`,
    )
    .join('');
  const rejections = datanets.rejectedAtEntry
    .map((r) => `<li><b>${esc(r.who)}</b> ${esc(r.file)}: <code>${r.codes.map(esc).join(', ')}</code></li>`)
    .join('');
  const outputs = loop.completions
    .slice(0, 6)
    .map(
      (c) => `<section class="out"><h3>${esc(c.prompt)}</h3><p>${highlight(c.output, c.spans)}</p>
<p class="meta">${c.tokens} tokens · style ${c.style.toFixed(2)} · record ${esc(c.recordHash.slice(0, 18))}… · credited: ${c.record.contributions
        .filter((x) => x.share > 0)
        .map((x) => `${esc(nameOf(x.contributor))} ${(x.share * 100).toFixed(1)}% (${esc(x.datanetId)})`)
        .join(', ')}</p></section>`,
    )
    .join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenLedger demo report</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
mark{background:#fde68a;border-radius:3px}section.out{border-left:3px solid #3b82f6;padding-left:12px;margin:1em 0}
.meta{color:#555;font-size:13px}svg text{font:13px system-ui}</style></head><body>
<h1>OpenLedger demo</h1>
<p>${datanets.accepted.length} contributions accepted, ${datanets.rejectedAtEntry.length} rejected at entry, ${datanets.rejectedByOwner.length} rejected in review.
${loop.completions.length} paid inferences; ${formatOpen(loop.redeemed)} OPEN redeemed and paid out through reward epoch #${loop.epoch.epochId}.</p>
<h2>Leaderboard — ${esc(datanets.textDatanetId)}</h2>
<table><tr><th>#</th><th>contributor</th><th>score</th><th>accepted</th><th>rejected</th><th>acceptance</th><th>active days</th></tr>${rows}</table>
<h2>Rejected at entry</h2><ul>${rejections}</ul>
<h2>Attributed outputs</h2><p>Highlighted text occurs verbatim in accepted contributions (hover for the sources).</p>
${outputs}
<h2>Payouts</h2>${chart}
<p class="meta">Span index ${esc(loop.serving.indexHash)} · adapter ${esc(loop.serving.adapterId)} · epoch root ${esc(loop.epoch.root)}</p>
</body></html>`;
  writeFileSync(file, html);
}
