import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DevnetError } from '../errors.js';

/**
 * Take `dataDir/devnet.lock` so two devnets never share one database. A lock left by a
 * process that died (killed with SIGKILL, say) is taken over, and the anvil it had started
 * (recorded in `anvil.pid`) is killed first, so a crash leaves nothing running for long.
 */
export async function lockDataDir(
  dataDir: string,
): Promise<{ release(): Promise<void>; recordAnvil(pid: number): Promise<void> }> {
  await mkdir(dataDir, { recursive: true });
  const lock = join(dataDir, 'devnet.lock');
  const anvilPid = join(dataDir, 'anvil.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        async recordAnvil(pid) {
          const h = await open(anvilPid, 'w');
          await h.writeFile(String(pid));
          await h.close();
        },
        async release() {
          if (released) return;
          released = true;
          await rm(anvilPid, { force: true });
          await rm(lock, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DevnetError('INVALID_OPTIONS', `dataDir is in use by another devnet (pid ${owner}).`, {
          metaMessages: [dataDir],
        });
      }
      if (owner === process.pid) {
        throw new DevnetError('INVALID_OPTIONS', 'dataDir is in use by another devnet in this process.', {
          metaMessages: [dataDir],
        });
      }
      await killStaleAnvil(anvilPid);
      await rm(lock, { force: true });
    }
  }
  throw new DevnetError('INVALID_OPTIONS', 'Could not lock dataDir.', { metaMessages: [dataDir] });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (dead, not yet reaped by its parent) still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function killStaleAnvil(file: string) {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // Only kill what is really anvil: the pid may have been reused by an unrelated process.
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('anvil')) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
}
