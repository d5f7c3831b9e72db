/**
 * Running statements on the app's pool: every driver failure becomes `MfaError('STORE_ERROR')`
 * with the driver error as `cause`, and results come back as text (the app may have installed its
 * own type parsers on the pool; the store decodes every column itself).
 * @module
 */
import type { CustomTypesConfig, Pool, PoolClient } from 'pg';
import { MfaError } from '../../errors.js';
import type { PostgresStatement } from './statements.js';

/** A pool or a checked-out client: anything with `query`. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;

/** One row, every column as text or null. */
export type TextRow = Record<string, string | null>;

/** Every column as its text form, whatever parsers the app's pool has installed. */
const TEXT_RESULTS = { getTypeParser: () => (text: string) => text } as unknown as CustomTypesConfig;

/** Wraps a driver error. */
export function storeError(operation: string, cause: unknown): MfaError {
  if (cause instanceof MfaError) return cause;
  return new MfaError('STORE_ERROR', `PostgreSQL store: ${operation} failed`, { cause });
}

/**
 * Whether a store sends its statements named (prepared once per connection) or unnamed. Shared by
 * every statement of one store; `auto` lets the first pooler symptom switch it off for good.
 */
export interface StatementNaming {
  named: boolean;
  readonly auto: boolean;
}

const namingOf = new WeakMap<PostgresStatement, StatementNaming>();

/** Ties a store's statements to its naming state (read by {@link run}). */
export function withNaming<T extends Record<string, PostgresStatement>>(statements: T, naming: StatementNaming): T {
  for (const statement of Object.values(statements)) namingOf.set(statement, naming);
  return statements;
}

/**
 * A transaction-mode pooler (PgBouncer, Supavisor) hands each transaction whichever server
 * connection is free, so a statement prepared on one is missing on the next (26000) or already
 * there under the same name (42P05). Both are raised when the statement is parsed or bound, before
 * it runs, so sending it again unnamed cannot run it twice.
 */
function isPreparedStatementMismatch(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '26000' || code === '42P05';
}

/** Thrown inside a transaction when the naming was just switched off: the transaction is retried. */
export class StatementNamingSwitched extends Error {}

/**
 * Runs one statement and returns its rows: named unless its store's naming says otherwise. In
 * `auto` naming, a prepared-statement mismatch switches the store to unnamed statements and the
 * statement is sent again (outside a transaction) or the transaction is retried (inside one).
 */
export async function run(db: Queryable, statement: PostgresStatement, values: readonly unknown[]): Promise<TextRow[]> {
  const naming = namingOf.get(statement);
  const named = statement.name !== undefined && (naming === undefined || naming.named);
  try {
    const result = await db.query({ name: named ? statement.name : undefined, text: statement.text, values: values as unknown[], types: TEXT_RESULTS });
    return result.rows as TextRow[];
  } catch (error) {
    if (named && naming?.auto === true && isPreparedStatementMismatch(error)) {
      naming.named = false;
      if (!('release' in db)) return run(db, statement, values);
      throw new StatementNamingSwitched(statement.name, { cause: error });
    }
    throw storeError(statement.name ?? 'statement', error);
  }
}

/**
 * Runs `body` in one short transaction on a client of the pool: committed when `body` returns
 * `commit: true`, rolled back otherwise or when it throws.
 *
 * While a client is checked out, the pool no longer listens for its errors (pg-pool removes its
 * idle listener), so a backend that dies mid-transaction (failover, `pg_terminate_backend`, a cut
 * connection) would emit `'error'` with nobody listening and take the whole process down, whatever
 * `pool.on('error')` the app set. So the transaction listens itself for as long as it holds the
 * client: the failure reaches the caller as `STORE_ERROR` through the rejected query, and a broken
 * client is handed back to the pool as broken (destroyed, never reused).
 */
export async function inTransaction<T>(
  pool: Pick<Pool, 'connect'>,
  operation: string,
  body: (client: PoolClient) => Promise<{ commit: boolean; value: T }>,
): Promise<T> {
  try {
    return await transactionOnce(pool, operation, body);
  } catch (error) {
    // The transaction was rolled back before anything ran twice: run it again, now unnamed.
    if (error instanceof MfaError && error.cause instanceof StatementNamingSwitched) return transactionOnce(pool, operation, body);
    throw error;
  }
}

async function transactionOnce<T>(
  pool: Pick<Pool, 'connect'>,
  operation: string,
  body: (client: PoolClient) => Promise<{ commit: boolean; value: T }>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError(operation, error);
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const outcome = await body(client);
    await client.query(outcome.commit ? 'COMMIT' : 'ROLLBACK');
    return outcome.value;
  } catch (error) {
    if (broken === undefined) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: tell the pool to discard it rather than reuse it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
    }
    throw storeError(operation, error);
  } finally {
    // A healthy client goes back to the pool, whose idle listener takes over; a broken one keeps
    // this listener (its socket may still report the failure) and is destroyed by the pool.
    if (broken === undefined) client.off('error', onError);
    client.release(broken);
  }
}
