/**
 * Test-only swaps of the SQL store's dialect object (the store keeps it on its prototype): the
 * fault tests' non-atomic control and the statement-text recorder; and a better-sqlite3 database
 * whose writes the fault tests observe.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import type { SqliteDirectDatabase, SqlStore } from '../../src/stores/sql/index.js';

type Dialect = SqlStore['dialect'];

/** Replaces `store`'s dialect with `wrap(inner)` and returns the function that puts it back. */
export function swapDialect(store: SqlStore, wrap: (inner: Dialect) => Dialect): () => void {
  const owner = Object.getPrototypeOf(store) as { dialect: Dialect };
  const inner = owner.dialect;
  owner.dialect = wrap(inner);
  return () => {
    owner.dialect = inner;
  };
}

/** `inner` with each batch sent one statement at a time (autocommit). */
export function batchesOneByOne(inner: Dialect): Dialect {
  return {
    ...inner,
    batch: async (statements) => {
      const results = [];
      for (const statement of statements) results.push(await inner.run(statement));
      return results;
    },
  };
}

/**
 * The better-sqlite3 database as Kysely's `SqliteDialect` (and the SQL store's `sqlite` option)
 * use it, with `afterRun(sql)` called synchronously after each writing statement has run.
 */
export function observedSqliteDatabase(sqlite: Database.Database, afterRun: (sql: string) => void): SqliteDatabase & SqliteDirectDatabase {
  return {
    close: () => sqlite.close(),
    get inTransaction() {
      return sqlite.inTransaction;
    },
    prepare: (sql: string) => {
      const statement = sqlite.prepare(sql);
      return {
        reader: statement.reader,
        all: (...parameters: unknown[]) => statement.all(...parameters),
        iterate: (...parameters: unknown[]) => statement.iterate(...parameters),
        run: (...parameters: unknown[]) => {
          const result = statement.run(...parameters);
          afterRun(sql);
          return result;
        },
      };
    },
  };
}

/**
 * Runs `body` while `store` sends each batch one statement at a time (autocommit), as a store
 * without transactions would: the control that shows what an atomic batch protects against.
 */
export async function withBatchesOneByOne<T>(store: SqlStore, body: () => Promise<T>): Promise<T> {
  const restore = swapDialect(store, batchesOneByOne);
  try {
    return await body();
  } finally {
    restore();
  }
}
