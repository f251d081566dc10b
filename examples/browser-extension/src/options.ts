/// <reference types="chrome" />
/**
 * The options page: the index URL, the tokenizer, the shortest span and auto-scan. Saving asks
 * for access to the index's origin when the manifest does not already grant it (the click is the
 * user gesture the permission prompt needs), then has the worker open the index and describe it.
 */
import type { DescribeIndexRequest, DescribeIndexResponse } from './messages.js';
import { DEFAULT_SETTINGS, originPattern, readSettings, type Settings, TOKENIZERS } from './settings.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const url = $<HTMLInputElement>('indexUrl');
const tokenizer = $<HTMLSelectElement>('tokenizer');
const minSpan = $<HTMLInputElement>('minSpanLength');
const auto = $<HTMLInputElement>('autoScan');
const status = $('status');

function say(text: string, kind: 'ok' | 'error' | '' = '') {
  status.textContent = text;
  status.className = kind;
}

for (const [id, t] of Object.entries(TOKENIZERS)) tokenizer.add(new Option(t.label, id));

void readSettings().then((s) => {
  url.value = s.indexUrl;
  tokenizer.value = s.tokenizer;
  minSpan.value = String(s.minSpanLength);
  auto.checked = s.autoScan;
  document.body.dataset.ready = 'true';
});

$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  void save().catch((err: unknown) => say(err instanceof Error ? err.message : String(err), 'error'));
});

async function save() {
  let parsed: URL;
  try {
    parsed = new URL(url.value);
  } catch {
    return say('The index URL is not a valid URL.', 'error');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return say('The index URL must be http(s).', 'error');
  const origins = [originPattern(parsed.href)];
  if (auto.checked) origins.push('http://*/*', 'https://*/*');
  // Request only what is not granted yet; a request for held permissions still needs a gesture.
  if (!(await chrome.permissions.contains({ origins })) && !(await chrome.permissions.request({ origins }))) {
    return say(`Access to ${origins.join(', ')} was not granted; the index cannot be read.`, 'error');
  }
  const settings: Settings = {
    indexUrl: parsed.href,
    tokenizer: tokenizer.value,
    minSpanLength: Math.max(2, Math.floor(Number(minSpan.value) || DEFAULT_SETTINGS.minSpanLength)),
    autoScan: auto.checked,
  };
  await chrome.storage.local.set(settings);
  say('Saved. Opening the index…');
  const req: DescribeIndexRequest = { type: 'openledger:describe-index' };
  const res = (await chrome.runtime.sendMessage(req)) as DescribeIndexResponse;
  if (!res.ok) return say(`Saved, but: ${res.error}`, 'error');
  say(
    `Saved. The index holds ${res.documents} documents, ${res.totalTokens} tokens, tokenizer ${res.tokenizerId} (${res.rangeRequests} range requests so far).`,
    'ok',
  );
}
