#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isDevnetError } from './errors.js';
import { createConsoleLogger } from './logger.js';
import { startDevnet } from './startDevnet.js';

const HELP = `Usage: openledger-devnet [options]

Starts a local OpenLedger (anvil + the OpenLedger HTTP API) on loopback and runs until Ctrl-C.

Options:
  --port <n>         HTTP API port (default: a free one)
  --chain-port <n>   anvil JSON-RPC port (default: a free one)
  --data-dir <dir>   keep API data and chain state here across restarts (default: in memory)
  --host <ip>        address to bind (default: 127.0.0.1)
  --chain-id <n>     chain id (default: 1337)
  --accounts <n>     funded accounts (default: 10)
  --block-time <s>   seconds between blocks (default: a block per transaction)
  --log-level <l>    debug | info | warn | error (default: info)
  --json             print the devnet's details as one JSON line instead of text
  -h, --help         show this help
`;

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'chain-port': { type: 'string' },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'chain-id': { type: 'string' },
        accounts: { type: 'string' },
        'block-time': { type: 'string' },
        'log-level': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const int = (name: string): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw))
      throw new UsageError(`--${name} must be a non-negative integer.`);
    return Number(raw);
  };
  const level = (values['log-level'] ?? 'info') as string;
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new UsageError('--log-level must be debug, info, warn or error.');

  const port = int('port');
  const chainPort = int('chain-port');
  const chainId = int('chain-id');
  const accounts = int('accounts');
  const blockTime = int('block-time');
  const devnet = await startDevnet({
    ...(port === undefined ? {} : { port }),
    ...(chainPort === undefined ? {} : { chainPort }),
    ...(chainId === undefined ? {} : { chainId }),
    ...(accounts === undefined ? {} : { accounts }),
    ...(blockTime === undefined ? {} : { blockTime }),
    ...(typeof values['data-dir'] === 'string' ? { dataDir: values['data-dir'] } : {}),
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    logger: createConsoleLogger(level as 'info'),
  });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ url: devnet.url, rpcUrl: devnet.rpcUrl, chainId: devnet.chain.id, accounts: devnet.accounts, contracts: devnet.contracts, anvilPid: devnet.anvilPid })}\n`,
    );
  } else {
    const lines = [
      'OpenLedger devnet is running',
      `  API       ${devnet.url}`,
      `  OpenAPI   ${devnet.url}/openapi.json`,
      `  RPC       ${devnet.rpcUrl}  (chain id ${devnet.chain.id})`,
      `  Storage   ${devnet.storage.kind}${typeof values['data-dir'] === 'string' ? ` in ${values['data-dir']}` : ' (in memory)'}`,
      `  Started   in ${devnet.timings.total} ms`,
      '',
      'Accounts (public test keys: never use them on a real network)',
      ...devnet.accounts.map((a, i) => `  (${i}) ${a.address}  ${a.privateKey}`),
      '',
      'Press Ctrl-C to stop.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((resolve) => {
    let signals = 0;
    // The handlers stay installed until exit: a second Ctrl-C forces the exit (the 'exit'
    // hook still kills anvil), and the devnet's own handlers see someone else is in charge.
    const shutdown = () => {
      if (++signals > 1) process.exit(130);
      process.stderr.write('Stopping the devnet…\n');
      void devnet.stop().then(resolve, resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  return 0;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${HELP}`);
      process.exit(2);
    }
    process.stderr.write(
      `${isDevnetError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
