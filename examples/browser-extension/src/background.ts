/// <reference types="chrome" />
/**
 * The service worker. It opens the span index at the configured URL by HTTP Range requests
 * (only the header and small tables up front; suffix-array and token pages on demand), answers
 * the content script's attribution requests, and injects the content script into the active
 * tab when the user clicks the toolbar action.
 */
import { loadSpanIndex, type SpanIndex } from '@openledger/attribution';
import { attributeBlocks } from './attributeBlocks.js';
import {
  type AttributeRequest,
  type AttributeResponse,
  type DescribeIndexResponse,
  LIMITS,
  type Request,
} from './messages.js';
import { originPattern, readSettings, type Settings, TOKENIZERS } from './settings.js';

/** Bytes per range read of the index. */
const PAGE_SIZE = 16 * 1024;

let opened: { url: string; index: Promise<SpanIndex> } | undefined;

/** The index at `url`, opened once per URL (a failed open is forgotten so a retry re-reads it). */
function openIndex(url: string): Promise<SpanIndex> {
  if (opened?.url !== url) {
    // Each word start of the page is a binary search whose probes land on scattered pages, so
    // the number of reads (round trips) dominates; 16 KiB pages keep it lower than 4 KiB would.
    const index = loadSpanIndex({ url, pageSize: PAGE_SIZE, cacheBytes: 32 * 1024 * 1024 });
    index.catch(() => {
      if (opened?.index === index) opened = undefined;
    });
    opened = { url, index };
  }
  return opened.index;
}

/** The configured index and tokenizer, or a message saying what to fix. */
async function configured(): Promise<{ index: SpanIndex; settings: Settings } | { error: string }> {
  const settings = await readSettings();
  if (!settings.indexUrl) return { error: 'No span index is configured: set its URL on the options page.' };
  if (!TOKENIZERS[settings.tokenizer]) return { error: `Unknown tokenizer "${settings.tokenizer}".` };
  let index: SpanIndex;
  try {
    index = await openIndex(settings.indexUrl);
  } catch (e) {
    return { error: `Could not open the span index at ${settings.indexUrl}: ${message(e)}` };
  }
  // Token ids only mean something under the tokenizer that produced them: refuse rather than mis-match.
  if (index.tokenizerId !== settings.tokenizer) {
    return {
      error: `The span index was built with tokenizer "${index.tokenizerId}" but the extension is set to "${settings.tokenizer}". Choose the index's tokenizer on the options page.`,
    };
  }
  return { index, settings };
}

async function attribute(req: AttributeRequest): Promise<AttributeResponse> {
  if (!Array.isArray(req.blocks) || req.blocks.some((b) => typeof b !== 'string'))
    return { ok: false, error: 'Malformed request: blocks must be strings.' };
  const total = req.blocks.reduce((a, b) => a + b.length, 0);
  if (req.blocks.length > LIMITS.maxBlocks || total > LIMITS.maxChars)
    return {
      ok: false,
      error: `Too much text: ${req.blocks.length} blocks, ${total} characters (limits ${LIMITS.maxBlocks}, ${LIMITS.maxChars}).`,
    };
  const c = await configured();
  if ('error' in c) return { ok: false, error: c.error };
  try {
    const tokenizer = TOKENIZERS[c.settings.tokenizer]!.create();
    const result = await attributeBlocks(c.index, req.blocks, {
      tokenizer,
      minSpanLength: c.settings.minSpanLength,
    });
    return { ok: true, ...result, tokenizerId: c.index.tokenizerId, rangeRequests: c.index.io.requests };
  } catch (e) {
    return { ok: false, error: `Attribution failed: ${message(e)}` };
  }
}

async function describe(): Promise<DescribeIndexResponse> {
  const c = await configured();
  if ('error' in c) return { ok: false, error: c.error };
  const { index } = c;
  return {
    ok: true,
    tokenizerId: index.tokenizerId,
    documents: index.documents.ids.length,
    totalTokens: index.totalTokens,
    rangeRequests: index.io.requests,
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

chrome.runtime.onMessage.addListener((req: Request, sender, sendResponse) => {
  // Only this extension's own pages and content scripts talk to the worker.
  if (sender.id !== chrome.runtime.id) return false;
  if (req?.type === 'openledger:attribute') {
    void attribute(req).then(sendResponse);
    return true;
  }
  if (req?.type === 'openledger:describe-index') {
    void describe().then(sendResponse);
    return true;
  }
  return false;
});

/** Run the content script in a tab: it collects the text, asks for attribution and highlights. */
function attributeTab(tabId: number) {
  return chrome.scripting.executeScript({ target: { tabId }, files: ['content.js'] });
}

// The click is the user gesture that grants activeTab, so no host permission for pages is needed.
chrome.action.onClicked.addListener((tab) => {
  if (tab.id !== undefined) void attributeTab(tab.id);
});

/** Auto-scan (opt-in): run on every page of the origins the user granted, once loaded. */
chrome.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (info.status !== 'complete' || !tab.url?.startsWith('http')) return;
  void readSettings().then(async (s) => {
    if (!s.autoScan) return;
    if (await chrome.permissions.contains({ origins: [originPattern(tab.url!)] })) await attributeTab(tabId);
  });
});

chrome.storage.onChanged.addListener((changes) => {
  if (changes.indexUrl) opened = undefined;
});
