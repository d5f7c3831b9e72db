/**
 * Applying the shipped schema: idempotent, versioned, safe when several instances start at once.
 * @module
 */
import type { Pool, PoolClient } from 'pg';
import { MfaError } from '../../errors.js';
import { storeError } from './db.js';
import { checkTablePrefix } from './prefix.js';
import { postgresMigrations } from './schema.js';

/**
 * Options of {@link migrate}.
 *
 * @example
 * ```ts
 * const options: MigrateOptions = { tablePrefix: 'mfakit_' };
 * ```
 */
export interface MigrateOptions {
  /** Prefix of every table (default `mfakit_`); the same as the store's. */
  readonly tablePrefix?: string;
  /**
   * How long to wait for another instance's migration before giving up with
   * `MfaError('STORE_ERROR')` (default 60,000 ms).
   */
  readonly lockTimeoutMs?: number;
}

/**
 * What {@link migrate} did.
 *
 * @example
 * ```ts
 * const { applied, version }: MigrateResult = await migrate(pool);
 * ```
 */
export interface MigrateResult {
  /** Versions applied by this call, oldest first (empty when the schema was up to date). */
  readonly applied: number[];
  /** The schema version now in place. */
  readonly version: number;
}

/**
 * Brings the tables of a prefix up to the schema this mfakit version ships. Idempotent: applied
 * versions are recorded in `<prefix>migrations` and skipped. Concurrent calls (several instances
 * starting at once) serialise on a transaction-scoped PostgreSQL advisory lock, so each migration
 * runs once; every pending migration runs in that one transaction, so it is safe through any
 * connection pooler (PgBouncer in transaction mode included) and a crash leaves no lock behind.
 * A call that waits longer than `lockTimeoutMs` throws `MfaError('STORE_ERROR')`. A database migrated by a newer mfakit is refused with
 * `MfaError('STORE_SCHEMA_VERSION')`; connection and SQL failures throw `MfaError('STORE_ERROR')`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from 'mfakit/stores/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const { applied } = await migrate(pool, { tablePrefix: 'mfakit_' });
 * console.log(applied.length === 0 ? 'schema up to date' : `applied ${applied.join(', ')}`);
 * ```
 */
export async function migrate(pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const p = checkTablePrefix(options.tablePrefix);
  const waitMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isSafeInteger(waitMs) || waitMs < 1) throw new MfaError('INVALID_OPTION', 'lockTimeoutMs must be a positive integer');
  const latest = postgresMigrations[postgresMigrations.length - 1]!.version;
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError('migrate', error);
  }
  // A connection that dies while checked out emits 'error' on the client; without a listener that
  // would end the process. The failing query rejects too, which is what this function reports.
  const ignore = (): void => {};
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    // One transaction holds everything: the lock is transaction-scoped, so it ends with the
    // transaction on whatever server connection a pooler gave it, and never leaks.
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${waitMs}`);
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`mfakit-migrate:${p}`]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${p}migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await client.query<{ version: string | number }>(`SELECT version FROM ${p}migrations`)).rows.map((r) => Number(r.version)),
      );
      const newest = Math.max(0, ...done);
      if (newest > latest) {
        throw new MfaError('STORE_SCHEMA_VERSION', `tables "${p}*" are at schema version ${newest}, newer than this mfakit (${latest})`, {
          details: { version: newest, supported: latest },
        });
      }
      const applied: number[] = [];
      for (const migration of postgresMigrations) {
        if (done.has(migration.version)) continue;
        await client.query(migration.sql(p));
        await client.query(`INSERT INTO ${p}migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
      return { applied, version: latest };
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === '55P03') {
      throw new MfaError(
        'STORE_ERROR',
        `migrate: another instance held the migration lock of "${p}*" for longer than ${waitMs} ms (lockTimeoutMs); retry, or look for a migration stuck in pg_stat_activity`,
        { cause: error },
      );
    }
    throw storeError('migrate', error);
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}
