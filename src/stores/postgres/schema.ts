/**
 * The PostgreSQL schema, as versioned migrations shipped inside the package (string constants, so
 * the bundler ships them with the code). Each migration is a function of the table prefix.
 *
 * Why `text` and not `jsonb` for `data`: `jsonb` reorders object keys and drops duplicates, and the
 * store promises records back exactly as written. mfakit never queries inside `data`.
 * Why `bigint` for times: milliseconds since the epoch do not fit in `integer`.
 * @module
 */

/**
 * One schema migration: applied once, in `version` order, inside a transaction.
 *
 * @example
 * ```ts
 * for (const m of postgresMigrations) console.log(m.version, m.name);
 * ```
 */
export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  /** The SQL for a table prefix (already validated). */
  readonly sql: (prefix: string) => string;
}

/**
 * Every migration, oldest first. Never edit a released one: add the next version.
 *
 * @example
 * ```ts
 * const latest = postgresMigrations[postgresMigrations.length - 1]!.version;
 * ```
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'create mfakit tables',
    sql: (p) => `
CREATE TABLE ${p}accounts (
  id          text    PRIMARY KEY,
  v           integer NOT NULL,
  created_at  bigint  NOT NULL,
  updated_at  bigint  NOT NULL,
  revision    bigint  NOT NULL,
  data        text    NOT NULL
);
CREATE TABLE ${p}factors (
  id            text    PRIMARY KEY,
  account_id    text    NOT NULL,
  v             integer NOT NULL,
  kind          text    NOT NULL,
  role          text    NOT NULL,
  name          text    NOT NULL,
  created_at    bigint  NOT NULL,
  last_used_at  bigint,
  last_step     bigint  NOT NULL,
  revision      bigint  NOT NULL,
  data          text    NOT NULL
);
CREATE INDEX ${p}factors_account_idx ON ${p}factors (account_id);
CREATE TABLE ${p}enrolments (
  account_id          text    NOT NULL,
  id                  text    NOT NULL,
  v                   integer NOT NULL,
  kind                text    NOT NULL,
  role                text    NOT NULL,
  name                text    NOT NULL,
  created_at          bigint  NOT NULL,
  expires_at          bigint  NOT NULL,
  replaces_factor_id  text,
  data                text    NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX ${p}enrolments_expires_idx ON ${p}enrolments (expires_at);
CREATE TABLE ${p}backup_codes (
  account_id  text    NOT NULL,
  id          text    NOT NULL,
  v           integer NOT NULL,
  set_id      text    NOT NULL,
  hash        text    NOT NULL,
  created_at  bigint  NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE TABLE ${p}challenges (
  id          text    PRIMARY KEY,
  v           integer NOT NULL,
  account_id  text,
  purpose     text    NOT NULL,
  data        text    NOT NULL,
  created_at  bigint  NOT NULL,
  expires_at  bigint  NOT NULL,
  revision    bigint  NOT NULL
);
CREATE INDEX ${p}challenges_account_idx ON ${p}challenges (account_id, purpose);
CREATE INDEX ${p}challenges_expires_idx ON ${p}challenges (expires_at);
CREATE TABLE ${p}counters (
  key         text    PRIMARY KEY,
  count       bigint  NOT NULL,
  expires_at  bigint  NOT NULL,
  last_at     bigint  NOT NULL,
  prior_at    bigint
);
CREATE INDEX ${p}counters_expires_idx ON ${p}counters (expires_at);
`,
  },
  {
    // WebAuthn L3 §7.1 step 26: a credential id is registered to at most one user. The index is the
    // guarantee (inserts racing on one id: one wins); it fails to build if two factors already
    // share a credential id: remove the newer one, then migrate again.
    version: 2,
    name: 'unique WebAuthn credential ids',
    sql: (p) => `
CREATE UNIQUE INDEX ${p}factors_credential_idx ON ${p}factors ((data::jsonb ->> 'credentialId')) WHERE kind = 'webauthn';
`,
  },
  {
    version: 3,
    name: 'attempt records',
    // One row per account and record name, charged and cleared in place. No index on expires_at:
    // every charge moves it, and an index on it would make each charge a non-HOT update; the
    // sweep scans the table instead (one row per account with recent attempts). Fill factor 80
    // leaves room on each page for the in-place (HOT) updates.
    sql: (p) => `
CREATE TABLE ${p}attempts (
  account_id  text     NOT NULL,
  name        text     NOT NULL,
  count       integer  NOT NULL,
  last_at     bigint,
  expires_at  bigint   NOT NULL,
  refused     boolean  NOT NULL,
  PRIMARY KEY (account_id, name)
) WITH (fillfactor = 80);
`,
  },
];

/**
 * The tables a prefix owns (the migrations table last), for tooling and tests that drop them.
 *
 * @example
 * ```ts
 * for (const table of postgresTableNames('mfakit_')) await pool.query(`DROP TABLE IF EXISTS ${table}`);
 * ```
 */
export function postgresTableNames(prefix: string): string[] {
  return ['accounts', 'factors', 'enrolments', 'backup_codes', 'challenges', 'counters', 'attempts', 'migrations'].map((t) => `${prefix}${t}`);
}
