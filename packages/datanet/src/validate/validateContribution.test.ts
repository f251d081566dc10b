import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { chunkedStream, instructionRecords, mobyDickChapter } from '../fixtures/corpus.js';
import { defineDatanet } from '../spec/defineDatanet.js';
import { findInvalidUtf8 } from './utf8.js';
import { validateContribution } from './validateContribution.js';

const owner = '0x0000000000000000000000000000000000000001';
const enc = new TextEncoder();
const textSpec = defineDatanet({ id: 'moby', name: 'Moby', kind: 'text', owner });
const rowJsonSchema = {
  type: 'object',
  required: ['instruction', 'input', 'output'],
  properties: {
    instruction: { type: 'string', minLength: 5 },
    input: { type: 'string' },
    output: { type: 'string', minLength: 1, maxLength: 4000 },
    language: { type: 'string' },
  },
  additionalProperties: false,
};
const rowZod = z
  .object({
    instruction: z.string().min(5),
    input: z.string(),
    output: z.string().min(1).max(4000),
    language: z.string().optional(),
  })
  .strict();
const jsonlSpec = defineDatanet({
  id: 'instruct',
  name: 'Instructions',
  kind: 'text',
  owner,
  limits: { maxFileBytes: 50_000_000, contributorBytesPerDay: 100_000_000, datanetBytesPerDay: 100_000_000 },
  rows: { schema: rowJsonSchema, languageField: 'language', languages: ['en'] },
});
const zodSpec = defineDatanet({
  ...jsonlSpec,
  id: 'instruct-zod',
  rows: { ...jsonlSpec.rows!, schema: rowZod },
});

const tmp = mkdtempSync(join(tmpdir(), 'datanet-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sha256Hex(b: Uint8Array): string {
  return `0x${createHash('sha256').update(b).digest('hex')}`;
}

// Independent RFC 6962 reference, straight from the recursive definition.
function mth(b: Uint8Array, chunk: number): string {
  const leaves: Buffer[] = [];
  for (let i = 0; i < b.length; i += chunk)
    leaves.push(
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(b.subarray(i, i + chunk))
        .digest(),
    );
  const rec = (l: Buffer[]): Buffer => {
    if (l.length === 0) return createHash('sha256').digest();
    if (l.length === 1) return l[0]!;
    const k = 2 ** Math.floor(Math.log2(l.length - 1));
    return createHash('sha256')
      .update(Buffer.from([1]))
      .update(rec(l.slice(0, k)))
      .update(rec(l.slice(k)))
      .digest();
  };
  return `0x${rec(leaves).toString('hex')}`;
}

function jsonl(rows: unknown[]): Uint8Array<ArrayBuffer> {
  return enc.encode(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

describe('plain text', () => {
  test('accepts a Moby-Dick chapter and reports hash, Merkle root and text facts', async () => {
    const text = mobyDickChapter(1);
    const bytes = enc.encode(text);
    const r = await validateContribution(textSpec, new File([bytes], 'chapter1.txt'), { chunkSize: 4096 });
    expect(r.status).toBe('accepted');
    expect(r.format).toBe('txt');
    expect(r.score).toBe(1);
    expect(r.bytes).toBe(bytes.length);
    expect(r.contentHash).toBe(sha256Hex(bytes));
    expect(r.merkleRoot).toBe(mth(bytes, 4096));
    expect(r.chunks).toBe(Math.ceil(bytes.length / 4096));
    expect(r.meta.text?.chars).toBe(Array.from(text).length);
    expect(r.meta.text?.lines).toBe(
      text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length,
    );
  });

  test('gives the same report for a Blob, a chunked stream, bytes, a path and a Node Readable', async () => {
    const bytes = enc.encode(mobyDickChapter(2));
    const path = join(tmp, 'ch2.txt');
    writeFileSync(path, bytes);
    const reports = [
      await validateContribution(textSpec, new Blob([bytes]), {}),
      await validateContribution(textSpec, chunkedStream(bytes, [1, 7, 3000, 2, 65537]), {}),
      await validateContribution(textSpec, bytes, {}),
      await validateContribution(textSpec, path, {}),
      await validateContribution(textSpec, Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]), {}),
    ];
    for (const r of reports) {
      expect(r.status).toBe('accepted');
      expect(r.contentHash).toBe(sha256Hex(bytes));
      expect(r.merkleRoot).toBe(reports[0]!.merkleRoot);
      expect(r.meta).toEqual(reports[0]!.meta);
    }
  });

  test('reports the byte offset of invalid UTF-8, whatever the chunking', async () => {
    // Non-ASCII text, so bad bytes land inside multi-byte characters as well as between them.
    const good = enc.encode(
      `${mobyDickChapter(3).slice(0, 1500)} — «Ahab» ist ein Kapitän 船长 🐋 ${mobyDickChapter(3).slice(1500, 3000)}`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.constantFrom(0xff, 0xc0, 0x80, 0xed, 0xe2, 0xf0, 0x41),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        async (at, bad, truncate, sizes) => {
          let b = good.slice();
          b[at] = bad;
          if (bad === 0xed && at + 1 < b.length) b[at + 1] = 0xa0; // an encoded surrogate
          if (truncate) b = b.subarray(0, at + 1); // may end inside a character
          const expected = findInvalidUtf8(b); // whole-buffer reference (checked against TextDecoder)
          fc.pre(expected >= 0);
          const r = await validateContribution(textSpec, chunkedStream(b, sizes), {});
          const issue = r.issues.find((i) => i.code === 'INVALID_UTF8');
          expect(r.status).toBe('rejected');
          expect(issue?.offset).toBe(expected);
          expect(
            (await validateContribution(textSpec, b, {})).issues.find((i) => i.code === 'INVALID_UTF8')
              ?.offset,
          ).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('rejects empty and near-empty files', async () => {
    expect((await validateContribution(textSpec, new Uint8Array(0), {})).issues[0]!.code).toBe('FILE_EMPTY');
    const r = await validateContribution(textSpec, enc.encode(' \n\t  a b c \n\u00a0\n'), {});
    expect(r.issues.map((i) => i.code)).toEqual(['NEAR_EMPTY']);
  });

  test('rejects an exact duplicate of content already in the datanet', async () => {
    const bytes = enc.encode(mobyDickChapter(4));
    const hash = sha256Hex(bytes);
    const r = await validateContribution(textSpec, bytes, { existingHashes: new Set([hash]) });
    expect(r.issues.map((i) => i.code)).toEqual(['DUPLICATE_CONTENT']);
    const lookup = await validateContribution(textSpec, bytes, { existingHashes: (h) => h === hash });
    expect(lookup.status).toBe('rejected');
    expect((await validateContribution(textSpec, bytes, { existingHashes: ['0x00'] })).status).toBe(
      'accepted',
    );
  });
});

describe('format by content', () => {
  const png = new PNG({ width: 16, height: 16 });
  png.data.fill(200);
  const pngBytes = new Uint8Array(PNG.sync.write(png));

  test('catches a PNG renamed to .txt', async () => {
    const r = await validateContribution(textSpec, new File([pngBytes], 'notes.txt'), {});
    expect(r.status).toBe('rejected');
    expect(r.format).toBe('png');
    expect(r.issues.map((i) => i.code)).toEqual(['KIND_MISMATCH', 'EXTENSION_MISMATCH']);
    expect(r.contentHash).toBeNull();
  });

  test('catches text renamed to .png on an image datanet', async () => {
    const images = defineDatanet({ id: 'pics', name: 'Pics', kind: 'image', owner });
    const r = await validateContribution(images, new File([mobyDickChapter(1)], 'whale.png'), {});
    expect(r.issues.map((i) => i.code)).toEqual(['KIND_MISMATCH']);
  });

  test('says which decoder to load for binary formats', async () => {
    const images = defineDatanet({ id: 'pics', name: 'Pics', kind: 'image', owner });
    const r = await validateContribution(images, pngBytes, {});
    expect(r.issues[0]!.code).toBe('DECODER_NOT_LOADED');
    expect(r.issues[0]!.message).toContain('@openledger/datanet/image');
  });

  test('rejects unknown binary data and formats the datanet does not take', async () => {
    const bin = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]);
    expect((await validateContribution(textSpec, bin, {})).issues[0]!.code).toBe('FORMAT_UNKNOWN');
    const pdfOnly = defineDatanet({ id: 'papers', name: 'Papers', kind: 'text', owner, formats: ['pdf'] });
    expect(
      (await validateContribution(pdfOnly, enc.encode('hello world, plain text here'), {})).issues[0]!.code,
    ).toBe('FORMAT_NOT_ALLOWED');
  });
});

describe('quotas at entry', () => {
  const now = new Date('2026-05-01T15:00:00Z');
  test('refuses a file over the per-file cap without reading it when the size is known', async () => {
    const small = defineDatanet({
      id: 'small',
      name: 'S',
      kind: 'text',
      owner,
      limits: { maxFileBytes: 1000 },
    });
    const r = await validateContribution(small, new Blob([enc.encode(mobyDickChapter(1))]), { now });
    expect(r.issues.map((i) => i.code)).toEqual(['FILE_TOO_LARGE']);
    expect(r.bytes).toBe(0);
    expect(r.quota.file.limit).toBe(1000);
  });

  test('stops a stream of unknown size as soon as it passes the bytes left today', async () => {
    const usage = { day: '2026-05-01', contributorBytes: 9_990_000, contributorFiles: 2, datanetBytes: 0 };
    const bytes = enc.encode(mobyDickChapter(1).repeat(4)); // ~50 kB > 10 kB left
    let reads = 0;
    const r = await validateContribution(textSpec, chunkedStream(bytes, [4096]), {
      now,
      usage,
      onProgress: () => reads++,
    });
    expect(r.issues.map((i) => i.code)).toEqual(['QUOTA_CONTRIBUTOR_BYTES']);
    expect(r.bytes).toBeLessThanOrEqual(10_000 + 4096);
    expect(r.quota.contributorBytes.remaining).toBe(10_000);
    expect(r.contentHash).toBeNull();
    expect(reads).toBeLessThan(5);
  });

  test('counts files per UTC day and ignores yesterday', async () => {
    const full = { day: '2026-05-01', contributorBytes: 0, contributorFiles: 20, datanetBytes: 0 };
    const bytes = enc.encode(mobyDickChapter(1));
    expect((await validateContribution(textSpec, bytes, { now, usage: full })).issues[0]!.code).toBe(
      'QUOTA_CONTRIBUTOR_FILES',
    );
    const yesterday = { ...full, day: '2026-04-30' };
    expect((await validateContribution(textSpec, bytes, { now, usage: yesterday })).status).toBe('accepted');
  });
});

describe('JSONL rows', () => {
  const records = instructionRecords(300);

  test('accepts instruction records; zod and JSON Schema row schemas agree', async () => {
    const bytes = jsonl(records);
    const a = await validateContribution(jsonlSpec, new File([bytes], 'train.jsonl'), {});
    const b = await validateContribution(zodSpec, chunkedStream(bytes, [333, 4096, 17]), {});
    expect(a.status).toBe('accepted');
    expect(a.rows).toBe(300);
    expect(a.format).toBe('jsonl');
    expect(b.status).toBe('accepted');
    expect(b.rows).toBe(300);
  });

  test('property: per-row verdicts match a row-by-row reference, for both schema kinds', async () => {
    const mutations = [
      (r: Record<string, unknown>) => ({ ...r, instruction: 'no' }),
      (r: Record<string, unknown>) => ({ ...r, output: '' }),
      (r: Record<string, unknown>) => ({ ...r, extra: 1 }),
      (r: Record<string, unknown>) => {
        const { input: _, ...rest } = r;
        return rest;
      },
      (r: Record<string, unknown>) => ({ ...r, output: 42 }),
      () => 'not an object',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 0, max: mutations.length - 1 })),
          {
            maxLength: 6,
          },
        ),
        async (muts) => {
          const rows: unknown[] = records.slice(0, 200).map((r) => ({ ...r }));
          for (const [i, m] of muts) rows[i] = mutations[m]!(rows[i] as Record<string, unknown>);
          const expectedBad = new Set(
            rows.flatMap((r, i) => (rowZod.safeParse(r).success ? [] : [i + 1])), // zod as the reference
          );
          for (const spec of [jsonlSpec, zodSpec]) {
            const rep = await validateContribution(spec, jsonl(rows), {});
            const badRows = new Set(rep.issues.map((i) => i.row));
            expect(badRows).toEqual(expectedBad);
            expect(rep.status).toBe(expectedBad.size ? 'rejected' : 'accepted');
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test('flags duplicate rows, missing and disallowed languages', async () => {
    const rows = [
      records[0],
      records[1],
      records[0],
      { ...records[2], language: 'fr' },
      { ...records[3], language: '' },
    ];
    const r = await validateContribution(jsonlSpec, jsonl(rows), {});
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ['DUPLICATE_ROW', 3],
      ['LANGUAGE_NOT_ALLOWED', 4],
      ['LANGUAGE_MISSING', 5],
    ]);
    const en = await validateContribution(jsonlSpec, jsonl([{ ...records[0], language: 'en-GB' }]), {});
    expect(en.status).toBe('accepted');
  });

  test('__proto__ keys are data, never prototype pollution', async () => {
    const line = `{"instruction":"Do it now","input":"x","output":"y","language":"en","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    const r = await validateContribution(jsonlSpec, enc.encode(`${line}\n`), {});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.status).toBe('rejected');
    expect(r.issues.map((i) => i.path?.[0]).sort()).toEqual(['__proto__', 'constructor']);
    const lenient = defineDatanet({
      ...jsonlSpec,
      rows: { ...jsonlSpec.rows!, schema: { type: 'object' }, languageField: undefined },
    });
    expect((await validateContribution(lenient, enc.encode(`${line}\n`), {})).status).toBe('accepted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('caps line length and reports the line', async () => {
    const spec = defineDatanet({ ...jsonlSpec, limits: { ...jsonlSpec.limits, maxLineBytes: 2000 } });
    const long = { ...records[0], output: 'x'.repeat(3000) };
    const r = await validateContribution(
      spec,
      chunkedStream(jsonl([records[0], long, records[1]]), [100]),
      {},
    );
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([['LINE_TOO_LONG', 2]]);
    expect(r.issues[0]!.offset).toBe(enc.encode(JSON.stringify(records[0])).length + 1);
    expect(r.rows).toBe(3);
  });

  test('maxErrorRate lets a few bad rows through as warnings and lowers the score', async () => {
    const spec = defineDatanet({ ...jsonlSpec, rows: { ...jsonlSpec.rows!, maxErrorRate: 0.1 } });
    const rows: unknown[] = records.slice(0, 20);
    rows[5] = { ...records[5], instruction: 'no' };
    const r = await validateContribution(spec, jsonl(rows), {});
    expect(r.status).toBe('accepted');
    expect(r.score).toBeCloseTo(19 / 20, 6);
    rows[6] = 'x';
    rows[7] = 'y';
    const r2 = await validateContribution(spec, jsonl(rows), {});
    expect(r2.status).toBe('rejected');
    expect(r2.issues.at(-1)!.code).toBe('TOO_MANY_ROW_ERRORS');
  });

  test('invalid JSON and invalid UTF-8 rows name their row and offset', async () => {
    const head = enc.encode(`${JSON.stringify(records[0])}\n{"instruction": \n`);
    const bad = new Uint8Array([
      ...head,
      ...enc.encode('{"instruction":"ab'),
      0xff,
      ...enc.encode('cd","input":"","output":"z"}\n'),
    ]);
    const r = await validateContribution(jsonlSpec, bad, {});
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ['INVALID_JSON', 2],
      ['INVALID_UTF8', 3],
    ]);
    expect(r.issues[1]!.offset).toBe(head.length + '{"instruction":"ab'.length);
  });

  test('empty structured file has too few rows', async () => {
    const r = await validateContribution(jsonlSpec, enc.encode('\n\n  \n'), {});
    expect(r.issues.map((i) => i.code)).toEqual(['TOO_FEW_ROWS']);
  });
});

describe('CSV rows', () => {
  const csvSpec = defineDatanet({
    id: 'qa-csv',
    name: 'QA',
    kind: 'text',
    owner,
    rows: {
      schema: {
        type: 'object',
        required: ['question', 'answer', 'difficulty'],
        properties: {
          question: { type: 'string', minLength: 3 },
          answer: { type: 'string' },
          difficulty: { type: 'integer', minimum: 1, maximum: 5 },
        },
      },
    },
  });

  function quote(s: string): string {
    return /[",\r\n]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s;
  }

  test('parses quoted commas, doubled quotes and quoted newlines; coerces typed columns', async () => {
    const csv =
      'question,answer,difficulty\r\n"Who, exactly, is ""Ishmael""?","The narrator\nof the book",2\r\nWhat ship?,Pequod,1\n';
    const r = await validateContribution(csvSpec, new File([csv], 'qa.csv'), {});
    expect(r.format).toBe('csv');
    expect(r.issues).toEqual([]);
    expect(r.rows).toBe(2);
  });

  test('reports ragged rows, bad cells and an unterminated quote', async () => {
    const csv =
      'question,answer,difficulty\nWhat ship?,Pequod,1\nToo,few\nWhat whale?,Moby Dick,9\n"open quote,x,1\n';
    const r = await validateContribution(csvSpec, enc.encode(csv), {});
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([
      ['CSV_RAGGED_ROW', 2],
      ['ROW_SCHEMA', 3],
      ['CSV_UNTERMINATED_QUOTE', 4],
    ]);
  });

  test('reports the byte offset of invalid UTF-8 in CSV, whatever the chunking', async () => {
    const rows = ['question,answer,difficulty'];
    for (let i = 0; i < 40; i++) rows.push(`"Wer ist Kapitän ${i}, «Ahab»?",船长 🐋 ${i},${(i % 5) + 1}`);
    const good = enc.encode(`${rows.join('\r\n')}\r\n`);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.constantFrom(0xff, 0x80, 0xed, 0xe2, 0xf0),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        async (at, bad, truncate, sizes) => {
          let b = good.slice();
          b[at] = bad;
          if (truncate) b = b.subarray(0, at + 1);
          const expected = findInvalidUtf8(b);
          fc.pre(expected >= 0);
          const r = await validateContribution(csvSpec, chunkedStream(b, sizes), {});
          expect(r.format).toBe('csv');
          expect(r.issues.find((i) => i.code === 'INVALID_UTF8')?.offset).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a byte-order mark before the header is dropped, however the stream is chunked', async () => {
    const csv = enc.encode('\ufeffquestion,answer,difficulty\r\nWhat ship?,Pequod,1\r\n');
    for (const sizes of [[csv.length], [1], [2, 1], [3], [4, 100]]) {
      const r = await validateContribution(csvSpec, chunkedStream(csv, sizes), {});
      expect(r.issues, JSON.stringify(sizes)).toEqual([]);
      expect(r.rows).toBe(1);
    }
  });

  test('rejects a header with a repeated column', async () => {
    const r = await validateContribution(csvSpec, enc.encode('question,question,difficulty\na,b,1\n'), {});
    expect(r.issues.map((i) => i.code)).toEqual(['CSV_BAD_HEADER']);
  });

  test('property: any quoted serialisation of records parses back to the same rows (duplicates by a Set)', async () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '🐳'),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
        async (recs, sizes) => {
          const spec = defineDatanet({
            id: 'free-csv',
            name: 'F',
            kind: 'text',
            owner,
            rows: { schema: { type: 'object', required: ['q', 'a', 'n'] } },
          });
          const body = recs.map(([q, a], i) => `${quote(`Q${q}`)},${quote(a)},${i % 3}`).join('\r\n');
          const bytes = enc.encode(`q,a,n\r\n${body}\r\n`);
          const r = await validateContribution(spec, chunkedStream(bytes, sizes), {});
          const seen = new Set<string>();
          const dups: number[] = [];
          recs.forEach(([q, a], i) => {
            const k = JSON.stringify([`Q${q}`, a, String(i % 3)]);
            if (seen.has(k)) dups.push(i + 1);
            seen.add(k);
          });
          expect(r.rows).toBe(recs.length);
          expect(r.issues.map((i) => i.row)).toEqual(dups);
          expect(r.issues.every((i) => i.code === 'DUPLICATE_ROW')).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('progress, abort and misuse', () => {
  test('reports growing progress and stops with AbortError', async () => {
    const bytes = enc.encode(mobyDickChapter(1).repeat(3));
    const seen: number[] = [];
    await validateContribution(textSpec, chunkedStream(bytes, [8192]), {
      onProgress: (p) => seen.push(p.bytes),
    });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(bytes.length);

    const ctl = new AbortController();
    const run = validateContribution(textSpec, chunkedStream(bytes, [1024]), {
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.bytes > 4000) ctl.abort(new Error('user cancelled'));
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    const pre = AbortSignal.abort();
    await expect(validateContribution(textSpec, bytes, { signal: pre })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  test('an abort while the stream is stalled cancels the stream and rejects with AbortError', async () => {
    let cancelled = false;
    let pulls = 0;
    const stalled = new ReadableStream<Uint8Array>({
      pull(c) {
        // One chunk, then never another: only the abort can end this.
        if (pulls++ === 0) c.enqueue(enc.encode(mobyDickChapter(1).slice(0, 5000)));
        return new Promise(() => {});
      },
      cancel() {
        cancelled = true;
      },
    });
    const ctl = new AbortController();
    const run = validateContribution(textSpec, stalled, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toBe(true);
  });

  test('throws typed errors for an incomplete spec and an unsupported input', async () => {
    await expect(
      validateContribution({ id: 'x', name: '', kind: 'text', owner } as never, new Uint8Array(1), {}),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(validateContribution(textSpec, 42 as never, {})).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(validateContribution(textSpec, new Uint8Array(1), { chunkSize: 0 })).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});

describe('fuzz', () => {
  test('random bytes and mutated valid files always give a report', async () => {
    const valid = jsonl(instructionRecords(5));
    const mutated = fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 10 })
      .map((muts) => {
        const b = valid.slice();
        for (const [i, v] of muts) b[i % b.length] = v;
        return b;
      });
    const csvSpec = defineDatanet({
      id: 'fuzz-csv',
      name: 'C',
      kind: 'text',
      owner,
      formats: ['csv'],
      rows: { schema: { type: 'object' } },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated),
        fc.constantFrom(textSpec, jsonlSpec, zodSpec, csvSpec),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 4 }),
        async (bytes, spec, sizes) => {
          const r = await validateContribution(spec, chunkedStream(bytes, sizes), {});
          expect(['accepted', 'rejected']).toContain(r.status);
          if (r.status === 'accepted') expect(r.contentHash).toBe(sha256Hex(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
