/**
 * Packs every publishable package and runs publint and @arethetypeswrong/cli on the tarball.
 * Run after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'ol-pack-'));
let failed = false;
try {
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', pkg);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      private?: boolean;
      name: string;
    };
    if (manifest.private) continue;
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
      cwd: dir,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    const file = join(out, tgz);
    for (const [tool, args] of [
      ['publint', [file, '--strict']],
      ['attw', [file, '--profile', 'node16', '--format', 'table-flipped']],
    ] as const) {
      try {
        execFileSync(bin(tool), [...args], { stdio: 'pipe', encoding: 'utf8' });
        console.log(`ok   ${manifest.name} ${tool}`);
      } catch (e) {
        failed = true;
        const err = e as { stdout?: string; stderr?: string };
        console.log(`FAIL ${manifest.name} ${tool}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed) process.exit(1);
