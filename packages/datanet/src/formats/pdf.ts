import type { ContributionDecoder, ContributionIssue, DecodeResult } from '../validate/types.js';

/** Options of {@link pdfDecoder}. */
export interface PdfDecoderOptions {
  /** Most pages to read (default 2,000); longer documents are rejected. */
  maxPages?: number;
  /** Accept PDFs that paint images (default false: OpenLedger text datanets take PDFs without images). */
  allowImages?: boolean;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | null = null;

// Loaded on first use so that importing this subpath stays cheap until a PDF arrives.
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

/**
 * Decoder for PDF with pdf.js (legacy build, runs on Node 20 and in browsers): extracts the
 * text of every page for the content rules, rejects encrypted PDFs, and — for text datanets —
 * rejects any PDF that paints an image (image XObjects, inline images, image masks).
 *
 * @example
 * import { defineDatanet, validateContribution } from '@openledger/datanet';
 * import { pdfDecoder } from '@openledger/datanet/pdf';
 * const spec = defineDatanet({ id: 'papers', name: 'Papers', kind: 'text',
 *   owner: '0x0000000000000000000000000000000000000001' });
 * declare const file: File;
 * const report = await validateContribution(spec, file, { decoders: [pdfDecoder()] });
 */
export function pdfDecoder(options: PdfDecoderOptions = {}): ContributionDecoder {
  const maxPages = options.maxPages ?? 2_000;
  return {
    name: 'pdf',
    formats: ['pdf'],
    async decode(bytes, { signal }): Promise<DecodeResult> {
      const lib = await loadPdfJs();
      const imageOps = new Set<number>(
        [
          lib.OPS.paintImageXObject,
          lib.OPS.paintInlineImageXObject,
          lib.OPS.paintImageMaskXObject,
          lib.OPS.paintImageXObjectRepeat,
          lib.OPS.paintImageMaskXObjectRepeat,
          lib.OPS.paintInlineImageXObjectGroup,
          lib.OPS.paintImageMaskXObjectGroup,
        ].filter((x): x is number => typeof x === 'number'),
      );
      // pdf.js may transfer (detach) the buffer it is given: hand it a copy.
      const task = lib.getDocument({
        data: bytes.slice(),
        isEvalSupported: false,
        disableFontFace: true,
        useSystemFonts: false,
        stopAtErrors: true,
        verbosity: 0,
      });
      const onAbort = () => void task.destroy();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let doc: Awaited<typeof task.promise>;
        try {
          doc = await task.promise;
        } catch (e) {
          const name = (e as { name?: string })?.name;
          if (name === 'PasswordException')
            return {
              issues: [
                { code: 'PDF_ENCRYPTED', severity: 'error', message: 'The PDF is password-protected.' },
              ],
            };
          return {
            issues: [
              {
                code: 'CORRUPT',
                severity: 'error',
                message: `The PDF cannot be read: ${String((e as Error)?.message ?? e).slice(0, 200)}`,
              },
            ],
          };
        }
        if (doc.numPages > maxPages)
          return {
            issues: [
              {
                code: 'CORRUPT',
                severity: 'error',
                message: `The PDF has ${doc.numPages} pages; at most ${maxPages} are read.`,
              },
            ],
          };
        const issues: ContributionIssue[] = [];
        let text = '';
        let imagePage = 0;
        for (let p = 1; p <= doc.numPages; p++) {
          if (signal?.aborted) break;
          const page = await doc.getPage(p);
          const content = await page.getTextContent();
          for (const item of content.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
          text += '\n';
          if (!options.allowImages && imagePage === 0) {
            const ops = await page.getOperatorList();
            if (ops.fnArray.some((f) => imageOps.has(f))) imagePage = p;
          }
          page.cleanup();
        }
        if (imagePage)
          issues.push({
            code: 'PDF_HAS_IMAGES',
            severity: 'error',
            message: `Page ${imagePage} contains an image; text datanets accept PDFs without images.`,
          });
        if (text.trim() === '')
          issues.push({
            code: 'PDF_NO_TEXT',
            severity: 'error',
            message: 'The PDF has no extractable text (scanned?).',
          });
        let lines = 0;
        for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
        return { issues, text, meta: { text: { chars: [...text].length, lines, pages: doc.numPages } } };
      } finally {
        signal?.removeEventListener('abort', onAbort);
        await task.destroy();
      }
    },
  };
}
