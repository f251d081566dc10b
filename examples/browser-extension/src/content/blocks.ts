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
  const groups = new Map<Element, Text[]>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(n) {
      const parent = n.parentElement;
      if (!parent || !n.nodeValue?.trim() || parent.closest(SKIP)) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const block = n.parentElement!.closest(BLOCK);
    if (!block) continue;
    const list = groups.get(block);
    if (list) list.push(n as Text);
    else groups.set(block, [n as Text]);
  }
  const blocks: TextBlock[] = [];
  for (const [element, nodes] of groups) {
    const visible = nodes.filter((t) => isVisible(t.parentElement!));
    if (visible.length) blocks.push(toBlock(element, visible));
  }
  return blocks;
}

function isVisible(e: Element): boolean {
  // checkVisibility covers display:none, content-visibility and (with the option) visibility:hidden.
  return e.checkVisibility({ visibilityProperty: true } as CheckVisibilityOptions);
}

function toBlock(element: Element, nodes: Text[]): TextBlock {
  const pre = getComputedStyle(element).whiteSpace.startsWith('pre');
  let text = '';
  const node: number[] = [];
  const offset: number[] = [];
  nodes.forEach((t, i) => {
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
