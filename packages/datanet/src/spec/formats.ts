/** Data kind of a datanet, fixed at creation. */
export type DatanetKind = 'text' | 'image' | 'audio';

/**
 * Every file format a datanet can accept, named by content rather than by extension.
 *
 * @example
 * import { DATANET_FORMATS } from '@openledger/datanet';
 * DATANET_FORMATS.includes('jsonl'); // true
 */
export const DATANET_FORMATS = [
  'txt',
  'md',
  'pdf',
  'docx',
  'jsonl',
  'csv',
  'png',
  'jpeg',
  'webp',
  'tiff',
  'bmp',
  'wav',
  'mp3',
  'flac',
] as const;

/** A file format a datanet can accept. */
export type DatanetFormat = (typeof DATANET_FORMATS)[number];

/**
 * The kind each format belongs to.
 *
 * @example
 * import { FORMAT_KIND } from '@openledger/datanet';
 * FORMAT_KIND.pdf; // 'text'
 */
export const FORMAT_KIND: Readonly<Record<DatanetFormat, DatanetKind>> = {
  txt: 'text',
  md: 'text',
  pdf: 'text',
  docx: 'text',
  jsonl: 'text',
  csv: 'text',
  png: 'image',
  jpeg: 'image',
  webp: 'image',
  tiff: 'image',
  bmp: 'image',
  wav: 'audio',
  mp3: 'audio',
  flac: 'audio',
};

/**
 * Formats OpenLedger accepts per kind by default; structured datanets default to JSONL + CSV.
 *
 * @example
 * import { DEFAULT_FORMATS } from '@openledger/datanet';
 * DEFAULT_FORMATS.audio; // ['wav', 'mp3', 'flac']
 */
export const DEFAULT_FORMATS: Readonly<Record<DatanetKind, readonly DatanetFormat[]>> = {
  text: ['txt', 'md', 'pdf', 'docx'],
  image: ['png', 'jpeg', 'webp', 'tiff', 'bmp'],
  audio: ['wav', 'mp3', 'flac'],
};

/**
 * File-name extensions that claim each format (lower case, without the dot).
 *
 * @example
 * import { FORMAT_EXTENSIONS } from '@openledger/datanet';
 * FORMAT_EXTENSIONS.jpeg; // ['jpg', 'jpeg']
 */
export const FORMAT_EXTENSIONS: Readonly<Record<DatanetFormat, readonly string[]>> = {
  txt: ['txt', 'text'],
  md: ['md', 'markdown'],
  pdf: ['pdf'],
  docx: ['docx'],
  jsonl: ['jsonl', 'ndjson'],
  csv: ['csv'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  webp: ['webp'],
  tiff: ['tif', 'tiff'],
  bmp: ['bmp'],
  wav: ['wav'],
  mp3: ['mp3'],
  flac: ['flac'],
};

/** Formats whose bytes are plain UTF-8 text, checked by the streaming core without a decoder. */
export const PLAIN_TEXT_FORMATS: readonly DatanetFormat[] = ['txt', 'md', 'jsonl', 'csv'];
