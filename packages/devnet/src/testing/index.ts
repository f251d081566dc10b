/**
 * @packageDocumentation
 * `@openledger/devnet/testing`: a devnet per test file. `useDevnet` needs vitest (an
 * optional peer dependency); `withDevnet` works anywhere.
 */
export { useDevnet } from './useDevnet.js';
export { withDevnet } from './withDevnet.js';
