import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevnetError } from '../errors.js';
import { type DevnetLogger, silentLogger } from '../logger.js';
import { toChecksumAddress } from '../util/checksumAddress.js';
import { track } from '../util/reaper.js';
import { resolveAnvilBinary } from './resolveAnvilBinary.js';

/** A funded account of the devnet (anvil's default mnemonic). Test keys: never use them elsewhere. */
export interface DevnetAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/** Options of {@link startAnvil}. */
export interface StartAnvilOptions {
  /** Loopback address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** Chain id. Default 1337. */
  chainId?: number;
  /** Number of funded accounts. Default 10. */
  accounts?: number;
  /** Seconds between blocks; mines on every transaction when omitted. */
  blockTime?: number;
  /** File the chain state is loaded from and saved to (every second and on stop). */
  statePath?: string;
  /** Milliseconds to wait for the RPC to answer. Default 30 000. */
  timeout?: number;
  signal?: AbortSignal;
  logger?: DevnetLogger;
}

/** A running anvil process. */
export interface AnvilInstance {
  rpcUrl: string;
  port: number;
  pid: number;
  chainId: number;
  accounts: DevnetAccount[];
  /** Stop anvil (SIGTERM so it saves its state, SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** The child process, for callers that must track it. */
  readonly process: ChildProcess;
}

/**
 * Start anvil from the `@foundry-rs/anvil` npm package on a free loopback port and wait
 * until its JSON-RPC answers `eth_chainId` with the expected id.
 *
 * @example
 * import { startAnvil } from '@openledger/devnet';
 * const anvil = await startAnvil({ chainId: 1337 });
 * console.log(anvil.rpcUrl, anvil.accounts[0]?.address);
 * await anvil.stop();
 */
export async function startAnvil(options: StartAnvilOptions = {}): Promise<AnvilInstance> {
  const host = options.host ?? '127.0.0.1';
  const chainId = options.chainId ?? 1337;
  const timeout = options.timeout ?? 30_000;
  const log = options.logger ?? silentLogger;
  options.signal?.throwIfAborted();
  const binary = resolveAnvilBinary();
  const tmp = await mkdtemp(join(tmpdir(), 'ol-anvil-'));
  const configOut = join(tmp, 'config.json');
  const args = [
    '--host',
    host,
    '--port',
    String(options.port ?? 0),
    '--chain-id',
    String(chainId),
    '--accounts',
    String(options.accounts ?? 10),
    '--config-out',
    configOut,
    ...(options.blockTime ? ['--block-time', String(options.blockTime)] : []),
    ...(options.statePath ? ['--state', options.statePath, '--state-interval', '1'] : []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let listening: ((port: number) => void) | undefined;
  const listeningPort = new Promise<number>((resolve) => {
    listening = resolve;
  });
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log.debug(`anvil: ${line}`);
      if (listening) {
        const m = /Listening on .*:(\d+)\s*$/.exec(line);
        if (m) {
          listening(Number(m[1]));
          listening = undefined;
        }
      }
    }
  };
  // Always drain both pipes: anvil logs every RPC call, and a full pipe would block it.
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (cause) =>
      reject(
        new DevnetError('ANVIL_START_FAILED', 'Could not spawn anvil.', { cause, metaMessages: [binary] }),
      ),
    );
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      untrack();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      await rm(tmp, { recursive: true, force: true });
    })();
    return stopping;
  };

  // Also when used on its own (without startDevnet), anvil must not outlive this process.
  const untrack = track(child, stop);
  let settled = false;
  // Both are raced below and may reject after start succeeded: keep that from being unhandled.
  spawnError.catch(() => undefined);
  try {
    const died = exited.then(({ code, signal }) => {
      throw new DevnetError(
        'ANVIL_START_FAILED',
        `anvil exited during start (${signal ?? `code ${code}`}).`,
        {
          metaMessages: tail.slice(-10),
        },
      );
    });
    died.catch(() => undefined);
    const port = await race([listeningPort, died, spawnError], timeout, options.signal, tail);
    const rpcUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    await race(
      [waitForChainId(rpcUrl, chainId, () => settled), died, spawnError],
      timeout,
      options.signal,
      tail,
    );
    const config = JSON.parse(await readFile(configOut, 'utf8')) as {
      available_accounts: string[];
      private_keys: string[];
    };
    const accounts = config.available_accounts.map((address, i) => ({
      address: toChecksumAddress(address),
      privateKey: config.private_keys[i] as `0x${string}`,
    }));
    log.info('anvil started', { rpcUrl, pid: child.pid, chainId });
    return { rpcUrl, port, pid: child.pid as number, chainId, accounts, stop, process: child };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    settled = true;
  }
}

async function race<T>(
  promises: Promise<T>[],
  timeout: number,
  signal: AbortSignal | undefined,
  tail: string[],
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const limits = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DevnetError('ANVIL_TIMEOUT', `anvil did not answer within ${timeout} ms.`, {
            metaMessages: tail.slice(-10),
          }),
        ),
      timeout,
    );
    onAbort = () => reject(signal?.reason ?? new Error('Aborted'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([...promises, limits]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

async function waitForChainId(rpcUrl: string, expected: number, givenUp: () => boolean): Promise<void> {
  for (let attempt = 0; !givenUp(); attempt++) {
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      const body = (await res.json()) as { result?: string };
      if (body.result !== undefined) {
        const id = Number(BigInt(body.result));
        if (id !== expected) {
          throw new DevnetError('ANVIL_START_FAILED', `anvil reports chain id ${id}, expected ${expected}.`);
        }
        return;
      }
    } catch (err) {
      if (err instanceof DevnetError) throw err;
    }
    await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** attempt, 250)));
  }
}
