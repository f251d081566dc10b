import { describe, expect, test } from 'vitest';
import { isOpenLedgerError, OpenLedgerError } from './base.js';
import { HttpError, NetworkError, TimeoutError, ValidationError } from './errors.js';
import { isHttpError, isTimeoutError, isValidationError } from './guards.js';

describe('OpenLedgerError', () => {
  test('builds a message from short message, meta messages, docs and details', () => {
    const err = new OpenLedgerError('It broke.', {
      details: 'disk full',
      metaMessages: ['step 2'],
      docsPath: '/x',
    });
    expect(err.message.split('\n')).toEqual([
      'It broke.',
      '',
      'step 2',
      '',
      'Docs: https://docs.openledger.xyz/sdk/x',
      'Details: disk full',
    ]);
    expect(err.shortMessage).toBe('It broke.');
  });

  test('walk() finds the deepest cause or the first match', () => {
    const root = new TypeError('socket hang up');
    const net = new NetworkError({ method: 'GET', url: 'http://x/y', cause: root });
    const top = new OpenLedgerError('Outer.', { cause: net });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof NetworkError)).toBe(net);
    expect(top.walk(() => false)).toBeNull();
    expect(net.details).toBe('socket hang up');
  });

  test('guards match on name, also for errors from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'HttpError',
      code: 'NOT_FOUND',
      shortMessage: 'x',
      walk: () => null,
    });
    expect(isOpenLedgerError(foreign)).toBe(true);
    expect(isHttpError(foreign)).toBe(true);
    expect(isTimeoutError(foreign)).toBe(false);
    expect(isOpenLedgerError(new Error('plain'))).toBe(false);
    expect(isValidationError(new ValidationError('bad', { issues: [] }))).toBe(true);
  });

  test.each([
    ['authorization: Bearer sk_live_abcdef123456', 'sk_live_abcdef123456'],
    ['{"apiKey":"key-0123456789"}', 'key-0123456789'],
    ['x-api-key=topsecretvalue', 'topsecretvalue'],
    ['privateKey: 0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', '59c6995e998f'],
  ])('redacts secrets from every message: %s', (text, secret) => {
    const err = new OpenLedgerError(`Failed: ${text}`, { details: text, metaMessages: [text] });
    expect(err.message).not.toContain(secret);
    expect(err.shortMessage).not.toContain(secret);
    expect(err.details).not.toContain(secret);
    expect(err.metaMessages.join()).not.toContain(secret);
  });

  test('redacts caller-named secrets verbatim', () => {
    const err = new OpenLedgerError('token abcd-efgh leaked', { secrets: ['abcd-efgh'] });
    expect(err.message).toBe('token [redacted] leaked');
  });

  test('HttpError maps statuses to stable codes and strips query strings', () => {
    const codes = [400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 418].map(
      (status) => new HttpError({ status, method: 'GET', url: 'http://h/p?apiKey=s3cr3tvalue' }).code,
    );
    expect(codes).toEqual([
      'BAD_REQUEST',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'PAYLOAD_TOO_LARGE',
      'UNPROCESSABLE',
      'RATE_LIMITED',
      'SERVER_ERROR',
      'SERVER_ERROR',
      'HTTP_ERROR',
    ]);
    const e = new HttpError({
      status: 404,
      method: 'GET',
      url: 'http://h/p?apiKey=s3cr3tvalue',
      body: { error: { message: 'no such datanet' } },
      requestId: 'req-1',
    });
    expect(e.message).not.toContain('s3cr3t');
    expect(e.details).toBe('no such datanet');
    expect(e.message).toContain('Request id: req-1');
    expect(new TimeoutError({ timeout: 50 }).code).toBe('TIMEOUT');
  });
});
