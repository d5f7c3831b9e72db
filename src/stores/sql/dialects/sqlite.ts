/**
 * SQLite (through Kysely's `SqliteDialect`, e.g. with `better-sqlite3`). SQLite has one writer at
 * a time per database file: a batch is a `BEGIN IMMEDIATE … COMMIT` transaction on the dialect's
 * one connection, so it takes the file's write lock before its first read, and nothing (another
 * query of this process, or another process on the same file) writes between its statements.
 * Single statements are atomic on their own. Use WAL mode (`journal_mode = WAL`) so readers are
 * not blocked by the writer, and a `busy_timeout` so writers of several processes wait their turn.
 * @module
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { runOn, type SqlDialect, type SqlResult, type SqlStatement } from './dialect.js';

/** SQLite's spelling of the phrases SQL leaves open (shared with D1, which is SQLite). */
export const sqliteSyntax = {
  ignoreDuplicate: () => 'ON CONFLICT DO NOTHING',
  upsert: (keys: readonly string[], columns: readonly string[]) =>
    `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  deleteReturning: true,
  forUpdate: '',
} as const;

/** Whether a SQLite error is a PRIMARY KEY or UNIQUE violation (better-sqlite3 codes, or the message). */
export function isSqliteUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  const message = error instanceof Error ? error.message : '';
  return /UNIQUE constraint failed/.test(message) || (error instanceof Error && error.cause !== undefined && isSqliteUniqueViolation(error.cause));
}

/**
 * The part of a better-sqlite3 `Database` the store runs statements on directly (the `sqlite`
 * option of `createSqlStore`).
 *
 * @example
 * ```ts
 * const database: SqliteDirectDatabase = new Database('mfa.db');
 * ```
 */
export interface SqliteDirectDatabase {
  /** Parses and plans one statement (better-sqlite3's `prepare`). */
  prepare(sql: string): SqliteDirectStatement;
  /** Whether a transaction is open on this connection (better-sqlite3's `inTransaction`). */
  readonly inTransaction: boolean;
}

/**
 * The part of a better-sqlite3 statement the store uses.
 *
 * @example
 * ```ts
 * const statement: SqliteDirectStatement = sqlite.prepare('SELECT 1 AS one');
 * ```
 */
export interface SqliteDirectStatement {
  /** Whether the statement returns rows. */
  readonly reader: boolean;
  /** Runs it and returns every row. */
  all(...parameters: unknown[]): unknown[];
  /** Runs it and says how many rows it changed. */
  run(...parameters: unknown[]): { changes: number | bigint };
}

/** Statements the direct path keeps prepared (the store uses a few dozen texts). */
const DIRECT_CACHE_SIZE = 128;

/**
 * Runs statements on the better-sqlite3 connection itself, synchronously, each text prepared once:
 * a batch is `BEGIN IMMEDIATE`, its statements, `COMMIT` within one turn of the event loop, so
 * nothing of this process runs between them (and the write lock keeps other processes out).
 * While a transaction is open on the connection (the app's, through Kysely, between two of its
 * awaits) or a result is being iterated on it (a Kysely `stream()`), it goes through Kysely
 * instead, which queues it until the connection is free, so the store's writes never join (or
 * roll back with) a transaction of the app.
 */
function directRunner(database: SqliteDirectDatabase) {
  const cache = new Map<string, SqliteDirectStatement>();
  const prepared = (sql: string): SqliteDirectStatement => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= DIRECT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, (statement = database.prepare(sql)));
    }
    return statement;
  };
  const exec = (statement: SqlStatement): SqlResult => {
    const compiled = prepared(statement.sql);
    if (compiled.reader) return { rows: compiled.all(...statement.parameters) as Record<string, unknown>[], changes: 0 };
    return { rows: [], changes: Number(compiled.run(...statement.parameters).changes) };
  };
  const control = (sql: string) => prepared(sql).run();
  return {
    exec,
    batch(statements: readonly SqlStatement[]): SqlResult[] {
      control('BEGIN IMMEDIATE');
      try {
        const results = statements.map(exec);
        control('COMMIT');
        return results;
      } catch (error) {
        // SQLite may have rolled back already (a full disk, an I/O error): only what is still open.
        if (database.inTransaction) control('ROLLBACK');
        throw error;
      }
    },
  };
}

/**
 * The SQLite dialect over the app's Kysely instance; with `database` (the same better-sqlite3
 * connection Kysely uses), statements run on it directly when no transaction is open on it.
 *
 * @example
 * ```ts
 * const dialect = sqliteDialect(db);
 * ```
 */
export function sqliteDialect(db: Kysely<unknown>, database?: SqliteDirectDatabase): SqlDialect {
  const viaKysely = {
    run: (statement: SqlStatement) => runOn(db, statement),
    batch: (statements: readonly SqlStatement[]) =>
      db.connection().execute(async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
        const results: SqlResult[] = [];
        try {
          for (const statement of statements) results.push(await runOn(connection, statement));
          await connection.executeQuery(CompiledQuery.raw('COMMIT'));
          return results;
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
          throw error;
        }
      }),
  };
  const base = { name: 'sqlite' as const, ...sqliteSyntax, isUniqueViolation: isSqliteUniqueViolation };
  if (database === undefined) return { ...base, ...viaKysely };
  const direct = directRunner(database);
  // Directly when the connection is free; through Kysely (which waits for its turn) while the app
  // holds a transaction open on it, or iterates a result on it (better-sqlite3 then refuses a
  // writing statement before running it, so nothing of ours ran).
  const directOr = <T>(run: () => T, queued: () => Promise<T>): Promise<T> => {
    if (database.inTransaction) return queued();
    try {
      return Promise.resolve(run());
    } catch (error) {
      if (isConnectionIterating(error) && !database.inTransaction) return queued();
      return Promise.reject(error);
    }
  };
  return {
    ...base,
    run: (statement) => directOr(() => direct.exec(statement), () => viaKysely.run(statement)),
    batch: (statements) => directOr(() => direct.batch(statements), () => viaKysely.batch(statements)),
  };
}

/** better-sqlite3's refusal to run a statement while another one's rows are being iterated. */
function isConnectionIterating(error: unknown): boolean {
  return error instanceof TypeError && /busy executing a query/.test(error.message);
}

