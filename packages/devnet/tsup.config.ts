import { definePackageConfig } from '../../tsup.config.base.js';

// Node-only package: node: builtins stay external, and `import.meta.url` is shimmed in CJS.
// Route definitions are declarations: marking their calls pure lets bundlers drop unused
// route modules (and the feature packages they import) from an import like `defineRoute`.
export default definePackageConfig(
  { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', cli: 'src/cli.ts' },
  {
    platform: 'node',
    shims: true,
    esbuildOptions(options) {
      options.pure = [...(options.pure ?? []), 'defineRoute', 'defineRouteModule'];
    },
  },
);
