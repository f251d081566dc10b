import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { RouteContext } from '../../api/context.js';
import { ApiError } from '../../errors.js';

/**
 * The devnet's API key of an account: `oldev_` followed by the hex sha256 of
 * `"openledger-devnet-api-key:" + privateKey` (the key lower-cased, with its `0x`). Anyone who
 * holds the account's private key can derive it, and the key reveals nothing about it. Send it
 * as `Authorization: Bearer <key>` (what `createClient({ apiKey })` does).
 *
 * @example
 * import { devnetApiKey, startDevnet } from '@openledger/devnet';
 * const devnet = await startDevnet();
 * const apiKey = devnetApiKey(devnet.accounts[0].privateKey);
 */
export function devnetApiKey(privateKey: `0x${string}` | string): string {
  return `oldev_${createHash('sha256').update(`openledger-devnet-api-key:${privateKey.toLowerCase()}`).digest('hex')}`;
}

const tables = new WeakMap<readonly unknown[], Map<string, `0x${string}`>>();

/** The account the request's API key belongs to; 401 when there is none or it is unknown. */
export function authenticate(c: Context, ctx: RouteContext): `0x${string}` {
  let keys = tables.get(ctx.accounts);
  if (!keys) {
    keys = new Map(
      ctx.accounts.map((a) => [devnetApiKey(a.privateKey), a.address.toLowerCase() as `0x${string}`]),
    );
    tables.set(ctx.accounts, keys);
  }
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const account = m ? keys.get(m[1]!) : undefined;
  if (!account)
    throw new ApiError(401, 'UNAUTHORIZED', 'Send a devnet API key as `Authorization: Bearer <key>`.', {
      headers: { 'www-authenticate': 'Bearer realm="openledger-devnet"' },
    });
  return account;
}
