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

/** Runs one named statement and returns its rows. */
export async function run(db: Queryable, statement: PostgresStatement, values: readonly unknown[]): Promise<TextRow[]> {
  try {
    const result = await db.query({ name: statement.name, text: statement.text, values: values as unknown[], types: TEXT_RESULTS });
    return result.rows as TextRow[];
  } catch (error) {
    throw storeError(statement.name, error);
  }
}

/**
 * Runs `body` in one short transaction on a client of the pool: committed when `body` returns
 * `commit: true`, rolled back otherwise or when it throws.
 */
export async function inTransaction<T>(
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
  try {
    await client.query('BEGIN');
    const outcome = await body(client);
    await client.query(outcome.commit ? 'COMMIT' : 'ROLLBACK');
    return outcome.value;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is unusable: tell the pool to discard it rather than reuse it.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw storeError(operation, error);
  } finally {
    client.release(broken);
  }
}
