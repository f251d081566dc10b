import { createClient, isValidationError } from '@openledger/core';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createDatanet } from './createDatanet.js';
import { submitContribution } from './submitContribution.js';

// Port 9 (discard) on loopback: these calls must fail before they send anything.
const client = createClient({ baseUrl: 'http://127.0.0.1:9', retry: 0, timeout: 1000 });
const owner = '0x0000000000000000000000000000000000000001';

describe('actions refuse misuse before any request', () => {
  test('submitContribution needs a file name when given bare bytes', async () => {
    const e = await submitContribution(client, { datanetId: 'x', file: new Uint8Array([1, 2, 3]) }).catch(
      (x) => x,
    );
    expect(isValidationError(e)).toBe(true);
    expect(e.issues[0].path).toEqual(['fileName']);
  });

  test('submitContribution refuses inputs that are not bytes or blobs', async () => {
    const e = await submitContribution(client, {
      datanetId: 'x',
      file: 'a path' as unknown as Blob,
      fileName: 'a.txt',
    }).catch((x) => x);
    expect(isValidationError(e)).toBe(true);
  });

  test('createDatanet checks the spec locally and names the bad field', async () => {
    const e = await createDatanet(client, { spec: { id: 'X!', name: 'n', kind: 'text', owner } }).catch(
      (x) => x,
    );
    expect(isValidationError(e)).toBe(true);
    expect(e.issues[0].path).toEqual(['id']);
  });

  test('createDatanet refuses an in-process zod row schema, which cannot travel as JSON', async () => {
    const e = await createDatanet(client, {
      spec: { id: 'rows', name: 'Rows', kind: 'text', owner, rows: { schema: z.object({ q: z.string() }) } },
    }).catch((x) => x);
    expect(isValidationError(e)).toBe(true);
    expect(e.issues[0].path).toEqual(['spec', 'rows', 'schema']);
  });
});
