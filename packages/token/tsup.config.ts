import { definePackageConfig } from '../../tsup.config.base.js';

// The two internal entries only shape the chunks (ethers-based vs ethers-free code), so that
// index.js is re-exports and bundlers can drop the ethers chunk when it is not used.
export default definePackageConfig({
  index: 'src/index.ts',
  'internal/chunkOnchain': 'src/internal/chunkOnchain.ts',
  'internal/chunkOffchain': 'src/internal/chunkOffchain.ts',
});
