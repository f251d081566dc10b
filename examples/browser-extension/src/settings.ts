/**
 * The extension's settings (kept in `chrome.storage.local`) and the tokenizers it can query
 * an index with. Shared by the service worker and the options page.
 */
import { createByteTokenizer, type Tokenizer } from '@openledger/attribution';

export interface Settings {
  /** URL of a serialized span index, read by HTTP Range requests. */
  indexUrl: string;
  /** Id of the tokenizer to query with; must equal the id the index records. */
  tokenizer: string;
  /** Shortest highlighted span, in tokens (bytes for the byte tokenizer). */
  minSpanLength: number;
  /** Attribute every page of a granted origin when it loads, without a click. Off by default. */
  autoScan: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  indexUrl: '',
  tokenizer: 'bytes:utf-8',
  minSpanLength: 24,
  autoScan: false,
};

/** Tokenizers that need no files, by the id an index records. */
export const TOKENIZERS: Record<string, { label: string; create: () => Tokenizer }> = {
  'bytes:utf-8': { label: 'UTF-8 bytes (bytes:utf-8)', create: createByteTokenizer },
};

/** Read the settings, filling in defaults for anything unset or of the wrong type. */
export async function readSettings(): Promise<Settings> {
  const stored: Partial<Settings> = await chrome.storage.local.get<Partial<Settings>>(
    Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[],
  );
  const s = { ...DEFAULT_SETTINGS };
  if (typeof stored.indexUrl === 'string') s.indexUrl = stored.indexUrl;
  if (typeof stored.tokenizer === 'string') s.tokenizer = stored.tokenizer;
  if (Number.isInteger(stored.minSpanLength) && stored.minSpanLength! >= 2)
    s.minSpanLength = stored.minSpanLength!;
  if (typeof stored.autoScan === 'boolean') s.autoScan = stored.autoScan;
  return s;
}

/** The origin pattern a host permission needs to cover `url`, e.g. `https://cdn.example/*`. */
export function originPattern(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}/*`;
}
