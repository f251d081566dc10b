import { describe, expect, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { isValidationError } from '../errors/guards.js';
import { createClient } from './createClient.js';

// Nothing listens on port 9 (discard); these tests fail before any byte is sent.
const baseUrl = 'http://127.0.0.1:9';

describe('createClient misuse', () => {
  test.each(['not a url', 'ftp://host', 'http://h/?q=1', 'http://h/#frag'])('rejects baseUrl %j', (url) => {
    let err: unknown;
    try {
      createClient({ baseUrl: url });
    } catch (e) {
      err = e;
    }
    expect(isValidationError(err)).toBe(true);
  });

  test('strips a trailing slash from baseUrl and keeps its path prefix', () => {
    expect(createClient({ baseUrl: 'https://api.example.com/prefix/' }).baseUrl).toBe(
      'https://api.example.com/prefix',
    );
  });

  test.each(['v1/x', '//evil.example/v1', 'https://evil.example/v1', '/v1/a b', '/v1#x'])(
    'rejects path %j, so the API key cannot be sent elsewhere',
    async (path) => {
      const client = createClient({ baseUrl, apiKey: 'sk_test_123456' });
      const err = await client.request({ path, schema: z.unknown() }).catch((e) => e);
      expect(isValidationError(err)).toBe(true);
    },
  );

  test('an error thrown by a hook propagates unchanged', async () => {
    const boom = new RangeError('hook failed');
    const client = createClient({
      baseUrl,
      hooks: {
        beforeRequest: [
          () => {
            throw boom;
          },
        ],
      },
    });
    await expect(client.request({ path: '/v1/x', schema: z.unknown() })).rejects.toBe(boom);
  });

  test('json and body together are refused', async () => {
    const err = await createClient({ baseUrl })
      .request({ method: 'POST', path: '/v1/x', json: {}, body: 'x', schema: z.unknown() })
      .catch((e) => e);
    expect(isValidationError(err)).toBe(true);
  });

  test('the return type is inferred from the zod schema', () => {
    const client = createClient({ baseUrl });
    const run = () =>
      client.request({ path: '/v1/x', schema: z.object({ id: z.string(), n: z.number().optional() }) });
    expectTypeOf(run).returns.resolves.toEqualTypeOf<{ id: string; n?: number | undefined }>();
    const bytes = () => client.request({ path: '/v1/x', responseType: 'bytes' });
    expectTypeOf(bytes).returns.resolves.toEqualTypeOf<Uint8Array>();
  });
});
