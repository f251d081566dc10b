#!/usr/bin/env node
/**
 * The npm registry this project installs from serves only the Linux x64 builds of
 * platform-specific packages (esbuild, rollup, biome, anvil, sharp, …). `npm install` then
 * leaves the other platforms' optional packages out of package-lock.json, and `npm ci`
 * refuses the lock as "out of sync". This adds a placeholder entry (version, os/cpu/libc,
 * optional) for each missing optional dependency, which `npm ci` skips on a non-matching
 * platform exactly as it would a complete entry. Run after `npm install`:
 *   node scripts/lockfile-platforms.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'sunos',
  'win32',
  'aix',
  'openharmony',
  'cygwin',
];
const CPU = [
  'arm64',
  'x64',
  'ia32',
  'arm',
  'ppc64',
  's390x',
  'riscv64',
  'loong64',
  'mips64el',
  'wasm32',
  'x32',
];
const ALIAS = {
  windows: 'win32',
  macos: 'darwin',
  mac: 'darwin',
  amd64: 'x64',
  aarch64: 'arm64',
  x86_64: 'x64',
  386: 'ia32',
};

function platformOf(name) {
  const parts = name
    .split('/')
    .pop()
    .split(/[-_]/)
    .map((p) => ALIAS[p] ?? p);
  const os = parts.filter((p) => OS.includes(p));
  const cpu = parts.filter((p) => CPU.includes(p) || p === 'arm64ec');
  const libc = parts.includes('musl')
    ? ['musl']
    : parts.includes('gnu') || parts.includes('glibc')
      ? ['glibc']
      : undefined;
  if (parts.includes('wasm32') || parts.includes('wasi')) return { cpu: ['wasm32'] };
  return { ...(os.length ? { os } : {}), ...(cpu.length ? { cpu } : {}), ...(libc ? { libc } : {}) };
}

/** Where npm would place `dep` for the package at `path` (nearest node_modules up the tree). */
function locate(path, dep) {
  let base = path;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    const i = base.lastIndexOf('/node_modules/');
    if (i === -1) return base.startsWith('node_modules/') ? locate('', dep) : null;
    base = base.slice(0, i);
  }
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    if (locate(path, dep)) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform build: leave it to npm
    packages[`node_modules/${dep}`] = {
      version: range.replace(/^[\^~=]/, ''),
      ...platform,
      optional: true,
      ...(meta.dev ? { dev: true } : {}),
      ...(meta.peer ? { peer: true } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile-platforms: added ${added} placeholder entries`);
