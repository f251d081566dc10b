import fc from 'fast-check';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { mobyDickParagraphs } from '../fixtures/corpus.js';
import { defineDatanet } from '../spec/defineDatanet.js';
import { validateContribution } from '../validate/validateContribution.js';
import { pdfDecoder } from './pdf.js';

const owner = '0x0000000000000000000000000000000000000001';
const spec = defineDatanet({ id: 'papers', name: 'Papers', kind: 'text', owner });
const decoders = [pdfDecoder()];

async function pdfOf(
  lines: string[],
  opts: { image?: boolean; pages?: number } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < (opts.pages ?? 1); p++) {
    const page = doc.addPage([600, 800]);
    lines.forEach((l, i) => {
      page.drawText(l, { x: 40, y: 760 - i * 16, size: 11, font });
    });
    if (opts.image && p === 0) {
      const png = new PNG({ width: 8, height: 8 });
      png.data.fill(128);
      const img = await doc.embedPng(PNG.sync.write(png));
      page.drawImage(img, { x: 400, y: 40, width: 64, height: 64 });
    }
  }
  return new Uint8Array(await doc.save());
}

const lines = mobyDickParagraphs(1)
  .slice(0, 3)
  .map((p) => p.slice(0, 80).replace(/[^\x20-\x7e]/g, ' '));

describe('pdfDecoder', () => {
  test('extracts text from a PDF written by pdf-lib, page by page', async () => {
    const r = await validateContribution(spec, new File([await pdfOf(lines, { pages: 2 })], 'paper.pdf'), {
      decoders,
    });
    expect(r.issues).toEqual([]);
    expect(r.format).toBe('pdf');
    expect(r.meta.text?.pages).toBe(2);
    expect(r.meta.text?.chars).toBeGreaterThanOrEqual(2 * lines.join('').length);
  });

  test('rejects a PDF with an embedded image for a text datanet', async () => {
    const r = await validateContribution(spec, await pdfOf(lines, { image: true }), { decoders });
    expect(r.issues.map((i) => i.code)).toEqual(['PDF_HAS_IMAGES']);
    const lenient = await validateContribution(spec, await pdfOf(lines, { image: true }), {
      decoders: [pdfDecoder({ allowImages: true })],
    });
    expect(lenient.status).toBe('accepted');
  });

  test('rejects a PDF without text, and truncated or garbled PDFs', async () => {
    const blank = await pdfOf([]);
    expect((await validateContribution(spec, blank, { decoders })).issues.map((i) => i.code)).toEqual([
      'PDF_NO_TEXT',
      'NEAR_EMPTY',
    ]);
    const good = await pdfOf(lines);
    const cut = await validateContribution(spec, good.subarray(0, 200), { decoders });
    expect(cut.status).toBe('rejected');
    expect(cut.issues[0]!.code).toBe('CORRUPT');
  });

  test('fuzz: mutated PDFs give a report', async () => {
    const good = await pdfOf(lines);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (muts) => {
          const b = good.slice();
          for (const [i, v] of muts) b[8 + (i % (b.length - 8))] = v;
          const r = await validateContribution(spec, b, { decoders });
          expect(['accepted', 'rejected']).toContain(r.status);
        },
      ),
      { numRuns: 40 },
    );
  });
});
