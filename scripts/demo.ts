/**
 * `npm run demo`: the OpenLedger loop end to end against a local devnet. It grows as the
 * packages land; today it shows the pieces that exist.
 */
import { OpenLedgerError } from '@openledger/core';

const err = new OpenLedgerError('Demo error with a secret apiKey=sk-demo-123456 inside.', {
  details: 'authorization: Bearer sk-demo-123456',
});
console.log('OpenLedger SDK demo');
console.log('Errors redact secrets:', JSON.stringify(err.message));
