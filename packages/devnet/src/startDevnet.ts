import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { type AnvilInstance, type DevnetAccount, startAnvil } from './anvil/startAnvil.js';
import type { DevnetContracts, RouteContext, RouteModule } from './api/context.js';
import { apiMigrations, createApiApp } from './api/createApiApp.js';
import { type DevnetChain, devnetChain } from './chain.js';
import { type DeployDevnetContracts, defaultDeployContracts, ensureContracts } from './contracts.js';
import { DevnetError } from './errors.js';
import { type DevnetLogger, silentLogger } from './logger.js';
import { defaultRouteModules } from './routes/index.js';
import { createPgliteStorage } from './storage/createPgliteStorage.js';
import { runMigrations } from './storage/runMigrations.js';
import type { DevnetStorage } from './storage/types.js';
import { lockDataDir } from './util/lockDataDir.js';
import { track } from './util/reaper.js';

/** Options of {@link startDevnet}. */
export interface StartDevnetOptions {
  /** Directory that keeps the API's database and the chain state across restarts; in memory when omitted. */
  dataDir?: string;
  /** Port of the HTTP API; 0 (default) picks a free one. */
  port?: number;
  /** Port of anvil's JSON-RPC; 0 (default) picks a free one. */
  chainPort?: number;
  /** Address both servers bind. Default `127.0.0.1`. */
  host?: string;
  /** Chain id of the devnet. Default 1337. */
  chainId?: number;
  /** Funded accounts to create. Default 10. */
  accounts?: number;
  /** Seconds between blocks; a block per transaction when omitted. */
  blockTime?: number;
  /**
   * Deploys the contracts once the chain is up; default: the token package's deployer.
   * With `dataDir`, contracts recorded there are reused while the chain still has them. `false`: none.
   */
  contracts?: DeployDevnetContracts | false;
  /** Storage to use instead of PGlite, e.g. `createPostgresStorage(pool)`. Closed by `stop()`. */
  storage?: DevnetStorage;
  /** Route modules to serve. Default {@link defaultRouteModules}. */
  routes?: readonly RouteModule[];
  /** The API's clock. Default `() => new Date()`. */
  now?: () => Date;
  /** Largest request body in bytes, unless a route says otherwise. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Origins browsers may call the API from. Default `'*'`; `false` disables CORS. */
  corsOrigin?: string | string[] | false;
  logger?: DevnetLogger;
  /** Aborts the start (everything started so far is stopped). */
  signal?: AbortSignal;
  /** Milliseconds to wait for anvil. Default 30 000. */
  timeout?: number;
}

/** A running devnet. */
export interface Devnet {
  /** Base URL of the OpenLedger HTTP API, e.g. `http://127.0.0.1:43121`. */
  url: string;
  /** anvil's JSON-RPC URL. */
  rpcUrl: string;
  chain: DevnetChain;
  /** Funded accounts; the keys are public test keys. */
  accounts: readonly DevnetAccount[];
  /** Addresses of the contracts deployed at start. */
  contracts: DevnetContracts;
  storage: DevnetStorage;
  /** pid of the anvil process. */
  anvilPid: number;
  /** Milliseconds each start phase took (anvil then contracts, in parallel with storage). */
  timings: {
    anvil: number;
    storage: number;
    contracts: number;
    migrations: number;
    server: number;
    total: number;
  };
  /** The OpenAPI 3.1 document served at `/openapi.json`. */
  openapi(): Record<string, unknown>;
  /** Stop the API server, anvil and the storage. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Start a local OpenLedger: anvil (from the `@foundry-rs/anvil` npm package) and the
 * reference HTTP API (Hono) with PGlite storage, both on loopback. With `dataDir`, the
 * API's data and the chain state survive restarts.
 *
 * @example
 * import { startDevnet } from '@openledger/devnet';
 * const devnet = await startDevnet({ dataDir: '.devnet' });
 * console.log(devnet.url, devnet.rpcUrl, devnet.accounts[0]?.address);
 * await devnet.stop();
 */
export async function startDevnet(options: StartDevnetOptions = {}): Promise<Devnet> {
  const t0 = performance.now();
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? silentLogger;
  checkPort('port', options.port);
  checkPort('chainPort', options.chainPort);
  if (options.chainId !== undefined && !(Number.isSafeInteger(options.chainId) && options.chainId > 0)) {
    throw new DevnetError('INVALID_OPTIONS', `chainId must be a positive integer (got ${options.chainId}).`);
  }
  options.signal?.throwIfAborted();
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const modules = options.routes ?? defaultRouteModules;

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const lock = dataDir ? await lockDataDir(dataDir) : undefined;
    if (lock) cleanups.push(() => lock.release());

    const timings = { anvil: 0, storage: 0, contracts: 0, migrations: 0, server: 0, total: 0 };
    const since = (t: number) => Math.round(performance.now() - t);
    // anvil and PGlite start in parallel: together they are most of the start time.
    const anvilStart = performance.now();
    const anvilP = startAnvil({
      host,
      port: options.chainPort ?? 0,
      chainId: options.chainId ?? 1337,
      ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
      ...(options.blockTime === undefined ? {} : { blockTime: options.blockTime }),
      ...(dataDir ? { statePath: join(dataDir, 'chain-state.json') } : {}),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options.signal ? { signal: options.signal } : {}),
      logger: log,
    }).then((a) => {
      timings.anvil = since(anvilStart);
      return a;
    });
    const storageStart = performance.now();
    const storageP = (
      options.storage
        ? Promise.resolve(options.storage)
        : createPgliteStorage(dataDir ? { dataDir: join(dataDir, 'pglite') } : {})
    ).then((s) => {
      timings.storage = since(storageStart);
      return s;
    });
    // The contracts deploy as soon as the chain answers, while PGlite may still be starting.
    const deploy = options.contracts === false ? undefined : (options.contracts ?? defaultDeployContracts);
    const chainP = anvilP.then(async (anvil) => {
      await lock?.recordAnvil(anvil.pid);
      const chain = devnetChain(anvil.chainId, anvil.rpcUrl);
      const contractsStart = performance.now();
      const contracts: DevnetContracts = deploy
        ? await ensureContracts(deploy, { rpcUrl: anvil.rpcUrl, chain, accounts: anvil.accounts }, dataDir)
        : {};
      timings.contracts = since(contractsStart);
      return { chain, contracts };
    });
    const [anvilR, chainR, storageR] = await Promise.allSettled([anvilP, chainP, storageP]);
    if (anvilR.status === 'fulfilled') cleanups.push(() => anvilR.value.stop());
    if (storageR.status === 'fulfilled') cleanups.push(() => storageR.value.close());
    if (anvilR.status === 'rejected') throw anvilR.reason;
    if (chainR.status === 'rejected') throw chainR.reason;
    if (storageR.status === 'rejected') throw storageR.reason;
    const anvil: AnvilInstance = anvilR.value;
    const { chain, contracts } = chainR.value;
    const storage = storageR.value;
    options.signal?.throwIfAborted();

    const migrationsStart = performance.now();
    await runMigrations(storage, [
      { name: 'devnet', migrations: apiMigrations },
      ...modules.map((m) => ({ name: m.name, migrations: m.migrations ?? [] })),
    ]);
    timings.migrations = since(migrationsStart);

    const ctx: RouteContext = {
      storage,
      chain,
      rpcUrl: anvil.rpcUrl,
      accounts: anvil.accounts,
      contracts,
      logger: log,
      now: options.now ?? (() => new Date()),
    };
    const serverStart = performance.now();
    const api = await createApiApp({
      modules,
      ctx,
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
      ...(options.corsOrigin === undefined ? {} : { corsOrigin: options.corsOrigin }),
    });
    const server = serve({
      fetch: api.app.fetch,
      port: options.port ?? 0,
      hostname: host,
      overrideGlobalObjects: false,
    });
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          // Keep-alive sockets would otherwise hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    );
    await new Promise<void>((ok, fail) => {
      if (server.listening) return ok();
      server.once('listening', () => ok());
      server.once('error', (cause) =>
        fail(
          new DevnetError(
            'SERVER_START_FAILED',
            `The API server could not listen on ${host}:${options.port ?? 0}.`,
            { cause },
          ),
        ),
      );
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    timings.server = since(serverStart);
    timings.total = since(t0);
    log.info('devnet started', { url, rpcUrl: anvil.rpcUrl, timings });

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        untrack();
        await cleanup();
        log.info('devnet stopped', { url });
      })();
      return stopping;
    };
    const untrack = track(anvil.process, stop);
    return {
      url,
      rpcUrl: anvil.rpcUrl,
      chain,
      accounts: anvil.accounts,
      contracts,
      storage,
      anvilPid: anvil.pid,
      timings,
      openapi: () => api.openapi(url),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function checkPort(name: string, port: number | undefined) {
  if (port === undefined) return;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DevnetError('INVALID_OPTIONS', `${name} must be an integer from 0 to 65535 (got ${port}).`);
  }
}
