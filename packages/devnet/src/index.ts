/** @packageDocumentation @openledger/devnet */
export {};
