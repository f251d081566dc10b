import type { DevnetQueryable, DevnetStorage, QueryResult } from './types.js';

/** The part of a `pg` client this adapter uses. */
export interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

/** The part of a `pg.Pool` (or compatible pool) this adapter uses. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgClientLike & { release(err?: Error | boolean): void }>;
  end?(): Promise<void>;
}

/** Options of {@link createPostgresStorage}. */
export interface CreatePostgresStorageOptions {
  /** End the pool when the storage closes. Default false: the caller owns the pool. */
  endPoolOnClose?: boolean;
}

/**
 * Use a real PostgreSQL server as the devnet's storage, through a `pg`-compatible pool
 * that the caller creates (the devnet does not depend on `pg`).
 *
 * @example
 * import pg from 'pg';
 * import { createPostgresStorage, startDevnet } from '@openledger/devnet';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const devnet = await startDevnet({ storage: createPostgresStorage(pool) });
 */
export function createPostgresStorage(
  pool: PgPoolLike,
  options: CreatePostgresStorageOptions = {},
): DevnetStorage {
  const wrap = (client: PgClientLike): DevnetQueryable => ({
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await client.query(sql, [...params]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      // Without parameters, pg uses the simple query protocol, which accepts several statements.
      await client.query(sql);
    },
  });
  const base = wrap(pool);
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // A connection that cannot roll back must not go back to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw err;
      } finally {
        client.release(broken ?? false);
      }
    },
    close() {
      closed ??= options.endPoolOnClose && pool.end ? pool.end() : Promise.resolve();
      return closed;
    },
  };
}
