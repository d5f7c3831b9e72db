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
 * The SQLite dialect over the app's Kysely instance.
 *
 * @example
 * ```ts
 * const dialect = sqliteDialect(db);
 * ```
 */
export function sqliteDialect(db: Kysely<unknown>): SqlDialect {
  return {
    name: 'sqlite',
    ...sqliteSyntax,
    isUniqueViolation: isSqliteUniqueViolation,
    run: (statement) => runOn(db, statement),
    batch: (statements) =>
      db.connection().execute(async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
        const results: SqlResult[] = [];
        try {
          for (const statement of statements as SqlStatement[]) results.push(await runOn(connection, statement));
          await connection.executeQuery(CompiledQuery.raw('COMMIT'));
          return results;
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
          throw error;
        }
      }),
  };
}

