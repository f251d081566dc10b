/**
 * Wrapping character ranges of a text block in `<mark data-openledger>` elements. A range that
 * runs across several text nodes becomes one mark per node, all carrying the same `data-span`.
 */
import type { TextBlock } from './blocks.js';

export interface Piece {
  node: Text;
  start: number;
  end: number;
  span: number;
}

/** The per-text-node pieces of block characters `[start, end)`. */
export function pieces(block: TextBlock, start: number, end: number, span: number): Piece[] {
  const out: Piece[] = [];
  let k = start;
  while (k < end) {
    const n = block.node[k]!;
    let last = k;
    while (last + 1 < end && block.node[last + 1] === n) last++;
    const node = block.nodes[n]!;
    const from = block.offset[k]!;
    // A separator space maps past the end of its node (see collectBlocks): clamp, and drop what is left empty.
    const to = Math.min(block.offset[last]! + 1, node.data.length);
    if (from < to) out.push({ node, start: from, end: to, span });
    k = last + 1;
  }
  return out;
}

/**
 * Wrap all pieces. They are applied from the end of each node backwards, so splitting a node
 * never shifts the offsets of the pieces still to do. Returns the marks in document order.
 */
export function wrapPieces(all: Piece[]): HTMLElement[] {
  const byNode = new Map<Text, Piece[]>();
  for (const p of all) {
    const list = byNode.get(p.node);
    if (list) list.push(p);
    else byNode.set(p.node, [p]);
  }
  const marks: HTMLElement[] = [];
  for (const [node, list] of byNode) {
    list.sort((a, b) => b.start - a.start);
    for (const p of list) {
      const middle = node.splitText(p.start);
      middle.splitText(p.end - p.start);
      const mark = document.createElement('mark');
      mark.dataset.openledger = '';
      mark.dataset.span = String(p.span);
      mark.tabIndex = 0;
      middle.replaceWith(mark);
      mark.append(middle);
      marks.push(mark);
    }
  }
  return marks.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

/** Undo earlier highlights: unwrap every mark and merge the split text back. */
export function clearHighlights(root: Element): void {
  const parents = new Set<Node>();
  for (const mark of root.querySelectorAll('mark[data-openledger]')) {
    parents.add(mark.parentNode!);
    mark.replaceWith(...mark.childNodes);
  }
  for (const p of parents) p.normalize();
}
