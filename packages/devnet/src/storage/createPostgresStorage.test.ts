import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
// pg's own index requires pg-pool, which the test runner's `import` condition resolves to
// pg-pool's ESM build; so bind the same two pieces (pg's Client, pg-pool's Pool) directly.
import type { Client as PgClient, Pool as PgPool } from 'pg';
// @ts-expect-error pg publishes no types for its internal module path
import ClientImpl from 'pg/lib/client.js';
// @ts-expect-error pg-pool ships no types (pg's types describe it)
import PoolImpl from 'pg-pool';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { template } from './createPgliteStorage.js';
import { createPostgresStorage } from './createPostgresStorage.js';
import { runMigrations } from './runMigrations.js';

// A real `pg.Pool` speaking the PostgreSQL wire protocol, served by PGlite's pg adapter
// (no PostgreSQL server is available in CI).
const Pool = PoolImpl as typeof PgPool;
const Client = ClientImpl as typeof PgClient;
let db: PGlite;
let pool: PgPool;
beforeAll(async () => {
  const loadDataDir = await template(PGlite);
  db = await PGlite.create(loadDataDir ? { loadDataDir } : {});
  pool = new Pool({ ...(createPgConfig(db) as object), Client } as never);
});
afterAll(async () => {
  await pool.end();
  await db.close();
});

describe('createPostgresStorage', () => {
  test('runs queries, migrations and transactions through a pg pool', async () => {
    const storage = createPostgresStorage(pool);
    expect(storage.kind).toBe('postgres');
    const { applied } = await runMigrations(storage, [
      {
        name: 'pgtest',
        migrations: [{ version: 1, name: 'kv', sql: 'create table kv (k text primary key, n int not null)' }],
      },
    ]);
    expect(applied).toEqual([{ module: 'pgtest', version: 1, name: 'kv' }]);
    await storage.transaction(async (tx) => {
      await tx.query('insert into kv values ($1, $2)', ['a', 1]);
      await tx.query('insert into kv values ($1, $2)', ['b', 2]);
    });
    await expect(
      storage.transaction(async (tx) => {
        await tx.query('insert into kv values ($1, $2)', ['c', 3]);
        await tx.query('insert into kv values ($1, $2)', ['a', 9]);
      }),
    ).rejects.toThrow(/duplicate key/);
    const { rows, rowCount } = await storage.query<{ k: string; n: number }>(
      'select k, n from kv order by k',
    );
    expect(rows).toEqual([
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
    ]);
    expect(rowCount).toBe(2);
    // The pool stays usable after a rolled-back transaction.
    expect((await storage.query('select count(*)::int as c from kv')).rows).toEqual([{ c: 2 }]);
    await storage.close();
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
