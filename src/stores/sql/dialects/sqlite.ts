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
import { MfaError } from '../../../errors.js';
import { bytesToHex, secureRandom } from '../../../internal/bytes.js';
import { runOn, transactionOn, type SqlDialect, type SqlResult, type SqlStatement } from './dialect.js';

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

/** Kysely bound to its one connection (what `db.connection().execute` hands its callback). */
type OnConnection = Pick<Kysely<unknown>, 'executeQuery'>;

/** Runs statements as one `BEGIN IMMEDIATE … COMMIT` transaction on a Kysely connection. */
function batchOn(connection: OnConnection, statements: readonly SqlStatement[]): Promise<SqlResult[]> {
  return transactionOn(connection, 'BEGIN IMMEDIATE', statements);
}

/** A transaction is open on the connection while the store holds Kysely's turn on it: not Kysely's. */
function openedOutsideKysely(): MfaError {
  return new MfaError(
    'STORE_ERROR',
    'SQL store: a transaction is open on the SQLite connection that is not a Kysely transaction (a BEGIN run outside db.transaction()); the store does not write inside it',
  );
}

/**
 * Whether `database` is the connection `db` runs on. SQLite's TEMP schema belongs to one
 * connection: a view created there on `database` (autocommit, touching neither the database file
 * nor any transaction, so the app's own statements meanwhile are not affected) must be seen
 * through Kysely, then it is dropped. Runs in Kysely's turn on the connection, so it waits for the
 * app's transactions. `MfaError('INVALID_OPTION')` when it is another connection; `STORE_ERROR`
 * (tried again by the next call) when it cannot tell, e.g. while a transaction opened outside
 * Kysely is open.
 */
async function checkSameConnection(db: Kysely<unknown>, database: SqliteDirectDatabase): Promise<void> {
  const view = `mfakit_connection_check_${bytesToHex(secureRandom(8))}`;
  await db.connection().execute(async (connection) => {
    if (database.inTransaction) throw openedOutsideKysely();
    try {
      database.prepare(`CREATE TEMP VIEW ${view} AS SELECT 1 AS one`).run();
    } catch (error) {
      throw new MfaError('STORE_ERROR', 'SQL store: could not check that the sqlite option is the connection db uses', { cause: error });
    }
    try {
      const { rows } = await connection.executeQuery(CompiledQuery.raw('SELECT COUNT(*) AS n FROM temp.sqlite_master WHERE name = ?', [view]));
      if (Number((rows[0] as { n?: unknown } | undefined)?.n) !== 1) {
        throw new MfaError('INVALID_OPTION', "dialect 'sqlite': { sqlite } is not the connection db runs on: it must be the very better-sqlite3 Database given to db's SqliteDialect");
      }
    } finally {
      try {
        database.prepare(`DROP VIEW IF EXISTS temp.${view}`).run();
      } catch {
        // A TEMP view goes away with its connection.
      }
    }
  });
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
  const base = { name: 'sqlite' as const, ...sqliteSyntax, isUniqueViolation: isSqliteUniqueViolation };
  if (database === undefined) {
    return {
      ...base,
      run: (statement) => runOn(db, statement),
      batch: (statements) => db.connection().execute((connection) => batchOn(connection, statements)),
    };
  }
  const direct = directRunner(database);
  // Through Kysely, in its turn on the connection (after the app's transaction or stream). A
  // transaction still open then was opened outside Kysely (a raw BEGIN): the store does not join it
  // (its write would roll back with it, and a used code come back).
  const queued = <T>(work: (connection: OnConnection) => Promise<T>): Promise<T> =>
    db.connection().execute(async (connection) => {
      if (database.inTransaction) throw openedOutsideKysely();
      return work(connection);
    });
  // Once, before the first statement: `database` must be the connection `db` runs on (another one
  // would block the event loop on the file's lock while the app's transaction holds it, or split
  // the store's state over two files). Started now, not at the first call: a first call made while
  // the app holds Kysely's connection (a stream, a db.connection() callback) does not wait for it.
  let checked: Promise<void> | undefined;
  let same = false;
  const check = (): Promise<void> =>
    (checked ??= checkSameConnection(db, database).then(
      () => {
        same = true;
      },
      (error: unknown) => {
        if (!(error instanceof MfaError && error.code === 'INVALID_OPTION')) checked = undefined;
        throw error;
      },
    ));
  check().catch(() => {}); // its outcome is met again by the first call (a failure other than INVALID_OPTION is retried)
  // Directly when the connection is free; through Kysely (which waits for its turn) while the app
  // holds a transaction open on it, or iterates a result on it (better-sqlite3 then refuses a
  // writing statement before running it, so nothing of ours ran).
  const directOr = <T>(run: () => T, viaKysely: (connection: OnConnection) => Promise<T>): Promise<T> => {
    if (!same) return check().then(() => directOr(run, viaKysely));
    if (database.inTransaction) return queued(viaKysely);
    try {
      return Promise.resolve(run());
    } catch (error) {
      if (isConnectionIterating(error) && !database.inTransaction) return queued(viaKysely);
      return Promise.reject(error);
    }
  };
  return {
    ...base,
    run: (statement) => directOr(() => direct.exec(statement), (connection) => runOn(connection, statement)),
    batch: (statements) => directOr(() => direct.batch(statements), (connection) => batchOn(connection, statements)),
  };
}

/** better-sqlite3's refusal to run a statement while another one's rows are being iterated. */
function isConnectionIterating(error: unknown): boolean {
  return error instanceof TypeError && /busy executing a query/.test(error.message);
}

