import type { ChildProcess } from 'node:child_process';

/**
 * Keeps every live devnet's cleanup so that the host process never leaves anvil behind:
 * on a catchable signal the devnets stop gracefully (anvil dumps its state), on `exit`
 * the children are killed synchronously. Listeners exist only while a devnet is running.
 */
interface Entry {
  child: ChildProcess | undefined;
  stop: () => Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const entries = new Set<Entry>();
let installed = false;

function onExit() {
  for (const e of entries) {
    if (e.child && e.child.exitCode === null && e.child.signalCode === null) {
      try {
        e.child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

function onSignal(signal: NodeJS.Signals) {
  const pending = [...entries].map((e) => e.stop().catch(() => undefined));
  const cap = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
  void Promise.race([Promise.all(pending), cap]).then(() => {
    onExit();
    uninstall();
    // Re-raise only when nobody else handles the signal, so Ctrl-C still ends the process
    // as it would without us; a host with its own handler keeps control.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall() {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Register a running devnet part; returns the function that unregisters it. */
export function track(child: ChildProcess | undefined, stop: () => Promise<void>): () => void {
  const entry: Entry = { child, stop };
  entries.add(entry);
  install();
  return () => {
    entries.delete(entry);
    if (entries.size === 0) uninstall();
  };
}
