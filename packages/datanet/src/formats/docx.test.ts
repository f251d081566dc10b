import { Document, Packer, Paragraph, TextRun } from 'docx';
import fc from 'fast-check';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import { mobyDickParagraphs } from '../fixtures/corpus.js';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from '../validate/validateContribution.js';
import { docxDecoder } from './docx.js';

const owner = '0x0000000000000000000000000000000000000001';
const spec = defineDatanet({ id: 'essays', name: 'Essays', kind: 'text', owner });
const decoders = [docxDecoder()];

async function docxOf(paragraphs: string[]): Promise<Uint8Array<ArrayBuffer>> {
  const doc = new Document({
    sections: [{ children: paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })) }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A DOCX-shaped ZIP whose document.xml inflates to `mb` MiB of zeros, streamed so the test never holds it. */
function bombOf(mb: number): Uint8Array {
  const out: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    out.push(chunk);
  });
  const ct = new ZipDeflate('[Content_Types].xml');
  zip.add(ct);
  ct.push(strToU8('<Types/>'), true);
  const doc = new ZipDeflate('word/document.xml', { level: 1 });
  zip.add(doc);
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < mb; i++) doc.push(zeros, i === mb - 1);
  zip.end();
  const total = out.reduce((n, c) => n + c.length, 0);
  const b = new Uint8Array(total);
  let o = 0;
  for (const c of out) {
    b.set(c, o);
    o += c.length;
  }
  return b;
}

describe('docxDecoder', () => {
  test('extracts the text of a DOCX written by the docx library', async () => {
    const paras = mobyDickParagraphs(1).slice(0, 5);
    const r = await validateContribution(spec, new File([await docxOf(paras)], 'chapter.docx'), { decoders });
    expect(r.issues).toEqual([]);
    expect(r.format).toBe('docx');
    expect(r.meta.text?.lines).toBe(5);
    expect(r.meta.text?.chars).toBe([...paras.join('\n')].length + 1);
  });

  test('a near-empty document is rejected', async () => {
    const r = await validateContribution(spec, await docxOf(['', 'ok']), { decoders });
    expect(r.issues.map((i) => i.code)).toEqual(['NEAR_EMPTY']);
  });

  test('a zip bomb stops at the ratio cap and at the size cap', async () => {
    const bomb = bombOf(24);
    expect(bomb.length).toBeLessThan(1_000_000);
    const r = await validateContribution(spec, bomb, { decoders });
    expect(r.issues.map((i) => i.code)).toEqual(['ARCHIVE_RATIO']);
    const sized = await validateContribution(spec, bomb, {
      decoders: [docxDecoder({ maxDecompressedBytes: 10_000_000, maxRatio: 1e9 })],
    });
    expect(sized.issues.map((i) => i.code)).toEqual(['ARCHIVE_TOO_LARGE']);
  });

  test('truncated archives, plain ZIPs and renamed DOCX files are caught', async () => {
    const good = await docxOf(['Call me Ishmael, and listen to the story of the whale.']);
    expect(
      (await validateContribution(spec, good.subarray(0, good.length - 40), { decoders })).issues[0]!.code,
    ).toBe('TRUNCATED');
    const plain = zipSync({ 'a.txt': strToU8('hello') });
    expect((await validateContribution(spec, plain, { decoders })).issues[0]!.code).toBe('CORRUPT');
    const renamed = await validateContribution(spec, new File([good], 'notes.pdf'), { decoders });
    expect(renamed.issues.map((i) => i.code)).toEqual(['EXTENSION_MISMATCH']);
  });

  test('fuzz: mutated DOCX files give a report', async () => {
    const good = await docxOf(mobyDickParagraphs(1).slice(0, 3));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (muts) => {
          const b = good.slice();
          for (const [i, v] of muts) b[4 + (i % (b.length - 4))] = v;
          const r = await validateContribution(spec, b, { decoders });
          expect(['accepted', 'rejected']).toContain(r.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
