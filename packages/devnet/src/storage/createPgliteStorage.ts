import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DevnetError } from '../errors.js';
import { packageRoot } from '../util/packageRoot.js';
import type { DevnetQueryable, DevnetStorage, QueryResult } from './types.js';

/** Options of {@link createPgliteStorage}. */
export interface CreatePgliteStorageOptions {
  /** Directory of the database files; in memory when omitted. */
  dataDir?: string;
  /**
   * Reuse a cached freshly-initialised cluster instead of running `initdb` (about 5 s)
   * for new databases. Cached under `cacheDir`. Default true.
   */
  template?: boolean;
  /** Where the template is cached. Default `$OPENLEDGER_DEVNET_CACHE ?? <tmpdir>/openledger-devnet`. */
  cacheDir?: string;
}

/**
 * Open embedded PostgreSQL (PGlite) as the devnet's storage, persisted in `dataDir`
 * when given. Every acknowledged write is committed to the files before it returns.
 *
 * @example
 * import { createPgliteStorage } from '@openledger/devnet';
 * const storage = await createPgliteStorage({ dataDir: './.devnet/db' });
 * await storage.query('select 1 as one');
 * await storage.close();
 */
export async function createPgliteStorage(options: CreatePgliteStorageOptions = {}): Promise<DevnetStorage> {
  const { PGlite } = await import('@electric-sql/pglite');
  let db: PGlite;
  try {
    const fresh = options.dataDir === undefined || !(await isCluster(options.dataDir));
    const loadDataDir =
      fresh && options.template !== false ? await template(PGlite, options.cacheDir) : undefined;
    if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
  } catch (cause) {
    throw new DevnetError('STORAGE_FAILED', 'Could not open the PGlite database.', {
      cause,
      metaMessages: options.dataDir ? [`dataDir: ${options.dataDir}`] : [],
    });
  }
  let closed: Promise<void> | undefined;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): DevnetQueryable => ({
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await q.query<T>(sql, params as unknown[]);
      // PGlite reports affectedRows 0 for SELECT: count the rows then.
      return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close() {
      closed ??= db.closed ? Promise.resolve() : db.close();
      return closed;
    },
  };
}

async function isCluster(dir: string): Promise<boolean> {
  try {
    await readFile(join(dir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/**
 * A tarball of a freshly initialised cluster, made once per PGlite version and cached on
 * disk: loading it takes well under a second where `initdb` takes several.
 */
export async function template(pglite: typeof PGlite, cacheDir?: string): Promise<Blob | undefined> {
  const dir = cacheDir ?? process.env.OPENLEDGER_DEVNET_CACHE ?? join(tmpdir(), 'openledger-devnet');
  const file = join(dir, `pglite-${pgliteVersion()}-template.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // Not cached yet: build it below.
  }
  try {
    const db = await pglite.create();
    const tar = await db.dumpDataDir('none');
    await db.close();
    const bytes = new Uint8Array(await tar.arrayBuffer());
    await mkdir(dir, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return new Blob([bytes]);
  } catch {
    // The cache is an optimisation: fall back to a plain initdb.
    return undefined;
  }
}

function pgliteVersion(): string {
  try {
    return packageRoot('@electric-sql/pglite').version;
  } catch {
    return 'unknown';
  }
}
