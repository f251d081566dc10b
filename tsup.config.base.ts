import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The one build every package uses: ESM + CJS bundles per entry with tsup, and
 * per-file declarations (with declaration maps back to `src/`) from `tsc`, copied
 * to `.d.cts` twins so that `require` consumers get CJS-flavoured types.
 */
export function definePackageConfig(entry: Record<string, string>, extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    treeshake: true,
    sourcemap: true,
    clean: true,
    dts: false,
    outDir: 'dist',
    tsconfig: 'tsconfig.build.json',
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    ...extra,
    async onSuccess() {
      emitDeclarations();
    },
  });
}

function emitDeclarations() {
  const tsc = join(process.cwd(), '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  for (const file of walk('dist')) {
    if (file.endsWith('.d.ts')) {
      const cts = `${file.slice(0, -'.d.ts'.length)}.d.cts`;
      const src = readFileSync(file, 'utf8')
        .replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)\.js\2/g, '$1$2$3.cjs$2')
        .replace(/\/\/# sourceMappingURL=(.+)\.d\.ts\.map/, '//# sourceMappingURL=$1.d.cts.map');
      writeFileSync(cts, src);
    } else if (file.endsWith('.d.ts.map')) {
      const map = JSON.parse(readFileSync(file, 'utf8')) as { file: string };
      map.file = map.file.replace(/\.d\.ts$/, '.d.cts');
      writeFileSync(`${file.slice(0, -'.d.ts.map'.length)}.d.cts.map`, JSON.stringify(map));
    }
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
