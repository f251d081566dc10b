/** @packageDocumentation @openledger/lora */
export {};
