import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isDevnetError } from '../errors.js';
import { createPgliteStorage } from './createPgliteStorage.js';
import { runMigrations } from './runMigrations.js';
import type { DevnetStorage } from './types.js';

let storage: DevnetStorage;
beforeAll(async () => {
  storage = await createPgliteStorage();
});
afterAll(() => storage.close());

const tables = async () =>
  (
    await storage.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    )
  ).rows.map((r) => r.table_name);

describe('runMigrations', () => {
  test('applies each module’s migrations once, in version order', async () => {
    const sets = [
      {
        name: 'a',
        migrations: [
          { version: 2, name: 'add col', sql: 'alter table a_items add column n int not null default 0' },
          { version: 1, name: 'create', sql: 'create table a_items (id text primary key)' },
        ],
      },
      {
        name: 'b',
        migrations: [
          { version: 1, name: 'create', sql: 'create table b_items (id int); create table b_more (id int)' },
        ],
      },
    ];
    const first = await runMigrations(storage, sets);
    expect(first.applied.map((m) => `${m.module}@${m.version}`)).toEqual(['a@1', 'a@2', 'b@1']);
    const again = await runMigrations(storage, sets);
    expect(again.applied).toEqual([]);
    expect(await tables()).toEqual(
      expect.arrayContaining(['a_items', 'b_items', 'b_more', '_devnet_migrations']),
    );
    const later = await runMigrations(storage, [
      {
        name: 'a',
        migrations: [
          ...sets[0]!.migrations,
          { version: 3, name: 'idx', sql: 'create index a_n on a_items (n)' },
        ],
      },
    ]);
    expect(later.applied.map((m) => m.version)).toEqual([3]);
  });

  test('a failing migration rolls back every change of the run', async () => {
    const err = await runMigrations(storage, [
      { name: 'c', migrations: [{ version: 1, name: 'ok', sql: 'create table c_items (id int)' }] },
      {
        name: 'd',
        migrations: [{ version: 1, name: 'broken', sql: 'create table d_items (id nonsense_type)' }],
      },
    ]).catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('MIGRATION_FAILED');
    expect((err as Error).message).toContain('d@1');
    expect(await tables()).not.toContain('c_items');
    const recorded = await storage.query("select 1 from _devnet_migrations where module in ('c', 'd')");
    expect(recorded.rowCount).toBe(0);
  });

  test('refuses an applied migration whose SQL changed', async () => {
    await runMigrations(storage, [
      { name: 'e', migrations: [{ version: 1, name: 'v1', sql: 'create table e1 (id int)' }] },
    ]);
    const err = await runMigrations(storage, [
      { name: 'e', migrations: [{ version: 1, name: 'v1', sql: 'create table e1 (id bigint)' }] },
    ]).catch((e: unknown) => e);
    expect(isDevnetError(err) && err.code).toBe('MIGRATION_FAILED');
  });

  test('refuses duplicate module names and bad versions before touching the database', async () => {
    for (const sets of [
      [
        { name: 'x', migrations: [] },
        { name: 'x', migrations: [] },
      ],
      [{ name: 'y', migrations: [{ version: 0, name: 'zero', sql: 'select 1' }] }],
      [
        {
          name: 'z',
          migrations: [
            { version: 1, name: 'a', sql: 'select 1' },
            { version: 1, name: 'b', sql: 'select 1' },
          ],
        },
      ],
    ]) {
      const err = await runMigrations(storage, sets).catch((e: unknown) => e);
      expect(isDevnetError(err) && err.code).toBe('INVALID_OPTIONS');
    }
  });
});
