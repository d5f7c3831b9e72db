/**
 * `mfakit/stores/sql`: the storage contract on MySQL/MariaDB, SQLite and Cloudflare D1, over the
 * app's own Kysely instance (`kysely` is an optional peer dependency; this subpath never loads a
 * database driver: the app builds its Kysely instance with the driver it likes). Importing
 * `mfakit` or `mfakit/service` never loads it. How each operation stays atomic on each database:
 * see `docs/stores.md`.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * import { createSqlStore, migrateSqlStore } from 'mfakit/stores/sql';
 *
 * const sqlite = new Database('mfa.db');
 * sqlite.pragma('journal_mode = WAL');
 * const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
 * await migrateSqlStore({ db, dialect: 'sqlite' });
 * const store = createSqlStore({ db, dialect: 'sqlite' });
 * ```
 * @module mfakit/stores/sql
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { SqlStore, createSqlStore, checkSqlTablePrefix, sqlDialectOf, type SqlStoreOptions } from './sql-store.js';
export { migrateSqlStore, type SqlMigrateOptions, type SqlMigrateResult } from './migrate.js';
export { sweepExpiredSql, type SqlSweepResult } from './sweep.js';
export {
  sqlSchema,
  sqlMigrations,
  sqlTableNames,
  createTableStatements,
  type SqlSchemaDescription,
  type SqlTableDescription,
  type SqlColumnDescription,
  type SqlIndexDescription,
  type SqlMigration,
} from './schema.js';
export type { SqlDialect, SqlDialectName, SqlStatement, SqlResult } from './dialects/dialect.js';
export type { D1DatabaseLike, D1PreparedStatementLike } from './dialects/d1.js';
export type { SqliteDirectDatabase, SqliteDirectStatement } from './dialects/sqlite.js';
export {
  cacheSqliteStatements,
  type CachedSqliteDatabase,
  type CachedSqliteStatement,
  type SqliteDatabaseLike,
  type SqliteStatementLike,
  type SqliteStatementCacheOptions,
} from './sqlite-statement-cache.js';
