/**
 * The extension's UI inside the page: a popover listing a highlighted span's contributors and a
 * small summary panel. Built from DOM nodes and `textContent` only: addresses and ids come from
 * the index, which is data, never markup.
 */
import type { BlockSpan, PageContribution } from '../messages.js';

const CSS = `
mark[data-openledger]{background:#ffe27a;color:inherit;border-bottom:2px solid #d49b00;border-radius:2px;cursor:help;padding:0}
mark[data-openledger].openledger-active{background:#ffc94d}
[data-openledger-ui]{all:initial;font:13px/1.45 system-ui,sans-serif;color:#1d2330;background:#fff;border:1px solid #c9ced8;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:10px 12px;max-width:420px;z-index:2147483647}
[data-openledger-ui] b{font-weight:600}
[data-openledger-ui] ul{margin:6px 0 0;padding:0 0 0 16px}
[data-openledger-ui] li{margin:2px 0}
[data-openledger-ui] code{font:12px ui-monospace,monospace;background:#f2f4f7;padding:0 3px;border-radius:3px}
[data-openledger-ui].openledger-error{border-color:#d33;color:#8a1010}
#openledger-popover{position:absolute;margin:0}
#openledger-popover:not(:popover-open){display:none}
#openledger-popover:popover-open{display:block}
#openledger-summary{position:fixed;right:16px;bottom:16px;display:block}
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** Insert the stylesheet once. */
export function ensureStyle(): void {
  if (document.getElementById('openledger-style')) return;
  const style = el('style', CSS);
  style.id = 'openledger-style';
  style.dataset.openledgerUi = '';
  (document.head ?? document.documentElement).append(style);
}

/** Remove the extension's UI (before a new run). */
export function removeUi(): void {
  for (const e of document.querySelectorAll('#openledger-popover,#openledger-summary')) e.remove();
}

/** Show the popover for span `span` under `anchor` on hover and on keyboard focus. */
export function attachPopover(marks: HTMLElement[], spans: BlockSpan[], page: PageContribution[]): void {
  const pop = el('div');
  pop.id = 'openledger-popover';
  pop.dataset.openledgerUi = '';
  pop.setAttribute('popover', 'manual');
  pop.setAttribute('role', 'tooltip');
  document.body.append(pop);
  const pageShare = new Map(page.map((c) => [JSON.stringify([c.contributionId, c.contributor]), c.share]));

  const show = (mark: HTMLElement) => {
    const span = spans[Number(mark.dataset.span)]!;
    pop.replaceChildren(
      el(
        'b',
        `Attributed to ${span.sources.length === 1 ? 'one contribution' : `${span.sources.length} contributions`}`,
      ),
    );
    const list = el('ul');
    for (const s of span.sources) {
      const li = el('li');
      li.className = 'openledger-source';
      li.append(
        el('code', s.contributor),
        ` — contribution `,
        el('code', s.contributionId),
        `: ${pct(s.spanShare)} of this passage, ${pct(pageShare.get(JSON.stringify([s.contributionId, s.contributor])) ?? 0)} of the page's attributed text`,
      );
      list.append(li);
    }
    pop.append(list, el('div', `Occurs ${span.count} time${span.count === 1 ? '' : 's'} in the index.`));
    for (const m of marks) m.classList.toggle('openledger-active', m.dataset.span === mark.dataset.span);
    const r = mark.getBoundingClientRect();
    pop.style.left = `${Math.max(8, r.left + scrollX)}px`;
    pop.style.top = `${r.bottom + scrollY + 6}px`;
    pop.showPopover();
  };
  const hide = () => {
    pop.hidePopover();
    for (const m of marks) m.classList.remove('openledger-active');
  };
  for (const m of marks) {
    m.setAttribute('aria-describedby', pop.id);
    m.addEventListener('mouseenter', () => show(m));
    m.addEventListener('focus', () => show(m));
    m.addEventListener('mouseleave', hide);
    m.addEventListener('blur', hide);
  }
}

/** The summary panel: page contribution shares, or what went wrong. */
export function showSummary(
  content: { error: string } | { spans: number; contributions: PageContribution[] },
): void {
  const box = el('aside');
  box.id = 'openledger-summary';
  box.dataset.openledgerUi = '';
  box.setAttribute('role', 'status');
  if ('error' in content) {
    box.classList.add('openledger-error');
    box.append(el('b', 'OpenLedger: '), content.error);
  } else if (content.spans === 0) {
    box.append(el('b', 'OpenLedger: '), 'no text on this page is attributed to the index.');
  } else {
    box.append(el('b', `OpenLedger: ${content.spans} passage${content.spans === 1 ? '' : 's'} attributed`));
    const list = el('ul');
    for (const c of content.contributions) {
      const li = el('li');
      li.append(el('code', c.contributor), ` ${pct(c.share)} (`, el('code', c.contributionId), ')');
      list.append(li);
    }
    box.append(list);
  }
  const close = el('button', '×');
  close.setAttribute('aria-label', 'Close');
  close.style.cssText = 'all:unset;float:right;cursor:pointer;margin-left:8px;font-size:16px;line-height:1';
  close.addEventListener('click', () => box.remove());
  box.prepend(close);
  document.body.append(box);
}
