import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through this condition,
// so tests and examples run without a build.
const conditions = ['@openledger/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openledger/source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'packages/*/test/**/*.int.test.ts',
            'examples/*/**/*.int.test.ts',
            'scripts/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          testTimeout: 180_000,
          // Integration tests start real processes (anvil, servers, Chromium): keep them from
          // fighting over the two cores of a CI machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
