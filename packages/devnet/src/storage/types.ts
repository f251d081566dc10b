/** Rows and count returned by {@link DevnetQueryable.query}. */
export interface QueryResult<T> {
  rows: T[];
  /** Rows returned by a SELECT, or affected by INSERT/UPDATE/DELETE. */
  rowCount: number;
}

/** Something SQL can be sent to: the storage itself, or a transaction. */
export interface DevnetQueryable {
  /** Run one statement with `$1`-style parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Run a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The seam between the devnet's API and its database: PostgreSQL semantics, served by
 * embedded PGlite by default or by a real PostgreSQL server (see `createPostgresStorage`).
 * A write is acknowledged only after its transaction committed.
 */
export interface DevnetStorage extends DevnetQueryable {
  /** Which engine serves the queries. */
  readonly kind: 'pglite' | 'postgres';
  /** Run `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: DevnetQueryable) => Promise<T>): Promise<T>;
  /** Flush and release the database. Idempotent. */
  close(): Promise<void>;
}

/** One schema change a route module contributes; applied once, in version order. */
export interface Migration {
  /** Positive integer, unique within its module; migrations run in ascending order. */
  version: number;
  /** Short human name, e.g. `create datanets`. */
  name: string;
  /** SQL script (several statements allowed). Never edit it once released: add a new version. */
  sql: string;
}
