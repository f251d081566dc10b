/**
 * The page's visible text, as blocks (paragraphs, list items, headings, cells…) with whitespace
 * collapsed the way it renders, and a map from each block character back to the text node and
 * offset it came from, so spans found in the block text can be highlighted in the DOM even when
 * they run across element boundaries (`<em>`, links, line breaks in the source).
 */

/** Elements whose text is a block of its own; text is grouped by its nearest such ancestor. */
const BLOCK =
  'p,li,dd,dt,blockquote,h1,h2,h3,h4,h5,h6,td,th,caption,figcaption,pre,article,section,main,div,body';
/** Never read or touch text inside these. */
const SKIP =
  'script,style,noscript,template,textarea,input,select,option,button,svg,math,iframe,object,canvas,[contenteditable=""],[contenteditable="true"],[aria-hidden="true"],[data-openledger-ui]';

export interface TextBlock {
  element: Element;
  /** Rendered text: runs of whitespace collapsed to one space, trimmed. */
  text: string;
  nodes: Text[];
  /** For each character of `text`, the index in `nodes` and the offset in that node. */
  node: Int32Array;
  offset: Int32Array;
}

const WS = /[ \t\n\r\f]/;

/** Collect the visible text blocks under `root`, in document order. */
export function collectBlocks(root: Element): TextBlock[] {
  const groups = new Map<Element, { nodes: Text[]; breaks: boolean[] }>();
  // Blocks where a <br> or a nested block was passed since their last text node: the next
  // text node starts a new line, so words on either side must not run together.
  const pendingBreak = new Set<Element>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.nodeType === Node.ELEMENT_NODE && (n as Element).matches(SKIP)
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.ELEMENT_NODE) {
      const e = n as Element;
      const outer =
        e.tagName === 'BR' ? e.closest(BLOCK) : e.matches(BLOCK) ? e.parentElement?.closest(BLOCK) : null;
      if (outer) pendingBreak.add(outer);
      continue;
    }
    if (!(n as Text).data) continue;
    const block = n.parentElement?.closest(BLOCK);
    if (!block) continue;
    const g = groups.get(block) ?? { nodes: [], breaks: [] };
    groups.set(block, g);
    g.nodes.push(n as Text);
    g.breaks.push(pendingBreak.delete(block));
  }
  const blocks: TextBlock[] = [];
  for (const [element, g] of groups) {
    const block = toBlock(element, g.nodes, g.breaks);
    if (block.text) blocks.push(block);
  }
  return blocks;
}

function isVisible(e: Element): boolean {
  // checkVisibility covers display:none, content-visibility and (with the option) visibility:hidden.
  return e.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions);
}

function toBlock(element: Element, all: Text[], allBreaks: boolean[]): TextBlock {
  const pre = getComputedStyle(element).whiteSpace.startsWith('pre');
  const nodes: Text[] = [];
  let text = '';
  const node: number[] = [];
  const offset: number[] = [];
  let lineBreak = false;
  all.forEach((t, j) => {
    lineBreak ||= allBreaks[j]!;
    // Hidden text is left out; a break before it still separates what comes after.
    if (!isVisible(t.parentElement!)) return;
    const i = nodes.push(t) - 1;
    if (lineBreak && text && !text.endsWith(' ')) {
      // A space the DOM does not hold: map it past the end of the previous node, so a range
      // that ends on it covers nothing more and one that starts on it starts at the next node.
      text += ' ';
      node.push(i - 1);
      offset.push(nodes[i - 1]!.data.length);
    }
    lineBreak = false;
    const s = t.data;
    for (let k = 0; k < s.length; k++) {
      let ch = s[k]!;
      if (!pre && WS.test(ch)) {
        if (text.length === 0 || text.endsWith(' ')) continue;
        ch = ' ';
      }
      text += ch;
      node.push(i);
      offset.push(k);
    }
  });
  if (text.endsWith(' ')) {
    text = text.slice(0, -1);
    node.pop();
    offset.pop();
  }
  return { element, text, nodes, node: Int32Array.from(node), offset: Int32Array.from(offset) };
}
