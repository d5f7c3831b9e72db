/**
 * What differs between the SQL databases the store runs on, in one shape: how a statement runs,
 * how several run as one atomic step, and the few phrases of SQL that are spelt differently.
 * Each database has one small file next to this one (`sqlite.ts`, `mysql.ts`, `d1.ts`).
 * @module
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { MfaError } from '../../../errors.js';

/**
 * One statement with `?` placeholders and its values.
 *
 * @example
 * ```ts
 * const statement: SqlStatement = { sql: 'SELECT COUNT(*) AS n FROM mfakit_backup_codes WHERE account_id = ?', parameters: ['user-42'] };
 * ```
 */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * What a statement gave back: its rows (SELECT, RETURNING) and how many rows it changed.
 *
 * @example
 * ```ts
 * const { rows, changes }: SqlResult = await store.dialect.run(statement);
 * ```
 */
export interface SqlResult {
  readonly rows: readonly Record<string, unknown>[];
  readonly changes: number;
}

/**
 * The names of the databases the store speaks (`mysql` covers MySQL and MariaDB).
 *
 * @example
 * ```ts
 * const dialect: SqlDialectName = 'sqlite';
 * ```
 */
export type SqlDialectName = 'sqlite' | 'mysql' | 'd1';

/**
 * One database's way of running statements and of spelling what SQL does not standardise.
 * `batch` is the only atomic multi-statement primitive the store uses (D1 has no interactive
 * transactions): its statements run in order, as one unit, and see each other's writes; every
 * decision a later statement depends on is written in SQL (a guard row), never taken in app code.
 *
 * @example
 * ```ts
 * const [deleted] = await store.dialect.batch([{ sql: 'DELETE FROM mfakit_backup_codes WHERE account_id = ?', parameters: ['user-42'] }], 'user-42');
 * ```
 */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Runs one statement (atomic on its own). */
  run(statement: SqlStatement): Promise<SqlResult>;
  /**
   * Runs statements as one atomic unit, serialised with every other batch naming the same
   * `lockKey` (an account) where the database does not serialise all writers anyway.
   */
  batch(statements: readonly SqlStatement[], lockKey?: string): Promise<SqlResult[]>;
  /** Whether `error` is a unique-key violation (a duplicate id or credential id). */
  isUniqueViolation(error: unknown): boolean;
  /** `INSERT … ` suffix that turns a duplicate key into a no-op, keyed on `firstColumn`. */
  ignoreDuplicate(firstColumn: string): string;
  /** `INSERT … ` suffix that replaces `columns` of the existing row on a duplicate `keys`. */
  upsert(keys: readonly string[], columns: readonly string[]): string;
  /** Whether `DELETE … RETURNING` exists (SQLite, D1); MySQL reads with `FOR UPDATE` first. */
  readonly deleteReturning: boolean;
  /** Suffix of a SELECT that locks the rows it reads until the batch ends (MySQL), or `''`. */
  readonly forUpdate: string;
}

/** Wraps a driver error as `MfaError('STORE_ERROR')`, keeping an `MfaError` as it is (internal). */
export function storeError(operation: string, cause: unknown): MfaError {
  if (cause instanceof MfaError) return cause;
  return new MfaError('STORE_ERROR', `SQL store: ${operation} failed`, { cause });
}

/** Runs one statement on a Kysely instance or connection. */
export async function runOn(db: Pick<Kysely<unknown>, 'executeQuery'>, statement: SqlStatement): Promise<SqlResult> {
  const result = await db.executeQuery(CompiledQuery.raw(statement.sql, [...statement.parameters]));
  const changes = result.numAffectedRows;
  return { rows: result.rows as Record<string, unknown>[], changes: changes === undefined ? 0 : Number(changes) };
}

/**
 * Runs statements as one transaction on a Kysely connection: `begin` (`BEGIN IMMEDIATE` on
 * SQLite, `START TRANSACTION` on MySQL), the statements in order, `COMMIT`; on any failure a
 * `ROLLBACK` (its own failure ignored: the connection may have rolled back already) and the error.
 */
export async function transactionOn(
  connection: Pick<Kysely<unknown>, 'executeQuery'>,
  begin: string,
  statements: readonly SqlStatement[],
): Promise<SqlResult[]> {
  await connection.executeQuery(CompiledQuery.raw(begin));
  const results: SqlResult[] = [];
  try {
    for (const statement of statements) results.push(await runOn(connection, statement));
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
    return results;
  } catch (error) {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
    throw error;
  }
}

/** The statement text without its parameters, for error messages. */
export function operationName(statement: SqlStatement | undefined): string {
  return statement === undefined ? 'statement' : statement.sql.slice(0, 40);
}
