import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createPgliteStorage } from './createPgliteStorage.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('createPgliteStorage', () => {
  test('commits a transaction that resolves and rolls back one that throws', async () => {
    const storage = await createPgliteStorage();
    try {
      await storage.exec('create table t (id int primary key, v text not null); create index t_v on t (v)');
      await storage.transaction(async (tx) => {
        await tx.query('insert into t values ($1, $2)', [1, 'kept']);
      });
      const boom = new Error('boom');
      await expect(
        storage.transaction(async (tx) => {
          await tx.query('insert into t values ($1, $2)', [2, 'lost']);
          throw boom;
        }),
      ).rejects.toBe(boom);
      const { rows, rowCount } = await storage.query<{ id: number; v: string }>(
        'select id, v from t order by id',
      );
      expect(rows).toEqual([{ id: 1, v: 'kept' }]);
      expect(rowCount).toBe(1);
      const upd = await storage.query('update t set v = $1', ['x']);
      expect(upd.rowCount).toBe(1);
    } finally {
      await storage.close();
      await storage.close();
    }
  });

  test('keeps data in dataDir across close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ol-pglite-'));
    dirs.push(dir);
    const cacheDir = process.env.OPENLEDGER_DEVNET_CACHE ?? join(tmpdir(), 'openledger-devnet');
    const a = await createPgliteStorage({ dataDir: join(dir, 'db') });
    await a.exec('create table kv (k text primary key, v text)');
    await a.query('insert into kv values ($1, $2)', ['answer', '42']);
    await a.close();
    // The fresh database was made from the cached template (built on first use).
    expect((await readdir(cacheDir)).some((f) => f.endsWith('-template.tar'))).toBe(true);
    const b = await createPgliteStorage({ dataDir: join(dir, 'db') });
    try {
      expect((await b.query('select v from kv where k = $1', ['answer'])).rows).toEqual([{ v: '42' }]);
    } finally {
      await b.close();
    }
  });
});
