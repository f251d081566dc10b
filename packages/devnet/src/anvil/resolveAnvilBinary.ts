import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DevnetError } from '../errors.js';
import { packageRoot } from '../util/packageRoot.js';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/**
 * Path of the anvil executable shipped by the npm package `@foundry-rs/anvil` (its
 * per-platform optional dependency), or `$ANVIL_BINARY` when set.
 *
 * @example
 * import { resolveAnvilBinary } from '@openledger/devnet';
 * console.log(resolveAnvilBinary()); // .../@foundry-rs/anvil-linux-amd64/bin/anvil
 */
export function resolveAnvilBinary(): string {
  const fromEnv = process.env.ANVIL_BINARY;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new DevnetError('ANVIL_NOT_FOUND', `ANVIL_BINARY points to a missing file.`, {
        metaMessages: [fromEnv],
      });
    return fromEnv;
  }
  const arch = ARCH[process.arch];
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch ?? process.arch}`;
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  try {
    // The platform package is a dependency of @foundry-rs/anvil, so resolve from there.
    const { dir } = packageRoot('@foundry-rs/anvil');
    const path = createRequire(join(dir, 'package.json')).resolve(`${platformPackage}/bin/${exe}`);
    if (existsSync(path)) return path;
  } catch {
    // Reported below.
  }
  throw new DevnetError('ANVIL_NOT_FOUND', `No anvil binary for ${process.platform}-${process.arch}.`, {
    metaMessages: [
      `Expected the npm package ${platformPackage} (an optional dependency of @foundry-rs/anvil).`,
      'Reinstall without --no-optional, or set ANVIL_BINARY to an anvil executable.',
    ],
  });
}
