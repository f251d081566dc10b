import type { Hono } from 'hono';
import type { DevnetAccount } from '../anvil/startAnvil.js';
import type { DevnetChain } from '../chain.js';
import type { DevnetLogger } from '../logger.js';
import type { DevnetStorage, Migration } from '../storage/types.js';
import type { RouteDefinition, RouteHandler } from './defineRoute.js';

/** Addresses of contracts deployed on the devnet, by name. */
export type DevnetContracts = Record<string, `0x${string}`>;

/** What every route module gets: the devnet's shared services. */
export interface RouteContext {
  storage: DevnetStorage;
  chain: DevnetChain;
  rpcUrl: string;
  /** Funded accounts; `accounts[0]` deployed the contracts. */
  accounts: readonly DevnetAccount[];
  contracts: DevnetContracts;
  logger: DevnetLogger;
  /** The clock; injectable (`startDevnet({ now })`) so day boundaries and quotas are testable. */
  now(): Date;
}

/** Registers operations on the API. */
export interface ApiRouter {
  /** Add an operation: validated, checked, and listed in `/openapi.json`. */
  handle<R extends RouteDefinition>(route: R, handler: RouteHandler<R>): void;
  /** The underlying Hono app, for the rare raw route that is not part of the documented API. */
  readonly app: Hono;
}

/** A feature's slice of the API: its storage migrations and its operations. */
export interface RouteModule {
  /** Unique, e.g. `datanets`; also the default OpenAPI tag and the migrations' namespace. */
  name: string;
  migrations?: readonly Migration[];
  register(api: ApiRouter, ctx: RouteContext): void | Promise<void>;
}

/**
 * Declare a route module (identity function that checks the shape).
 *
 * @example
 * import { z } from 'zod';
 * import { defineRoute, defineRouteModule } from '@openledger/devnet';
 * const ping = defineRoute({ method: 'get', path: '/v1/ping', summary: 'Ping', responses: { 200: z.object({ pong: z.literal(true) }) } });
 * export const pingRoutes = defineRouteModule({
 *   name: 'ping',
 *   register(api) {
 *     api.handle(ping, () => ({ status: 200, body: { pong: true } }));
 *   },
 * });
 */
export function defineRouteModule(module: RouteModule): RouteModule {
  return module;
}
