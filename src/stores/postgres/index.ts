/**
 * `mfakit/stores/postgres`: the storage contract on PostgreSQL, over the app's own `pg` pool
 * (Node only; `pg` is an optional peer dependency, and this subpath never imports it at runtime:
 * the app passes its pool in). Importing `mfakit` or `mfakit/service` never loads it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresStore, migrate, sweepExpired } from 'mfakit/stores/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = createPostgresStore({ pool });
 * setInterval(() => void sweepExpired(store, Date.now()), 600_000).unref();
 * ```
 * @module mfakit/stores/postgres
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { PostgresStore, createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
export { sweepExpired, type SweepOptions, type SweepResult } from './sweep.js';
export { postgresMigrations, postgresTableNames, type PostgresMigration } from './schema.js';
export { postgresStatements, type PostgresStatement, type PostgresStatements } from './statements.js';
