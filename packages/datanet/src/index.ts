/** @packageDocumentation @openledger/datanet */
export {};
