/**
 * Property tests of the content script's DOM work in real Chromium: the text it reads from a
 * paragraph must be what the browser renders (`innerText`, an independent implementation of
 * whitespace collapsing, `<br>` and hidden content), and highlighting any ranges of it must wrap
 * exactly those characters without changing the rendered text or touching form fields, scripts
 * or styles.
 */
import fc from 'fast-check';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  bundleForBrowser,
  type FileServer,
  launchChromium,
  serveFiles,
} from '../../../../scripts/testing/browser.js';

declare global {
  var openledgerDom: {
    collectBlocks: typeof import('./blocks.js').collectBlocks;
    pieces: typeof import('./highlight.js').pieces;
    wrapPieces: typeof import('./highlight.js').wrapPieces;
    clearHighlights: typeof import('./highlight.js').clearHighlights;
  };
}

let browser: Browser;
let server: FileServer;
let page: Page;

beforeAll(async () => {
  const js = await bundleForBrowser(`${import.meta.dirname}/fixtures/harness.ts`);
  server = await serveFiles({
    '/': {
      body: '<!doctype html><meta charset="utf-8"><body><script type="module" src="/h.js"></script>',
      type: 'text/html',
    },
    '/h.js': { body: js, type: 'text/javascript' },
  });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => 'openledgerDom' in globalThis);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

// Words, odd whitespace (spaces, newlines, tabs) and non-ASCII, wrapped in inline elements,
// <br>s, and content the extension must never read (script, style, textarea, hidden span).
const word = fc.constantFrom(
  'whale',
  'Ishmael',
  'sea',
  'café',
  '“Call',
  'me”',
  '—',
  'naïve',
  'a',
  '🐋',
  '&',
  '<x>',
);
const space = fc.constantFrom(' ', '  ', '\n', '\n    ', '\t', '');
const text = fc
  .array(fc.tuple(word, space), { minLength: 1, maxLength: 6 })
  .map((ws) => ws.map(([w, s]) => w + s).join(''));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const inline: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map(esc),
    text.map(esc),
    fc.constant('<br>'),
    fc.constant(' '),
    fc.constant('<script>var s = "whale sea";</script>'),
    fc.constant('<style>.x{color:red}</style>'),
    fc.constant('<textarea>Ishmael whale</textarea>'),
    text.map((t) => `<span style="display:none">${esc(t)}</span>`),
    fc
      .tuple(
        fc.constantFrom('em', 'b', 'span', 'a', 'code', 'small'),
        fc.array(tie('node'), { maxLength: 3 }),
      )
      .map(([tag, kids]) => `<${tag}>${kids.join('')}</${tag}>`),
  ),
})).node;
const paragraph = fc.array(inline, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

test('block text equals the rendered text (innerText), whitespace collapsed', async () => {
  await fc.assert(
    fc.asyncProperty(paragraph, async (html) => {
      const r = await page.evaluate((html) => {
        document.body.innerHTML = `<p id="p">${html}</p>`;
        const blocks = openledgerDom.collectBlocks(document.body);
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the reference
        return { blocks: blocks.map((b) => b.text), inner: document.getElementById('p')!.innerText };
      }, html);
      const expected = collapse(r.inner);
      expect(r.blocks).toEqual(expected ? [expected] : []);
    }),
    { numRuns: 150 },
  );
});

test('text around a nested block is its own block, with a break where the nested block was', async () => {
  await fc.assert(
    fc.asyncProperty(paragraph, paragraph, paragraph, async (a, b, c) => {
      const r = await page.evaluate(
        ([a, b, c]) => {
          document.body.innerHTML = `<div id="d">${a}<p id="p">${b}</p>${c}</div>`;
          const blocks = openledgerDom.collectBlocks(document.body).map((x) => [x.element.id, x.text]);
          // Reference: the browser's rendering of each block alone (the nested one replaced by a line break).
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the reference
          const p = document.getElementById('p')!.innerText;
          document.getElementById('p')!.replaceWith(document.createElement('br'));
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the reference
          return { blocks, d: document.getElementById('d')!.innerText, p };
        },
        [a, b, c] as const,
      );
      const expected = [
        ['d', collapse(r.d)],
        ['p', collapse(r.p)],
      ].filter(([, t]) => t);
      expect(new Map(r.blocks as [string, string][])).toEqual(new Map(expected as [string, string][]));
    }),
    { numRuns: 100 },
  );
});

test('wrapping ranges marks exactly those characters and leaves the rendered text alone', async () => {
  const input = paragraph.chain((html) =>
    fc.tuple(
      fc.constant(html),
      // Up to three ranges as fractions of the text; made disjoint in the page.
      fc.array(
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
    ),
  );
  await fc.assert(
    fc.asyncProperty(input, async ([html, fractions]) => {
      const r = await page.evaluate(
        ([html, fractions]) => {
          document.body.innerHTML = `<p id="p">${html}</p>`;
          const p = document.getElementById('p')!;
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the reference
          const before = p.innerText;
          const htmlBefore = p.innerHTML;
          const guarded = [...p.querySelectorAll('script,style,textarea')].map((e) => e.outerHTML);
          const [block] = openledgerDom.collectBlocks(document.body);
          if (!block) return null;
          const n = block.text.length;
          const cuts = fractions
            .flat()
            .map((f) => Math.floor(f * n))
            .sort((a, b) => a - b);
          const ranges: [number, number][] = [];
          for (let i = 0; i + 1 < cuts.length; i += 2)
            if (cuts[i]! < cuts[i + 1]!) ranges.push([cuts[i]!, cuts[i + 1]!]);
          const all = ranges.flatMap(([s, e], i) => openledgerDom.pieces(block, s, e, i));
          openledgerDom.wrapPieces(all);
          const marked = ranges.map((_, i) =>
            [...p.querySelectorAll(`mark[data-span="${i}"]`)].map((m) => m.textContent).join(''),
          );
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the reference
          const after = p.innerText;
          const guardedAfter = [...p.querySelectorAll('script,style,textarea')].map((e) => e.outerHTML);
          const nested = p.querySelectorAll('mark mark, script mark, style mark, textarea mark').length;
          openledgerDom.clearHighlights(document.body);
          return {
            text: block.text,
            ranges,
            marked,
            before,
            after,
            restored: p.innerHTML === htmlBefore,
            guardedSame: JSON.stringify(guarded) === JSON.stringify(guardedAfter),
            nested,
            marksLeft: p.querySelectorAll('mark').length,
          };
        },
        [html, fractions] as const,
      );
      if (!r) return;
      expect(r.after).toBe(r.before);
      expect(r.guardedSame).toBe(true);
      expect(r.nested).toBe(0);
      expect(r.marksLeft).toBe(0);
      expect(r.restored).toBe(true);
      r.ranges.forEach(([s, e], i) => {
        // Same characters; whitespace aside, since a space standing for a <br> has no node to mark.
        expect(r.marked[i]!.replace(/\s+/g, '')).toBe(r.text.slice(s, e).replace(/\s+/g, ''));
      });
    }),
    { numRuns: 150 },
  );
});
