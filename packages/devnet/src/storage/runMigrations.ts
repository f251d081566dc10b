import { createHash } from 'node:crypto';
import { DevnetError } from '../errors.js';
import type { DevnetStorage, Migration } from './types.js';

/** A named set of migrations, e.g. one per route module. */
export interface MigrationSet {
  /** Module name; migrations are versioned per module. */
  name: string;
  migrations: readonly Migration[];
}

/** What {@link runMigrations} applied. */
export interface RunMigrationsResult {
  applied: { module: string; version: number; name: string }[];
}

/**
 * Bring the storage's schema up to date: applies, in one transaction, every migration not
 * yet recorded in `_devnet_migrations`, module by module in version order. Refuses to run
 * when an applied migration's SQL has since changed (edit by adding a version, never in place).
 *
 * @example
 * import { createPgliteStorage, runMigrations } from '@openledger/devnet';
 * const storage = await createPgliteStorage();
 * await runMigrations(storage, [
 *   { name: 'notes', migrations: [{ version: 1, name: 'create notes', sql: 'create table notes (id text primary key)' }] },
 * ]);
 */
export async function runMigrations(
  storage: DevnetStorage,
  sets: readonly MigrationSet[],
): Promise<RunMigrationsResult> {
  check(sets);
  const applied: RunMigrationsResult['applied'] = [];
  try {
    await storage.transaction(async (tx) => {
      await tx.exec(
        `create table if not exists _devnet_migrations (
           module text not null,
           version integer not null,
           name text not null,
           checksum text not null,
           applied_at timestamptz not null default now(),
           primary key (module, version)
         )`,
      );
      // Serialises concurrent starters sharing one PostgreSQL database.
      await tx.query('select pg_advisory_xact_lock(7265616479)');
      const done = await tx.query<{ module: string; version: number; checksum: string }>(
        'select module, version, checksum from _devnet_migrations',
      );
      const known = new Map(done.rows.map((r) => [`${r.module}\u0000${r.version}`, r.checksum]));
      for (const set of sets) {
        for (const m of [...set.migrations].sort((a, b) => a.version - b.version)) {
          const sum = checksum(m.sql);
          const prior = known.get(`${set.name}\u0000${m.version}`);
          if (prior !== undefined) {
            if (prior !== sum) {
              throw new DevnetError(
                'MIGRATION_FAILED',
                `Migration ${set.name}@${m.version} ("${m.name}") changed after it was applied.`,
                { details: 'Add a new migration version instead of editing an applied one.' },
              );
            }
            continue;
          }
          try {
            await tx.exec(m.sql);
          } catch (cause) {
            throw new DevnetError(
              'MIGRATION_FAILED',
              `Migration ${set.name}@${m.version} ("${m.name}") failed.`,
              {
                cause,
              },
            );
          }
          await tx.query(
            'insert into _devnet_migrations (module, version, name, checksum) values ($1, $2, $3, $4)',
            [set.name, m.version, m.name, sum],
          );
          applied.push({ module: set.name, version: m.version, name: m.name });
        }
      }
    });
  } catch (err) {
    if (err instanceof DevnetError) throw err;
    throw new DevnetError('MIGRATION_FAILED', 'Could not migrate the devnet storage.', { cause: err });
  }
  return { applied };
}

function check(sets: readonly MigrationSet[]) {
  const names = new Set<string>();
  for (const set of sets) {
    if (names.has(set.name)) {
      throw new DevnetError('INVALID_OPTIONS', `Two route modules are both named "${set.name}".`);
    }
    names.add(set.name);
    const versions = new Set<number>();
    for (const m of set.migrations) {
      if (!Number.isInteger(m.version) || m.version < 1 || versions.has(m.version)) {
        throw new DevnetError(
          'INVALID_OPTIONS',
          `Migration versions of "${set.name}" must be distinct positive integers (got ${m.version}).`,
        );
      }
      versions.add(m.version);
    }
  }
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}
