/// <reference types="chrome" />
/**
 * The content script, injected into a tab when the user clicks the toolbar action (or on page
 * load when auto-scan is on): sends the page's visible text blocks to the service worker,
 * highlights the attributed spans and explains them. Running it again redoes the page.
 */
import type { AttributeRequest, AttributeResponse, BlockSpan } from '../messages.js';
import { LIMITS } from '../messages.js';
import { collectBlocks, type TextBlock } from './blocks.js';
import { clearHighlights, type Piece, pieces, wrapPieces } from './highlight.js';
import { attachPopover, ensureStyle, removeUi, showSummary } from './panel.js';

const root = document.documentElement;

async function run(): Promise<void> {
  // A second click while a run is in flight would interleave two rewrites of the same text.
  if (root.dataset.openledger === 'running') return;
  root.dataset.openledger = 'running';
  removeUi();
  clearHighlights(document.body);
  ensureStyle();

  let blocks = collectBlocks(document.body);
  // Stay within what the worker accepts: the first blocks of a huge page, not an error.
  let chars = 0;
  const within = blocks.findIndex((b) => {
    chars += b.text.length;
    return chars > LIMITS.maxChars;
  });
  blocks = blocks.slice(0, Math.min(within < 0 ? blocks.length : within, LIMITS.maxBlocks));
  const req: AttributeRequest = { type: 'openledger:attribute', blocks: blocks.map((b) => b.text) };
  const res = (await chrome.runtime.sendMessage(req)) as AttributeResponse | undefined;
  if (!res?.ok) {
    showSummary({ error: res?.error ?? 'The extension did not answer.' });
    root.dataset.openledger = 'error';
    return;
  }
  const spans: BlockSpan[] = [];
  const all: Piece[] = [];
  res.blocks.forEach((found, b) => {
    for (const s of clipOverlaps(found, blocks[b]!)) {
      all.push(...pieces(blocks[b]!, s.start, s.end, spans.length));
      spans.push(s);
    }
  });
  const marks = wrapPieces(all);
  attachPopover(marks, spans, res.contributions);
  showSummary({ spans: spans.length, contributions: res.contributions });
  root.dataset.openledger = 'done';
}

/** Spans may overlap; highlight each character once (a clipped span still quotes the index). */
function clipOverlaps(found: BlockSpan[], block: TextBlock): BlockSpan[] {
  const out: BlockSpan[] = [];
  let at = 0;
  for (const s of [...found].sort((a, b) => a.start - b.start)) {
    const start = Math.max(s.start, at);
    const end = Math.min(s.end, block.text.length);
    if (end <= start) continue;
    out.push({ ...s, start, end });
    at = end;
  }
  return out;
}

run().catch((e: unknown) => {
  showSummary({ error: e instanceof Error ? e.message : String(e) });
  root.dataset.openledger = 'error';
});
