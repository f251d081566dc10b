const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words (letter/number runs) of a text: BM25's terms, whatever the tokenizer. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []) as string[];
}

/**
 * BM25 (k1 = 1.2, b = 0.75) of each document against the query terms, with document
 * frequencies and average length taken over the given documents.
 */
export function bm25(query: readonly string[], docs: readonly string[][], k1 = 1.2, b = 0.75): number[] {
  const N = docs.length;
  if (N === 0) return [];
  const terms = [...new Set(query)];
  const tfs = docs.map((d) => {
    const m = new Map<string, number>();
    for (const w of d) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  });
  const avg = docs.reduce((a, d) => a + d.length, 0) / N || 1;
  const idf = new Map<string, number>();
  for (const t of terms) {
    let df = 0;
    for (const tf of tfs) if (tf.has(t)) df++;
    idf.set(t, Math.log(1 + (N - df + 0.5) / (df + 0.5)));
  }
  return docs.map((d, i) => {
    let s = 0;
    for (const t of terms) {
      const f = tfs[i]!.get(t) ?? 0;
      if (f) s += (idf.get(t)! * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avg));
    }
    return s;
  });
}
