/**
 * Builds the unpacked extension into `examples/browser-extension/dist/`: the service worker (an
 * ES module), the content script and the options page script (classic scripts), bundled with
 * esbuild from the workspace sources, plus manifest.json and options.html.
 *
 *   npm run build -w examples/browser-extension   # or: npx tsx examples/browser-extension/src/build.ts [outDir]
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT_DIR = join(here, '..', 'dist');

/** The MV3 manifest. Loopback is granted up front (a local devnet serves its index there); other index origins are asked for from the options page. */
export const manifest = {
  manifest_version: 3,
  name: 'OpenLedger attribution',
  version: '0.1.0',
  description: "Highlights a page's text attributed to datanet contributions and shows who contributed it.",
  // 121: Element.checkVisibility({ visibilityProperty }) and the popover API.
  minimum_chrome_version: '121',
  action: { default_title: 'Attribute this page (OpenLedger)' },
  background: { service_worker: 'background.js', type: 'module' },
  options_ui: { page: 'options.html', open_in_tab: true },
  permissions: ['activeTab', 'scripting', 'storage'],
  host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
  optional_host_permissions: ['http://*/*', 'https://*/*'],
  content_security_policy: { extension_pages: "script-src 'self'; object-src 'self'" },
};

/** Build the extension into `outDir` (emptied first) and return its path. */
export async function buildExtension(outDir: string = DEFAULT_OUT_DIR): Promise<string> {
  outDir = resolve(outDir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'browser',
    target: 'chrome121',
    conditions: ['@openledger/source', 'browser', 'module', 'import'],
    legalComments: 'none',
    logLevel: 'warning',
    minifySyntax: true,
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(here, 'background.ts')],
      outfile: join(outDir, 'background.js'),
      format: 'esm',
    }),
    // executeScript({ files }) runs classic scripts, not modules.
    build({
      ...common,
      entryPoints: [join(here, 'content', 'main.ts')],
      outfile: join(outDir, 'content.js'),
      format: 'iife',
    }),
    build({
      ...common,
      entryPoints: [join(here, 'options.ts')],
      outfile: join(outDir, 'options.js'),
      format: 'iife',
    }),
  ]);
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(here, 'options.html'), join(outDir, 'options.html'));
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildExtension(process.argv[2]);
  console.log(`Built the extension into ${out}; load it unpacked from chrome://extensions.`);
}
