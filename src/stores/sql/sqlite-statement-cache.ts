/**
 * A statement cache for better-sqlite3 under Kysely. Kysely's `SqliteDialect` calls the database's
 * `prepare(sql)` for every query it runs, and SQLite parses and plans the statement anew each time:
 * for the SQL store's short statements that is most of their cost. {@link cacheSqliteStatements}
 * wraps the app's database so that `prepare` hands back the statement prepared before for the same
 * text (the store's texts never change from call to call: every value is a bound parameter).
 *
 * Why it is safe: a better-sqlite3 statement can be run again and again (`all`, `run` bind fresh
 * parameters each time and finish before they return); SQLite re-prepares a statement by itself
 * when the schema changed under it; the wrapper hands out only what Kysely calls (`reader`, `all`,
 * `run`, `iterate`), never the mode switches (`pluck`, `raw`, `expand`) that would change a shared
 * statement for its other users; `iterate` (Kysely's `stream()`), which keeps a statement busy
 * until the iteration ends, always gets a statement of its own. The cache holds at most `size`
 * statements and forgets the least recently used.
 * @module
 */
import { MfaError } from '../../errors.js';

/**
 * The part of a better-sqlite3 statement the wrapper uses (structural: no import of the driver).
 *
 * @example
 * ```ts
 * const statement: SqliteStatementLike = sqlite.prepare('SELECT 1 AS one');
 * ```
 */
export interface SqliteStatementLike {
  /** Whether the statement returns rows. */
  readonly reader: boolean;
  /** Runs it and returns every row. */
  all(...parameters: unknown[]): unknown[];
  /** Runs it and says how many rows it changed. */
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  /** Runs it and yields the rows one by one (the statement is busy until the iteration ends). */
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

/**
 * The part of a better-sqlite3 `Database` the wrapper uses.
 *
 * @example
 * ```ts
 * const database: SqliteDatabaseLike = new Database('mfa.db');
 * ```
 */
export interface SqliteDatabaseLike {
  /** Parses and plans one statement. */
  prepare(sql: string): SqliteStatementLike;
  /** Closes the database. */
  close(): unknown;
}

/**
 * A prepared statement as Kysely's `SqliteDialect` runs it: parameters as one array.
 *
 * @example
 * ```ts
 * const rows = cached.prepare('SELECT 1 AS one').all([]);
 * ```
 */
export interface CachedSqliteStatement {
  /** Whether the statement returns rows. */
  readonly reader: boolean;
  /** Runs the cached statement and returns every row. */
  all(parameters: readonly unknown[]): unknown[];
  /** Runs the cached statement and says how many rows it changed. */
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  /** Runs a statement of its own (not the cached one) and yields the rows one by one. */
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * The wrapped database: give it to Kysely's `SqliteDialect` in place of the database itself.
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect({ database: cacheSqliteStatements(sqlite) });
 * ```
 */
export interface CachedSqliteDatabase {
  /** The statement prepared before for this text, or a new one (then kept). */
  prepare(sql: string): CachedSqliteStatement;
  /** Forgets the statements and closes the database. */
  close(): void;
  /** How many statements the cache holds now. */
  readonly cachedStatements: number;
}

/**
 * Options of {@link cacheSqliteStatements}.
 *
 * @example
 * ```ts
 * const options: SqliteStatementCacheOptions = { size: 200 };
 * ```
 */
export interface SqliteStatementCacheOptions {
  /** Most statements kept (default 256; the SQL store uses a few dozen texts). */
  readonly size?: number;
}

/**
 * Wraps a better-sqlite3 database so that Kysely's `SqliteDialect` reuses the statement prepared
 * for a text instead of preparing it on every query. Opt-in: pass the wrapper where the database
 * would go; the app's other uses of the database are not touched. Closing the wrapper closes the
 * database (as Kysely's `destroy()` does).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { cacheSqliteStatements, createSqlStore, migrateSqlStore } from 'mfakit/stores/sql';
 *
 * const sqlite = new Database('mfa.db', { timeout: 5000 });
 * sqlite.pragma('journal_mode = WAL');
 * const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: cacheSqliteStatements(sqlite) }) });
 * await migrateSqlStore({ db, dialect: 'sqlite' });
 * const store = createSqlStore({ db, dialect: 'sqlite' });
 * ```
 */
export function cacheSqliteStatements(database: SqliteDatabaseLike, options: SqliteStatementCacheOptions = {}): CachedSqliteDatabase {
  if (database === null || typeof database !== 'object' || typeof database.prepare !== 'function' || typeof database.close !== 'function') {
    throw new MfaError('INVALID_OPTION', 'cacheSqliteStatements: database must be a better-sqlite3 Database (with prepare and close)');
  }
  if (options === null || typeof options !== 'object') throw new MfaError('INVALID_OPTION', 'cacheSqliteStatements: options must be an object');
  const size = options.size ?? 256;
  if (!Number.isSafeInteger(size) || size < 1) throw new MfaError('INVALID_OPTION', 'cacheSqliteStatements: size must be a positive integer');
  const cache = new Map<string, CachedSqliteStatement>();
  const wrap = (sql: string, statement: SqliteStatementLike): CachedSqliteStatement => ({
    reader: statement.reader,
    all: (parameters) => statement.all(parameters),
    run: (parameters) => statement.run(parameters),
    // An iteration keeps its statement busy until it ends: it gets one of its own.
    iterate: (parameters) => database.prepare(sql).iterate(parameters),
  });
  return {
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = wrap(sql, database.prepare(sql));
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      } else {
        cache.delete(sql); // the most recently used goes last
      }
      cache.set(sql, statement);
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
    get cachedStatements() {
      return cache.size;
    },
  };
}
