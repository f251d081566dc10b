import { definePackageConfig } from '../../tsup.config.base.js';

// Node-only package: node: builtins stay external, and `import.meta.url` is shimmed in CJS.
export default definePackageConfig(
  { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', cli: 'src/cli.ts' },
  { platform: 'node', shims: true },
);
