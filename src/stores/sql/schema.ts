/**
 * The tables of the SQL store, as one plain description (every dialect's column types, keys and
 * indexes), from which the migrations' DDL is generated. Apps can read it to see exactly what
 * mfakit stores, or to generate ORM models (Drizzle, Prisma, Kysely types) from it.
 *
 * Why text for `data`: records come back exactly as written (a JSON column may reorder keys), and
 * mfakit never queries inside it. Why 64-bit integers for times: milliseconds since the epoch.
 * MySQL: ids are `VARCHAR` with a binary collation (`utf8mb4_bin`: `A` and `a` are different ids),
 * sized so composite keys fit InnoDB's 3072-byte index limit.
 * @module
 */
import type { SqlDialectName } from './dialects/dialect.js';

/**
 * One column: its name, its type in each dialect, whether it may be NULL.
 *
 * @example
 * ```ts
 * const column: SqlColumnDescription = { name: 'id', type: { sqlite: 'TEXT', d1: 'TEXT', mysql: 'VARCHAR(320)' }, nullable: false };
 * ```
 */
export interface SqlColumnDescription {
  readonly name: string;
  readonly type: { readonly [dialect in SqlDialectName]: string };
  readonly nullable: boolean;
  readonly description?: string;
}

/**
 * One index (or unique constraint) of a table.
 *
 * @example
 * ```ts
 * const index: SqlIndexDescription = { name: 'factors_account_idx', columns: ['account_id'], unique: false };
 * ```
 */
export interface SqlIndexDescription {
  /** The index name without the table prefix. */
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/**
 * One table: name without the prefix, columns, primary key, indexes, and the dialects that have it.
 *
 * @example
 * ```ts
 * const factors: SqlTableDescription = sqlSchema.tables.find((t) => t.name === 'factors')!;
 * ```
 */
export interface SqlTableDescription {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly SqlColumnDescription[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly SqlIndexDescription[];
  readonly dialects: readonly SqlDialectName[];
}

/**
 * The schema: its version (the latest migration) and its tables.
 *
 * @example
 * ```ts
 * const schema: SqlSchemaDescription = sqlSchema;
 * console.log(schema.version, schema.tables.map((t) => t.name));
 * ```
 */
export interface SqlSchemaDescription {
  readonly version: number;
  readonly tables: readonly SqlTableDescription[];
}

const ALL: readonly SqlDialectName[] = ['sqlite', 'mysql', 'd1'];

function t(sqlite: string, mysql: string): { readonly [dialect in SqlDialectName]: string } {
  return { sqlite, d1: sqlite, mysql };
}

const ID = t('TEXT', 'VARCHAR(320)');
const INT64 = t('INTEGER', 'BIGINT');
const INT32 = t('INTEGER', 'INT');
const TEXT = t('TEXT', 'TEXT');
const JSON_TEXT = t('TEXT', 'MEDIUMTEXT');
const SHORT = t('TEXT', 'VARCHAR(64)');

function col(name: string, type: { readonly [dialect in SqlDialectName]: string }, nullable = false, description?: string): SqlColumnDescription {
  return description === undefined ? { name, type, nullable } : { name, type, nullable, description };
}

function index(name: string, columns: readonly string[], unique = false): SqlIndexDescription {
  return { name, columns, unique };
}

/**
 * Every table of the SQL store (names without the table prefix).
 *
 * @example
 * ```ts
 * import { sqlSchema } from 'mfakit/stores/sql';
 * for (const table of sqlSchema.tables) console.log(table.name, table.columns.map((c) => `${c.name} ${c.type.sqlite}`).join(', '));
 * ```
 */
export const sqlSchema: SqlSchemaDescription = {
  version: 1,
  tables: [
    {
      name: 'accounts',
      description: 'One row per account that uses MFA.',
      columns: [col('id', ID), col('v', INT32), col('created_at', INT64), col('updated_at', INT64), col('revision', INT64), col('data', JSON_TEXT, false, 'JSON object')],
      primaryKey: ['id'],
      indexes: [],
      dialects: ALL,
    },
    {
      name: 'factors',
      description: 'Active factors and recovery methods.',
      columns: [
        col('id', ID), col('account_id', ID), col('v', INT32), col('kind', SHORT), col('role', SHORT), col('name', TEXT),
        col('created_at', INT64), col('last_used_at', INT64, true), col('last_step', INT64), col('revision', INT64),
        col('data', JSON_TEXT, false, 'JSON object'),
        col('credential_hash', t('TEXT', 'CHAR(64) CHARACTER SET ascii COLLATE ascii_bin'), true, 'SHA-256 (hex) of a WebAuthn credential id, unique across accounts; NULL for other kinds'),
      ],
      primaryKey: ['id'],
      indexes: [index('factors_account_idx', ['account_id']), index('factors_credential_idx', ['credential_hash'], true)],
      dialects: ALL,
    },
    {
      name: 'enrolments',
      description: 'Pending enrolments (a factor before its first correct code).',
      columns: [
        col('account_id', ID), col('id', ID), col('v', INT32), col('kind', SHORT), col('role', SHORT), col('name', TEXT),
        col('created_at', INT64), col('expires_at', INT64), col('replaces_factor_id', ID, true), col('data', JSON_TEXT, false, 'JSON object'),
      ],
      primaryKey: ['account_id', 'id'],
      indexes: [index('enrolments_expires_idx', ['expires_at'])],
      dialects: ALL,
    },
    {
      name: 'backup_codes',
      description: 'Unused backup codes, as hashes.',
      columns: [col('account_id', ID), col('id', ID), col('v', INT32), col('set_id', ID), col('hash', TEXT), col('created_at', INT64)],
      primaryKey: ['account_id', 'id'],
      indexes: [],
      dialects: ALL,
    },
    {
      name: 'challenges',
      description: 'Short-lived single-use challenges, email/SMS codes, step-up grants.',
      columns: [
        col('id', ID), col('v', INT32), col('account_id', ID, true), col('purpose', t('TEXT', 'VARCHAR(191)')), col('data', JSON_TEXT, false, 'JSON object'),
        col('created_at', INT64), col('expires_at', INT64), col('revision', INT64),
      ],
      primaryKey: ['id'],
      indexes: [index('challenges_account_idx', ['account_id', 'purpose']), index('challenges_expires_idx', ['expires_at'])],
      dialects: ALL,
    },
    {
      name: 'counters',
      description: 'Fixed-window counters (send limits).',
      columns: [col('counter_key', t('TEXT', 'VARCHAR(700)')), col('count', INT64), col('expires_at', INT64), col('last_at', INT64), col('prior_at', INT64, true)],
      primaryKey: ['counter_key'],
      indexes: [index('counters_expires_idx', ['expires_at'])],
      dialects: ALL,
    },
    {
      name: 'attempts',
      description: 'Attempt records (throttling), one per account and name.',
      columns: [
        col('account_id', ID), col('name', t('TEXT', 'VARCHAR(200)')), col('count', INT32), col('last_at', INT64, true), col('expires_at', INT64),
        col('refused', INT32, false, '1 when the latest charge was refused'),
      ],
      primaryKey: ['account_id', 'name'],
      indexes: [],
      dialects: ALL,
    },
    {
      name: 'guards',
      description: 'Scratch rows of one atomic batch (its decisions, read by its later statements); empty between batches.',
      columns: [col('id', t('TEXT', 'CHAR(32) CHARACTER SET ascii COLLATE ascii_bin')), col('reason', INT32), col('flag', INT32), col('charged', INT32)],
      primaryKey: ['id'],
      indexes: [],
      dialects: ALL,
    },
    {
      name: 'locks',
      description: 'MySQL only: one row per account, locked for the length of a batch of that account.',
      columns: [col('name', t('TEXT', 'VARCHAR(400)'))],
      primaryKey: ['name'],
      indexes: [],
      dialects: ['mysql'],
    },
    {
      name: 'migrations',
      description: 'Applied schema versions.',
      columns: [col('version', INT32), col('name', TEXT), col('applied_at', INT64)],
      primaryKey: ['version'],
      indexes: [],
      dialects: ALL,
    },
  ],
};

/**
 * The `CREATE TABLE` / `CREATE INDEX` statements of one table in one dialect (idempotent:
 * `IF NOT EXISTS`; MySQL declares its indexes inside the table).
 *
 * @example
 * ```ts
 * const ddl = createTableStatements(sqlSchema.tables[0]!, 'sqlite', 'mfakit_');
 * ```
 */
export function createTableStatements(table: SqlTableDescription, dialect: SqlDialectName, prefix: string): string[] {
  const columns = table.columns.map((c) => `${c.name} ${c.type[dialect]}${c.nullable ? '' : ' NOT NULL'}`);
  const keys = [`PRIMARY KEY (${table.primaryKey.join(', ')})`];
  if (dialect === 'mysql') {
    for (const i of table.indexes) keys.push(`${i.unique ? 'UNIQUE KEY' : 'KEY'} ${prefix}${i.name} (${i.columns.join(', ')})`);
    return [
      `CREATE TABLE IF NOT EXISTS ${prefix}${table.name} (${[...columns, ...keys].join(', ')}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${prefix}${table.name} (${[...columns, ...keys].join(', ')})`,
    ...table.indexes.map((i) => `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${prefix}${i.name} ON ${prefix}${table.name} (${i.columns.join(', ')})`),
  ];
}

/**
 * One schema migration of the SQL store.
 *
 * @example
 * ```ts
 * for (const m of sqlMigrations) console.log(m.version, m.name, m.statements('sqlite', 'mfakit_').length);
 * ```
 */
export interface SqlMigration {
  readonly version: number;
  readonly name: string;
  /** Its statements for one dialect and (validated) prefix; each idempotent on its own. */
  readonly statements: (dialect: SqlDialectName, prefix: string) => string[];
}

/**
 * Every migration, oldest first. Never change a released one: add the next version.
 *
 * @example
 * ```ts
 * const latest = sqlMigrations[sqlMigrations.length - 1]!.version;
 * ```
 */
export const sqlMigrations: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'create mfakit tables',
    statements: (dialect, prefix) =>
      sqlSchema.tables.filter((table) => table.name !== 'migrations' && table.dialects.includes(dialect)).flatMap((table) => createTableStatements(table, dialect, prefix)),
  },
];

/**
 * The tables a prefix owns in a dialect (the migrations table last), for tooling and tests that drop them.
 *
 * @example
 * ```ts
 * for (const table of sqlTableNames('mysql', 'mfakit_')) await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
 * ```
 */
export function sqlTableNames(dialect: SqlDialectName, prefix: string): string[] {
  return sqlSchema.tables.filter((table) => table.dialects.includes(dialect)).map((table) => `${prefix}${table.name}`);
}
