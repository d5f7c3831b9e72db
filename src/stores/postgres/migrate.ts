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
 * starting at once) serialise on a PostgreSQL advisory lock, so each migration runs once. Each
 * migration runs in its own transaction. A database migrated by a newer mfakit is refused with
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
  const latest = postgresMigrations[postgresMigrations.length - 1]!.version;
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError('migrate', error);
  }
  const lockKey = `mfakit-migrate:${p}`;
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    try {
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
        await client.query('BEGIN');
        try {
          await client.query(migration.sql(p));
          await client.query(`INSERT INTO ${p}migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        }
        applied.push(migration.version);
      }
      return { applied, version: latest };
    } finally {
      if (broken === undefined) {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]).catch((unlockError: unknown) => {
          broken = unlockError instanceof Error ? unlockError : new Error(String(unlockError));
        });
      }
    }
  } catch (error) {
    throw storeError('migrate', error);
  } finally {
    // A connection whose unlock failed is discarded, which also ends its session lock.
    client.release(broken);
  }
}
