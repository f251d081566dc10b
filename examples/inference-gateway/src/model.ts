/**
 * A small word-level Markov language model trained on accepted datanet contributions.
 * It is a real (if modest) generative model with one property that matters here: like a
 * large model that memorised parts of its training data, it reproduces verbatim spans, so
 * span attribution has honest evidence to find.
 */
export interface MarkovModel {
  /** Context length in words. */
  readonly order: number;
  /** Number of distinct contexts learned. */
  readonly contexts: number;
  /** Generate up to `maxWords` words continuing `prompt`, deterministically from `seed`. */
  generate(prompt: string, opts?: { maxWords?: number; seed?: number }): string;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** Train a Markov model of the given order on `texts`. */
export function trainMarkovModel(texts: readonly string[], order = 3): MarkovModel {
  const next = new Map<string, Map<string, number>>();
  const starts: string[] = [];
  for (const text of texts) {
    const w = words(text);
    for (let i = 0; i + order < w.length; i++) {
      const key = w.slice(i, i + order).join(' ');
      if (/[.!?]$/.test(w[i - 1] ?? '.') && /^[A-Z]/.test(w[i]!)) starts.push(key);
      let m = next.get(key);
      if (!m) {
        m = new Map();
        next.set(key, m);
      }
      const nw = w[i + order]!;
      m.set(nw, (m.get(nw) ?? 0) + 1);
    }
  }
  if (!starts.length) throw new Error('trainMarkovModel: no training text');
  return {
    order,
    contexts: next.size,
    generate(prompt, { maxWords = 80, seed = 1 } = {}) {
      let state = seed >>> 0 || 1;
      const rand = () => {
        // xorshift32: small, seedable, good enough for sampling.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 2 ** 32;
      };
      const promptWords = words(prompt);
      let ctx = promptWords.slice(-order);
      if (ctx.length < order || !next.has(ctx.join(' '))) {
        // Start from a sentence opening that shares a word with the prompt, if any.
        const lower = new Set(promptWords.map((x) => x.toLowerCase().replace(/\W/g, '')));
        const matching = starts.filter((s) =>
          s.split(' ').some((x) => lower.has(x.toLowerCase().replace(/\W/g, ''))),
        );
        const pool = matching.length ? matching : starts;
        ctx = pool[Math.floor(rand() * pool.length)]!.split(' ');
      }
      const out = [...ctx];
      while (out.length < maxWords) {
        const m = next.get(ctx.join(' '));
        if (!m) break;
        let total = 0;
        for (const c of m.values()) total += c;
        let r = rand() * total;
        let chosen = '';
        for (const [w, c] of m) {
          chosen = w;
          r -= c;
          if (r <= 0) break;
        }
        out.push(chosen);
        ctx = [...ctx.slice(1), chosen];
        if (out.length >= maxWords * 0.6 && /[.!?]["”’]?$/.test(chosen)) break;
      }
      return out.join(' ');
    },
  };
}
