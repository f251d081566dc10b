/**
 * Size check: bundles each real import listed in `packages/<pkg>/size.json` with esbuild
 * (minified, tree-shaken, browser platform, from the built `dist/`), gzips it, and fails
 * when a bundle is over its budget or contains a module it must not.
 *
 * size.json: [{ "name": "...", "import": "{ createClient }", "from": "@openledger/core",
 *               "limit": "8 kB", "forbid": ["ky"] }]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

interface SizeEntry {
  name: string;
  import: string;
  from: string;
  limit: string;
  forbid?: string[];
  platform?: 'browser' | 'node' | 'neutral';
}

const root = join(import.meta.dirname, '..');

function parseLimit(limit: string): number {
  const m = /^([\d.]+)\s*(B|kB|KB|MB)$/.exec(limit.trim());
  if (!m) throw new Error(`Bad size limit "${limit}" (use e.g. "8 kB")`);
  const n = Number(m[1]);
  return m[2] === 'B' ? n : m[2] === 'MB' ? n * 1000 * 1000 : n * 1000;
}

const rows: string[] = [];
let failed = false;
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', pkg, 'size.json');
  if (!existsSync(file)) continue;
  const entries = JSON.parse(readFileSync(file, 'utf8')) as SizeEntry[];
  for (const entry of entries) {
    const names = entry.import
      .replace(/[{}]/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const result = await build({
      stdin: {
        contents: `import ${entry.import} from '${entry.from}';\nconsole.log(${names.map((n) => n.split(/\s+as\s+/).pop()).join(', ')});\n`,
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      write: false,
      minify: true,
      treeShaking: true,
      format: 'esm',
      platform: entry.platform ?? 'browser',
      metafile: true,
      logLevel: 'silent',
      external: entry.platform === 'node' ? ['node:*'] : [],
    });
    const code = result.outputFiles[0]!.contents;
    const gz = gzipSync(code, { level: 9 }).length;
    const limit = parseLimit(entry.limit);
    // Only modules that contribute bytes to the bundle: esbuild also lists modules it parsed and
    // then tree-shook away entirely, which would make every `forbid` check a false positive.
    const inputs = Object.values(result.metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, v]) => v.bytesInOutput > 0)
        .map(([k]) => k),
    );
    const bad = (entry.forbid ?? []).filter((mod) =>
      inputs.some((i) => i.includes(`node_modules/${mod}/`) || i.includes(`node_modules/${mod}@`)),
    );
    const ok = gz <= limit && bad.length === 0;
    if (!ok) failed = true;
    rows.push(
      `${ok ? 'ok  ' : 'FAIL'} ${entry.name.padEnd(48)} ${(gz / 1000).toFixed(2).padStart(8)} kB gz / ${entry.limit}` +
        (bad.length ? `  contains forbidden: ${bad.join(', ')}` : ''),
    );
  }
}
console.log(rows.join('\n'));
if (!rows.length) console.log('no size entries found');
if (failed) {
  console.error('size check failed');
  process.exit(1);
}
