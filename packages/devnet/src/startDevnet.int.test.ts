import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createPublicClient, createWalletClient, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { isDevnetError } from './errors.js';
import { notesRoutes } from './fixtures/notesRoutes.js';
import { isRunning, portClosed, waitGone } from './fixtures/processes.js';
import { defaultRouteModules } from './routes/index.js';
import { type Devnet, startDevnet } from './startDevnet.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const routes = [...defaultRouteModules, notesRoutes];
const dirs: string[] = [];
const running = new Set<Devnet>();
const children = new Set<ChildProcess>();

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'ol-devnet-test-'));
  dirs.push(dir);
  return dir;
}

// Most tests need no contracts; the restart tests keep the real (token package) deployment.
async function start(options: Parameters<typeof startDevnet>[0] = {}) {
  const devnet = await startDevnet({ routes, contracts: false, ...options });
  running.add(devnet);
  return devnet;
}

afterEach(async () => {
  for (const d of running) await d.stop();
  running.clear();
  for (const c of children) {
    if (c.pid && c.exitCode === null) {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  children.clear();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Run a TypeScript entry of this package in a child node process (own process group). */
function spawnTs(file: string, args: string[]): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@openledger/source', '--import', 'tsx', join(import.meta.dirname, file), ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const firstLine = new Promise<string>((ok, fail) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => ok(line));
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before printing: ${stderr}`)));
  });
  return { child, firstLine };
}

const rpc = async (url: string, method: string, params: unknown[] = []) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
};

describe('startDevnet', () => {
  test('serves a valid OpenAPI 3.1 document listing the registered routes', async () => {
    const devnet = await start();
    const res = await fetch(`${devnet.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: Record<string, unknown> };
      servers: { url: string }[];
    };
    // An independent validator, against the official OpenAPI 3.1 JSON Schema.
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]?.url).toBe(devnet.url);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/health', '/v1/notes', '/v1/notes/{id}']),
    );
    expect(doc.paths['/v1/notes/{id}']?.get?.operationId).toBe('getNotesById');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Note', 'ErrorBody', 'Health']),
    );
    expect(devnet.openapi()).toEqual(doc);
  });

  test('runs anvil with the requested chain id and funded accounts whose keys match their addresses', async () => {
    const devnet = await start({ chainId: 424242, accounts: 3 });
    expect(devnet.chain.id).toBe(424242);
    expect(devnet.chain.rpcUrls.default.http).toEqual([devnet.rpcUrl]);
    expect(Number(await rpc(devnet.rpcUrl, 'eth_chainId'))).toBe(424242);
    expect(devnet.accounts).toHaveLength(3);
    const fromNode = (await rpc(devnet.rpcUrl, 'eth_accounts')) as string[];
    expect(devnet.accounts.map((a) => a.address.toLowerCase())).toEqual(fromNode.map((a) => a.toLowerCase()));
    for (const a of devnet.accounts) {
      // viem derives the address independently (and EIP-55 checksums it).
      expect(privateKeyToAccount(a.privateKey).address).toBe(a.address);
    }
    const health = await fetch(`${devnet.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', chain: { id: 424242 }, storage: 'pglite' });
  });

  test('keeps API data and chain state across a restart on the same dataDir, and stops cleanly', async () => {
    const dataDir = await tempDir();
    const { defaultDeployContracts } = await import('./contracts.js');
    const first = await start({ dataDir, contracts: defaultDeployContracts ?? false });
    const created = await fetch(`${first.url}/v1/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'n1', text: 'kept across restarts' }),
    });
    expect(created.status).toBe(201);
    // A second devnet must not open the same database.
    const clash = await startDevnet({ dataDir, routes }).catch((e: unknown) => e);
    expect(isDevnetError(clash) && clash.code).toBe('INVALID_OPTIONS');

    const account = privateKeyToAccount(first.accounts[0]!.privateKey);
    const wallet = createWalletClient({ account, chain: first.chain, transport: http(first.rpcUrl) });
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const hash = await wallet.sendTransaction({ to, value: parseEther('1.5') });
    const client = createPublicClient({ chain: first.chain, transport: http(first.rpcUrl) });
    const receipt = await client.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');

    const { anvilPid, url, rpcUrl } = first;
    await Promise.all([first.stop(), first.stop()]);
    running.delete(first);
    expect(isRunning(anvilPid)).toBe(false);
    expect(await portClosed(url)).toBe(true);
    expect(await portClosed(rpcUrl)).toBe(true);

    const second = await start({ dataDir, contracts: defaultDeployContracts ?? false });
    // The contracts recorded in dataDir are reused, not deployed again.
    expect(second.contracts).toEqual(first.contracts);
    const note = await fetch(`${second.url}/v1/notes/n1`);
    expect(note.status).toBe(200);
    expect(await note.json()).toMatchObject({ id: 'n1', text: 'kept across restarts' });
    const client2 = createPublicClient({ chain: second.chain, transport: http(second.rpcUrl) });
    expect(await client2.getBalance({ address: to })).toBe(parseEther('1.5'));
    expect(await client2.getBlockNumber()).toBeGreaterThanOrEqual(receipt.blockNumber);
  });

  test('deploys contracts once and reuses them across restarts on the same dataDir', async () => {
    const dataDir = await tempDir();
    let deployments = 0;
    // Creation code whose runtime code is the single byte 0x00 (STOP), sent from anvil's unlocked account.
    const deploy = async ({
      rpcUrl,
      accounts,
    }: {
      rpcUrl: string;
      accounts: readonly { address: string }[];
    }) => {
      deployments++;
      const hash = await rpc(rpcUrl, 'eth_sendTransaction', [
        { from: accounts[0]!.address, data: '0x600060005360016000f3' },
      ]);
      // Automine seals the block as it answers, but the receipt can lag a moment under load.
      type Receipt = { contractAddress: `0x${string}` } | null;
      let receipt: Receipt = null;
      for (let tries = 0; !receipt && tries < 200; tries++) {
        if (tries) await new Promise((r) => setTimeout(r, 25));
        receipt = (await rpc(rpcUrl, 'eth_getTransactionReceipt', [hash])) as Receipt;
      }
      if (!receipt) throw new Error(`no receipt for ${hash}`);
      return { probe: receipt.contractAddress };
    };
    const first = await start({ dataDir, contracts: deploy });
    expect(deployments).toBe(1);
    expect(await rpc(first.rpcUrl, 'eth_getCode', [first.contracts.probe, 'latest'])).toBe('0x00');
    const address = first.contracts.probe;
    await first.stop();
    running.delete(first);
    const second = await start({ dataDir, contracts: deploy });
    expect(deployments).toBe(1);
    expect(second.contracts).toEqual({ probe: address });
  });

  test('a write acknowledged before the process is killed (SIGKILL) survives, and the orphaned anvil is cleaned up', async () => {
    const dataDir = await tempDir();
    const { child, firstLine } = spawnTs('fixtures/crashChild.ts', [dataDir]);
    const info = JSON.parse(await firstLine) as { url: string; rpcUrl: string; anvilPid: number };
    const acked = await fetch(`${info.url}/v1/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'crash', text: 'acknowledged' }),
    });
    expect(acked.status).toBe(201);
    // SIGKILL the node process only: no exit handler runs and its anvil is orphaned.
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    expect(isRunning(info.anvilPid)).toBe(true);

    const restarted = await start({ dataDir });
    expect(await waitGone(info.anvilPid)).toBe(true);
    const note = await fetch(`${restarted.url}/v1/notes/crash`);
    expect(note.status).toBe(200);
    expect(await note.json()).toMatchObject({ text: 'acknowledged' });
  });

  test('SIGTERM to a process running a devnet stops it gracefully: anvil saves its state and exits', async () => {
    const dataDir = await tempDir();
    const { child, firstLine } = spawnTs('fixtures/crashChild.ts', [dataDir]);
    const info = JSON.parse(await firstLine) as { rpcUrl: string; anvilPid: number };
    await rpc(info.rpcUrl, 'anvil_mine', ['0x7']);
    const mined = Number(await rpc(info.rpcUrl, 'eth_blockNumber'));
    expect(mined).toBeGreaterThanOrEqual(7);
    const exited = new Promise<NodeJS.Signals | null>((r) =>
      child.once('exit', (_code, signal) => r(signal)),
    );
    process.kill(child.pid!, 'SIGTERM');
    // Nobody else handles SIGTERM in the child, so it is re-raised and the process dies of it.
    expect(await exited).toBe('SIGTERM');
    expect(await waitGone(info.anvilPid)).toBe(true);
    const again = await start({ dataDir, routes: [] });
    expect(Number(await rpc(again.rpcUrl, 'eth_blockNumber'))).toBe(mined);
  });

  test('the CLI prints its URLs, serves until SIGINT, then exits 0 leaving no anvil behind', async () => {
    const dataDir = await tempDir();
    const { child, firstLine } = spawnTs('cli.ts', ['--json', '--data-dir', dataDir, '--log-level', 'warn']);
    const info = JSON.parse(await firstLine) as {
      url: string;
      rpcUrl: string;
      chainId: number;
      anvilPid: number;
    };
    expect(info.chainId).toBe(1337);
    expect((await fetch(`${info.url}/v1/health`)).status).toBe(200);
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(child.pid!, 'SIGINT');
    expect(await exit).toBe(0);
    expect(await waitGone(info.anvilPid)).toBe(true);
    expect(await portClosed(info.url)).toBe(true);
  });

  test('rejects bad options with a DevnetError before starting anything', async () => {
    for (const bad of [{ port: 70_000 }, { chainPort: -1 }, { chainId: 0 }]) {
      const err = await startDevnet(bad).catch((e: unknown) => e);
      expect(isDevnetError(err) && err.code).toBe('INVALID_OPTIONS');
    }
  });

  test('a port already in use fails with SERVER_START_FAILED and leaves no anvil behind', async () => {
    const busy = await start();
    const port = Number(new URL(busy.url).port);
    const err = await startDevnet({ port, routes }).catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('SERVER_START_FAILED');
  });
});
