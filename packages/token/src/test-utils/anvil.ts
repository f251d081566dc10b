// Test-only helpers: a real anvil from the @foundry-rs/anvil npm package on a free loopback
// port, and ethers wallets on it. Not exported from the package.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';

/** anvil's well-known default test keys (public; never use them elsewhere). */
export const ANVIL_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
] as const;

export interface TestChain {
  rpcUrl: string;
  chainId: number;
  provider: JsonRpcProvider;
  wallets: Wallet[];
  /** Advance chain time by `seconds` and mine a block. */
  increaseTime(seconds: number): Promise<void>;
  /** Timestamp of the latest block. */
  now(): Promise<number>;
  stop(): Promise<void>;
}

function anvilBinary(): string {
  const req = createRequire(import.meta.url);
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const path = createRequire(req.resolve('@foundry-rs/anvil/package.json')).resolve(
    `@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`,
  );
  if (!existsSync(path)) throw new Error(`anvil binary missing at ${path}`);
  return path;
}

export async function startTestChain(options: { chainId?: number } = {}): Promise<TestChain> {
  const chainId = options.chainId ?? 31337;
  const child: ChildProcess = spawn(
    anvilBinary(),
    ['--host', '127.0.0.1', '--port', '0', '--chain-id', String(chainId), '--accounts', '6'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`anvil did not start: ${buf.slice(-500)}`)), 30_000);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const m = /Listening on [\d.]+:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}: ${buf.slice(-500)}`));
    });
  });
  // Keep draining: anvil logs every call and a full pipe would stall it.
  child.stdout?.resume();
  child.stderr?.resume();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 20;
  const wallets = ANVIL_KEYS.map((k) => new Wallet(k, provider));
  return {
    rpcUrl,
    chainId,
    provider,
    wallets,
    async increaseTime(seconds) {
      await provider.send('evm_increaseTime', [seconds]);
      await provider.send('evm_mine', []);
    },
    async now() {
      return (await provider.getBlock('latest'))!.timestamp;
    },
    async stop() {
      provider.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

/** A wallet whose nonces are tracked locally (many quick transactions from one account). */
export function managed(wallet: Wallet): NonceManager {
  return new NonceManager(wallet);
}
