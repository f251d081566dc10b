import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { DatanetSpecSchema, defineDatanet } from './defineDatanet.js';

const owner = '0x0000000000000000000000000000000000000001';

describe('defineDatanet', () => {
  test("fills in OpenLedger's published defaults per kind", () => {
    const text = defineDatanet({ id: 'notes', name: 'Notes', kind: 'text', owner });
    expect(text.formats).toEqual(['txt', 'md', 'pdf', 'docx']);
    expect(text.limits).toEqual({
      maxFileBytes: 5_000_000,
      contributorBytesPerDay: 10_000_000,
      datanetBytesPerDay: 10_000_000,
      contributorFilesPerDay: 20,
      maxLineBytes: 1 << 20,
    });
    expect(text.review.mode).toBe('owner');
    expect(defineDatanet({ id: 'pics', name: 'P', kind: 'image', owner }).formats).toEqual([
      'png',
      'jpeg',
      'webp',
      'tiff',
      'bmp',
    ]);
    expect(defineDatanet({ id: 'voice', name: 'V', kind: 'audio', owner }).formats).toEqual([
      'wav',
      'mp3',
      'flac',
    ]);
    const rows = defineDatanet({
      id: 'rows',
      name: 'R',
      kind: 'text',
      owner,
      rows: { schema: { type: 'object' } },
    });
    expect(rows.formats).toEqual(['jsonl', 'csv']);
    expect(rows.rows).toMatchObject({ noDuplicateRows: true, maxErrorRate: 0, minRows: 1 });
  });

  test('keeps a zod row schema as is, and a parsed spec parses to itself', () => {
    const schema = z.object({ q: z.string() });
    const s = defineDatanet({ id: 'rows', name: 'R', kind: 'text', owner, rows: { schema } });
    expect(s.rows!.schema).toBe(schema);
    const json = defineDatanet({
      id: 'rows',
      name: 'R',
      kind: 'text',
      owner,
      rows: { schema: { type: 'object' } },
    });
    expect(DatanetSpecSchema.parse(JSON.parse(JSON.stringify(json)))).toEqual(json);
  });

  test('rejects formats of another kind, bad owners and structured formats without rows', () => {
    expect(() =>
      defineDatanet({ id: 'notes', name: 'N', kind: 'text', owner, formats: ['png'] }),
    ).toThrowError(/formats\.0.*image/);
    expect(() => defineDatanet({ id: 'notes', name: 'N', kind: 'text', owner: '0x12' })).toThrowError(
      expect.objectContaining({ name: 'ValidationError', code: 'VALIDATION_ERROR' }),
    );
    expect(() => defineDatanet({ id: 'notes', name: 'N', kind: 'text', owner, formats: ['jsonl'] })).toThrow(
      /rows/,
    );
    expect(() => defineDatanet({ id: 'Bad Id', name: 'N', kind: 'text', owner })).toThrow(/id/);
  });
});
