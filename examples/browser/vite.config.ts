import { defineConfig } from 'vite';

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources (no build needed); an app using
  // the published packages drops this.
  resolve: { conditions: ['@openledger/source', 'module', 'browser', 'development|production'] },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
