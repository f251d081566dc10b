/** @packageDocumentation @openledger/attribution */
export {};
