/** Data kind of a datanet, fixed at creation. */
export type DatanetKind = 'text' | 'image' | 'audio';

/** Every file format a datanet can accept, named by content rather than by extension. */
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

/** The kind each format belongs to. */
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

/** Formats OpenLedger accepts per kind by default (DESIGN.md §5); structured datanets default to JSONL + CSV. */
export const DEFAULT_FORMATS: Readonly<Record<DatanetKind, readonly DatanetFormat[]>> = {
  text: ['txt', 'md', 'pdf', 'docx'],
  image: ['png', 'jpeg', 'webp', 'tiff', 'bmp'],
  audio: ['wav', 'mp3', 'flac'],
};

/** File-name extensions that claim each format (lower case, without the dot). */
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
