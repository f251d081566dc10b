/** @packageDocumentation @openledger/token */
export {};
