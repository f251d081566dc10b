import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The directory of an installed package, found from its resolved entry point so that it
 * works for packages whose `exports` hide `package.json`. Resolution starts at `from`
 * (default: this module), as Node would from there.
 */
export function packageRoot(name: string, from: string = import.meta.url): { dir: string; version: string } {
  const require = createRequire(from);
  try {
    const file = require.resolve(`${name}/package.json`);
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
    return { dir: dirname(file), version: pkg.version ?? '0.0.0' };
  } catch {
    // `exports` hides package.json (or there is no main): climb from the entry point.
  }
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name) return { dir, version: pkg.version ?? '0.0.0' };
    } catch {
      // No package.json here: keep climbing.
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find the package root of ${name}`);
    dir = up;
  }
}
