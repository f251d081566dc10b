/** Where the devnet reports what it does; `fields` are structured context. */
export interface DevnetLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * A logger writing one line per message to stderr, from `level` up.
 *
 * @example
 * import { createConsoleLogger, startDevnet } from '@openledger/devnet';
 * const devnet = await startDevnet({ logger: createConsoleLogger('info') });
 */
export function createConsoleLogger(level: (typeof LEVELS)[number] = 'warn'): DevnetLogger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: (typeof LEVELS)[number]) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < min) return;
      const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      process.stderr.write(`[devnet] ${l} ${message}${extra}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A logger that drops everything (the default of `startDevnet`).
 *
 * @example
 * import { silentLogger, startDevnet } from '@openledger/devnet';
 * const devnet = await startDevnet({ logger: silentLogger });
 */
export const silentLogger: DevnetLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
