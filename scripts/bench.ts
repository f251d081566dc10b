/**
 * Benchmark runner: `npm run bench -- <name>` runs one benchmark, `npm run bench -- --list`
 * lists them. Benchmarks are files named `<name>.bench.ts` under `packages/<pkg>/bench/`
 * or `bench/`; each prints progress to stderr and, as its last stdout line, one JSON object
 * (see shared DESIGN.md §6). The first `//` or `/** … *\/` comment line is its description.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = join(import.meta.dirname, '..');

function findBenchmarks(): Map<string, string> {
  const dirs = [join(root, 'bench')];
  for (const pkg of readdirSync(join(root, 'packages'))) dirs.push(join(root, 'packages', pkg, 'bench'));
  const found = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.bench.ts')) found.set(basename(f, '.bench.ts'), join(dir, f));
    }
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

function describe(file: string): string {
  const text = readFileSync(file, 'utf8');
  const m = /^\s*(?:\/\/\s*(.+)|\/\*\*?\s*\n?\s*\*?\s*(.+))/m.exec(text);
  return (m?.[1] ?? m?.[2] ?? '').replace(/\s*\*\/\s*$/, '').trim();
}

const [name, ...rest] = process.argv.slice(2);
const benches = findBenchmarks();
if (!name || name === '--list' || name === '-l') {
  for (const [n, f] of benches) console.log(`${n.padEnd(18)} ${describe(f)}`);
  if (!name) process.exitCode = benches.size ? 0 : 1;
} else {
  const file = benches.get(name);
  if (!file) {
    console.error(`Unknown benchmark "${name}". Known: ${[...benches.keys()].join(', ') || '(none)'}`);
    process.exit(2);
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@openledger/source', '--expose-gc', '--import', 'tsx', file, ...rest],
    { stdio: 'inherit', cwd: root },
  );
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
