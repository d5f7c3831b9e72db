/**
 * Applying the shipped schema: versioned (`<prefix>migrations`), idempotent, safe when several
 * instances start at once.
 * @module
 */
import { CompiledQuery } from 'kysely';
import { MfaError } from '../../errors.js';
import { runOn, storeError, type SqlStatement } from './dialects/dialect.js';
import { sqlMigrations } from './schema.js';
import { checkSqlTablePrefix, sqlDialectOf, type SqlStoreOptions } from './sql-store.js';

/**
 * What {@link migrateSqlStore} did.
 *
 * @example
 * ```ts
 * const { applied, version }: SqlMigrateResult = await migrateSqlStore({ db, dialect: 'sqlite' });
 * ```
 */
export interface SqlMigrateResult {
  /** Versions applied by this call, oldest first (empty when the schema was up to date). */
  readonly applied: number[];
  /** The schema version now in place. */
  readonly version: number;
}

/**
 * Options of {@link migrateSqlStore}: the store's options, and how long to wait for another
 * instance's migration (MySQL; default 60,000 ms).
 *
 * @example
 * ```ts
 * const options: SqlMigrateOptions = { db, dialect: 'mysql', tablePrefix: 'mfakit_', lockTimeoutMs: 30_000 };
 * ```
 */
export interface SqlMigrateOptions extends SqlStoreOptions {
  readonly lockTimeoutMs?: number;
}

function migrationsTable(p: string, dialect: string): string {
  const suffix = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  const int64 = dialect === 'mysql' ? 'BIGINT' : 'INTEGER';
  return `CREATE TABLE IF NOT EXISTS ${p}migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at ${int64} NOT NULL)${suffix}`;
}

function pending(done: Set<number>, p: string): { applied: number[]; version: number } {
  const latest = sqlMigrations[sqlMigrations.length - 1]!.version;
  const newest = Math.max(0, ...done);
  if (newest > latest) {
    throw new MfaError('STORE_SCHEMA_VERSION', `tables "${p}*" are at schema version ${newest}, newer than this mfakit (${latest})`, {
      details: { version: newest, supported: latest },
    });
  }
  return { applied: sqlMigrations.filter((m) => !done.has(m.version)).map((m) => m.version), version: latest };
}

/**
 * Brings the tables of a prefix up to the schema this mfakit version ships. Idempotent: applied
 * versions are recorded in `<prefix>migrations` and skipped, and every statement is
 * `CREATE … IF NOT EXISTS`. Concurrent calls are safe: on SQLite they run one after the other
 * (one `BEGIN IMMEDIATE` transaction, DDL included); on MySQL they serialise on a named lock
 * (`GET_LOCK`, released when the call ends or its connection drops; MySQL commits each DDL
 * statement on its own, and a crash between two is repaired by the next call); on D1 each
 * migration is one atomic `batch()`. A database migrated by a newer mfakit is refused with
 * `MfaError('STORE_SCHEMA_VERSION')`; other failures throw `MfaError('STORE_ERROR')`.
 *
 * @example
 * ```ts
 * import { migrateSqlStore } from 'mfakit/stores/sql';
 * const { applied } = await migrateSqlStore({ db, dialect: 'sqlite', tablePrefix: 'mfakit_' });
 * console.log(applied.length === 0 ? 'schema up to date' : `applied ${applied.join(', ')}`);
 * ```
 */
export async function migrateSqlStore(options: SqlMigrateOptions): Promise<SqlMigrateResult> {
  const p = checkSqlTablePrefix(options?.tablePrefix);
  const dialect = sqlDialectOf(options, p);
  const waitMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isSafeInteger(waitMs) || waitMs < 1) throw new MfaError('INVALID_OPTION', 'lockTimeoutMs must be a positive integer');
  const raw = (sql: string, ...parameters: unknown[]): SqlStatement => ({ sql, parameters });
  const record = (version: number, name: string): SqlStatement =>
    raw(`INSERT INTO ${p}migrations (version, name, applied_at) VALUES (?, ?, ?)`, version, name, Date.now());
  const versions = (rows: readonly Record<string, unknown>[]) => new Set(rows.map((r) => Number(r['version'])));
  try {
    if (dialect.name === 'd1') {
      await dialect.batch([raw(migrationsTable(p, 'd1'))]);
      const [read] = await dialect.batch([raw(`SELECT version FROM ${p}migrations`)]);
      const plan = pending(versions(read!.rows), p);
      for (const migration of sqlMigrations.filter((m) => plan.applied.includes(m.version))) {
        // One atomic batch per migration; a racing instance's copy is a no-op (IF NOT EXISTS, OR IGNORE).
        await dialect.batch([
          ...migration.statements('d1', p).map((sql) => raw(sql)),
          raw(`INSERT OR IGNORE INTO ${p}migrations (version, name, applied_at) VALUES (?, ?, ?)`, migration.version, migration.name, Date.now()),
        ]);
      }
      return plan;
    }
    return await options.db.connection().execute(async (connection) => {
      const exec = (statement: SqlStatement) => runOn(connection, statement);
      if (dialect.name === 'sqlite') {
        await connection.executeQuery(CompiledQuery.raw('BEGIN IMMEDIATE'));
        try {
          await exec(raw(migrationsTable(p, 'sqlite')));
          const plan = pending(versions((await exec(raw(`SELECT version FROM ${p}migrations`))).rows), p);
          for (const migration of sqlMigrations.filter((m) => plan.applied.includes(m.version))) {
            for (const sql of migration.statements('sqlite', p)) await exec(raw(sql));
            await exec(record(migration.version, migration.name));
          }
          await connection.executeQuery(CompiledQuery.raw('COMMIT'));
          return plan;
        } catch (error) {
          await connection.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => {});
          throw error;
        }
      }
      const lockName = `mfakit-migrate:${p}`;
      const [got] = (await exec(raw('SELECT GET_LOCK(?, ?) AS got', lockName, Math.ceil(waitMs / 1000)))).rows;
      if (Number(got?.['got']) !== 1) {
        throw new MfaError('STORE_ERROR', `migrate: another instance held the migration lock of "${p}*" for longer than ${waitMs} ms (lockTimeoutMs)`);
      }
      try {
        await exec(raw(migrationsTable(p, 'mysql')));
        const plan = pending(versions((await exec(raw(`SELECT version FROM ${p}migrations`))).rows), p);
        for (const migration of sqlMigrations.filter((m) => plan.applied.includes(m.version))) {
          for (const sql of migration.statements('mysql', p)) await exec(raw(sql));
          await exec(record(migration.version, migration.name));
        }
        return plan;
      } finally {
        await exec(raw('SELECT RELEASE_LOCK(?) AS released', lockName)).catch(() => {});
      }
    });
  } catch (error) {
    throw storeError('migrate', error);
  }
}
