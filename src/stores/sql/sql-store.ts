/**
 * The SQL store: the storage contract on MySQL/MariaDB, SQLite and Cloudflare D1, over the app's
 * own Kysely instance.
 *
 * Atomicity: each single-record guarantee (consume, advance, compare-and-set) is one conditional
 * statement (`UPDATE … WHERE revision = ?`, `DELETE … WHERE …`, an INSERT whose duplicate key
 * means "already there"). Every operation that touches several rows or tables is one batch of
 * statements run atomically by the dialect (`dialects/*.ts`), and every decision a statement
 * depends on is written in SQL, never taken in app code between two statements. Where the
 * decision is a condition on rows the batch has not changed yet, each statement carries it
 * (`… AND EXISTS (SELECT 1 FROM factors WHERE … AND last_step < ?)`, the statement that changes
 * those rows last); where it must outlive the statement that changes them, the batch's first
 * statement writes it in a guard row (enrolment live? enough factors left? account revision
 * unchanged?) and later statements are conditioned on that row
 * (`… WHERE EXISTS (SELECT 1 FROM guards WHERE id = ? AND reason = 0)`). That is what lets D1,
 * which has no interactive transactions, run the same operations through its atomic `batch()`.
 * Every value is a bound parameter: a statement's text is the same on every call, so statement
 * caches hit.
 * @module
 */
import type { Kysely } from 'kysely';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../../errors.js';
import { bytesToHex, secureRandom, utf8ToBytes } from '../../internal/bytes.js';
import type { MfaAttemptCharge, MfaAttemptChargeInput, MfaAttemptRule, MfaAttemptState } from '../../store/attempts.js';
import { withArgumentChecks } from '../../store/arguments.js';
import type {
  ActivateEnrolmentInput,
  ActivateEnrolmentResult,
  ChargeAttemptsOptions,
  ChargeAttemptsResult,
  ConsumeBackupCodeOptions,
  DeleteFactorOutcome,
  MfaStore,
  RemoveLoginFactorsInput,
  RemoveLoginFactorsResult,
} from '../../store/contract.js';
import {
  factorCredentialId,
  MFA_RECORD_VERSION,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaCounterState,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../../store/records.js';
import { d1Dialect, type D1DatabaseLike } from './dialects/d1.js';
import { storeError, type SqlDialect, type SqlDialectName, type SqlResult, type SqlStatement } from './dialects/dialect.js';
import { mysqlDialect } from './dialects/mysql.js';
import { sqliteDialect, type SqliteDirectDatabase } from './dialects/sqlite.js';
import {
  ACCOUNT_COLUMNS,
  CHALLENGE_COLUMNS,
  CODE_COLUMNS,
  ENROLMENT_COLUMNS,
  FACTOR_COLUMNS,
  accountFromRow,
  attemptFromRow,
  backupCodeFromRow,
  challengeFromRow,
  counterFromRow,
  enrolmentFromRow,
  factorFromRow,
  integerFrom,
  type Row,
} from './rows.js';

/**
 * Options of {@link createSqlStore} (and of {@link migrateSqlStore}, which takes the same).
 *
 * @example
 * ```ts
 * const options: SqlStoreOptions = { db, dialect: 'sqlite', tablePrefix: 'mfakit_' };
 * ```
 */
export interface SqlStoreOptions {
  /** The app's Kysely instance (its dialect matches `dialect`). The store never destroys it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** Which database `db` talks to: `sqlite`, `mysql` (MySQL and MariaDB) or `d1`. */
  readonly dialect: SqlDialectName;
  /** Prefix of every table (default `mfakit_`): lower-case letters, digits and `_`. */
  readonly tablePrefix?: string;
  /** D1 only: the database binding (`env.DB`), whose `batch()` runs the store's atomic batches. */
  readonly d1?: D1DatabaseLike;
  /**
   * SQLite only, optional: the better-sqlite3 `Database` that `db`'s `SqliteDialect` uses. The
   * store then runs its statements on it directly (each text prepared once, a batch within one
   * turn of the event loop) instead of one Kysely query per statement, and goes through Kysely
   * whenever a transaction is open on the connection (so it waits for the app's transactions
   * as before). It must be the very connection `db` uses.
   */
  readonly sqlite?: SqliteDirectDatabase;
}

/** The default table prefix: tables are `mfakit_accounts`, `mfakit_factors`, … */
const DEFAULT_TABLE_PREFIX = 'mfakit_';

/**
 * Returns the prefix if it is a safe unquoted identifier start, else throws `MfaError('INVALID_OPTION')`.
 *
 * @example
 * ```ts
 * checkSqlTablePrefix('auth_mfa_'); // 'auth_mfa_'
 * ```
 */
export function checkSqlTablePrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]{0,30}$/.test(value)) {
    throw new MfaError('INVALID_OPTION', 'tablePrefix must be lower-case letters, digits and _ (at most 31), starting with a letter or _');
  }
  return value;
}

/**
 * The dialect object of the options (checked): how statements run on this database.
 *
 * @example
 * ```ts
 * const dialect = sqlDialectOf({ db, dialect: 'sqlite' }, 'mfakit_');
 * ```
 */
export function sqlDialectOf(options: SqlStoreOptions, prefix: string): SqlDialect {
  if (options === null || typeof options !== 'object' || options.db === null || typeof options.db?.executeQuery !== 'function') {
    throw new MfaError('INVALID_OPTION', 'the SQL store needs { db }, a Kysely instance');
  }
  if (options.dialect !== 'sqlite' && options.sqlite !== undefined) {
    throw new MfaError('INVALID_OPTION', "{ sqlite } (a better-sqlite3 Database) goes only with dialect 'sqlite'");
  }
  switch (options.dialect) {
    case 'sqlite':
      if (options.sqlite !== undefined && (typeof options.sqlite?.prepare !== 'function' || typeof options.sqlite?.inTransaction !== 'boolean')) {
        throw new MfaError('INVALID_OPTION', "dialect 'sqlite': { sqlite } must be the better-sqlite3 Database that db's SqliteDialect uses");
      }
      return sqliteDialect(options.db, options.sqlite);
    case 'mysql':
      return mysqlDialect(options.db, prefix);
    case 'd1':
      if (options.d1 === undefined || typeof options.d1?.batch !== 'function') {
        throw new MfaError('INVALID_OPTION', "dialect 'd1' needs { d1 }, the D1 database binding (env.DB): its batch() runs the atomic steps");
      }
      return d1Dialect(options.db, options.d1);
    default:
      throw new MfaError('INVALID_OPTION', "dialect must be 'sqlite', 'mysql' or 'd1'");
  }
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A safe integer, bound as a parameter (times, steps, rule figures). */
function int(value: number): number {
  if (!Number.isSafeInteger(value)) throw new MfaError('INVALID_ARGUMENT', `expected a safe integer, got ${String(value)}`);
  return value;
}

function st(sql: string, ...parameters: unknown[]): SqlStatement {
  return { sql, parameters };
}

/** A statement text with `?` placeholders and the name of the value each one takes, in order. */
interface NamedText {
  readonly sql: string;
  readonly names: readonly string[];
}

/** `:name` placeholders become `?` (a name may appear several times). */
function compileNamed(sql: string): NamedText {
  const names: string[] = [];
  const text = sql.replace(/:([a-z][a-zA-Z0-9]*)/g, (_, name: string) => {
    names.push(name);
    return '?';
  });
  return { sql: text, names };
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** The SHA-256 (hex) of a WebAuthn credential id: a fixed-size unique key on every database. */
function credentialHash(factor: Pick<MfaFactorRecord, 'kind' | 'data'>): string | null {
  const id = factorCredentialId(factor);
  return id === null ? null : bytesToHex(sha256(utf8ToBytes(id)));
}

function factorValues(r: MfaFactorRecord): unknown[] {
  return [r.v, r.id, r.accountId, r.kind, r.role, r.name, r.createdAt, r.lastUsedAt, r.lastStep, r.revision, json(r.data), credentialHash(r)];
}

/** The codes to insert: a repeated id keeps the last, like a map would. */
function uniqueCodes(codes: readonly MfaBackupCodeRecord[]): MfaBackupCodeRecord[] {
  const byId = new Map<string, MfaBackupCodeRecord>();
  for (const code of codes) byId.set(code.id, code);
  return [...byId.values()];
}

/**
 * The delay arithmetic of a rule as SQL integers: below `capStep` doublings the delay is
 * `baseDelayMs · 2^j` (no overflow), from there on it is `capDelay` (see `attemptDelayMs`).
 */
function delayCap(rule: MfaAttemptRule): { capStep: number; capDelay: number } {
  let capStep = 30;
  for (let j = 0; j < 30; j++) {
    if (rule.baseDelayMs * 2 ** j >= rule.maxDelayMs) {
      capStep = j;
      break;
    }
  }
  return { capStep, capDelay: Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** capStep) };
}

const FACTOR_INSERT_COLUMNS = `${FACTOR_COLUMNS}, credential_hash`;
/** The columns a put replaces on a challenge that exists. */
const CHALLENGE_UPDATE_COLUMNS = ['v', 'account_id', 'purpose', 'data', 'created_at', 'expires_at', 'revision'];

/**
 * The SQL {@link MfaStore}. Create it with {@link createSqlStore} after running
 * {@link migrateSqlStore} once; the factory checks the arguments of every call.
 *
 * @example
 * ```ts
 * const store: SqlStore = createSqlStore({ db, dialect: 'sqlite' });
 * const won = await store.consumeBackupCode('user-42', codeId);
 * ```
 */
export class SqlStore implements MfaStore {
  /** The validated table prefix. */
  readonly tablePrefix: string;
  /** How statements run on this database. */
  readonly dialect: SqlDialect;

  constructor(options: SqlStoreOptions) {
    this.tablePrefix = checkSqlTablePrefix(options?.tablePrefix);
    this.dialect = sqlDialectOf(options, this.tablePrefix);
  }

  private async run(operation: string, statement: SqlStatement): Promise<SqlResult> {
    try {
      return await this.dialect.run(statement);
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  private async batch(operation: string, statements: readonly SqlStatement[], lockKey?: string): Promise<SqlResult[]> {
    try {
      return await this.dialect.batch(statements, lockKey === undefined ? undefined : `a:${lockKey}`);
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  /** Runs an INSERT; a duplicate key is `false`, not an error. */
  private async insert(operation: string, statement: SqlStatement): Promise<boolean> {
    try {
      return (await this.dialect.run(statement)).changes === 1;
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) return false;
      throw storeError(operation, error);
    }
  }

  private get p(): string {
    return this.tablePrefix;
  }

  /** The long statement texts, built once per store and shape (`key`), not on every call. */
  private readonly texts = new Map<string, NamedText>();

  private readonly plainTexts = new Map<string, string>();

  /** A statement text built by `build` the first time `key` is asked for (the hot paths' texts). */
  private text(key: string, build: () => string): string {
    let sql = this.plainTexts.get(key);
    if (sql === undefined) this.plainTexts.set(key, (sql = build()));
    return sql;
  }

  /**
   * A statement with `:name` placeholders, its text built by `build` the first time `key` is
   * asked for, its values taken from `values` by name. Every value is a parameter, never spliced
   * into the text: the text is the same on every call, so statement caches hit.
   */
  private named(key: string, build: () => string, values: Readonly<Record<string, unknown>>): SqlStatement {
    let text = this.texts.get(key);
    if (text === undefined) this.texts.set(key, (text = compileNamed(build())));
    return {
      sql: text.sql,
      parameters: text.names.map((name) => {
        if (!(name in values)) throw new MfaError('STORE_ERROR', `SQL store: no value for :${name}`);
        return values[name];
      }),
    };
  }

  /** A fresh guard row id (one per batch). */
  private guardId(): string {
    return bytesToHex(secureRandom(16));
  }

  /** `AND` the guard row says go (`reason = 0`). */
  private gate(): string {
    return ` AND EXISTS (SELECT 1 FROM ${this.p}guards WHERE id = ? AND reason = 0)`;
  }

  private guardInsert(id: string, reasonSql: string, flagSql: string, ...parameters: unknown[]): SqlStatement {
    return st(`INSERT INTO ${this.p}guards (id, reason, flag, charged) VALUES (?, ${reasonSql}, ${flagSql}, 0)`, id, ...parameters);
  }

  private guardRead(id: string): SqlStatement {
    return st(`SELECT reason, flag, charged FROM ${this.p}guards WHERE id = ?`, id);
  }

  private guardDelete(id: string): SqlStatement {
    return st(`DELETE FROM ${this.p}guards WHERE id = ?`, id);
  }

  /**
   * Reads the guard row and deletes it: one `DELETE … RETURNING` where the database has it
   * (SQLite, D1), else a SELECT then a DELETE. The read's result is the first of them.
   */
  private guardReadAndDelete(id: string): SqlStatement[] {
    if (this.dialect.deleteReturning) return [st(`DELETE FROM ${this.p}guards WHERE id = ? RETURNING reason, flag, charged`, id)];
    return [this.guardRead(id), this.guardDelete(id)];
  }

  // --- accounts -------------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<MfaAccountRecord | null> {
    const { rows } = await this.run('getAccount', st(`SELECT ${ACCOUNT_COLUMNS} FROM ${this.p}accounts WHERE id = ?`, accountId));
    return rows[0] === undefined ? null : accountFromRow(rows[0]);
  }

  async createAccount(record: MfaAccountRecord): Promise<boolean> {
    return this.insert(
      'createAccount',
      st(
        `INSERT INTO ${this.p}accounts (id, v, created_at, updated_at, revision, data) VALUES (?, ?, ?, ?, ?, ?)`,
        record.id, record.v, record.createdAt, record.updatedAt, record.revision, json(record.data),
      ),
    );
  }

  async compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean> {
    const { changes } = await this.run(
      'compareAndSetAccount',
      st(
        `UPDATE ${this.p}accounts SET v = ?, updated_at = ?, data = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
        record.v, record.updatedAt, json(record.data), record.id, expectedRevision,
      ),
    );
    return changes === 1;
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    const p = this.p;
    const results = await this.batch(
      'deleteAccount',
      [
        ...['factors', 'enrolments', 'backup_codes', 'challenges', 'attempts'].map((table) => st(`DELETE FROM ${p}${table} WHERE account_id = ?`, accountId)),
        st(`DELETE FROM ${p}accounts WHERE id = ?`, accountId),
      ],
      accountId,
    );
    return results[results.length - 1]!.changes === 1;
  }

  // --- factors --------------------------------------------------------------------------------

  async listFactors(accountId: string): Promise<MfaFactorRecord[]> {
    const { rows } = await this.run('listFactors', st(`SELECT ${FACTOR_COLUMNS} FROM ${this.p}factors WHERE account_id = ?`, accountId));
    return rows.map(factorFromRow);
  }

  async getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null> {
    const { rows } = await this.run('getFactor', st(`SELECT ${FACTOR_COLUMNS} FROM ${this.p}factors WHERE account_id = ? AND id = ?`, accountId, factorId));
    return rows[0] === undefined ? null : factorFromRow(rows[0]);
  }

  async insertFactor(record: MfaFactorRecord): Promise<boolean> {
    return this.insert('insertFactor', st(`INSERT INTO ${this.p}factors (${FACTOR_INSERT_COLUMNS}) VALUES (${placeholders(12)})`, ...factorValues(record)));
  }

  async compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean> {
    const { changes } = await this.run(
      'compareAndSetFactor',
      st(
        `UPDATE ${this.p}factors SET name = ?, role = ?, data = ?, revision = revision + 1 WHERE account_id = ? AND id = ? AND revision = ?`,
        record.name, record.role, json(record.data), record.accountId, record.id, expectedRevision,
      ),
    );
    return changes === 1;
  }

  async advanceFactorStep(
    accountId: string,
    factorId: string,
    step: number,
    usedAt: number,
    options: { readonly clearAttempts?: readonly string[] } = {},
  ): Promise<boolean> {
    const p = this.p;
    const at = Math.floor(usedAt);
    const advance = st(
      this.text('factor.advance', () => `UPDATE ${p}factors SET last_step = ?, last_used_at = ? WHERE account_id = ? AND id = ? AND last_step < ?`),
      step, at, accountId, factorId, step,
    );
    const clear = options.clearAttempts;
    if (clear === undefined || clear.length === 0) return (await this.run('advanceFactorStep', advance)).changes === 1;
    // The clearing runs first, on the advance's own condition: in one atomic batch nothing moves
    // the step between the two, so it clears exactly when the advance then happens.
    const [, advanced] = await this.batch(
      'advanceFactorStep',
      [
        st(
          this.text(
            `factor.advanceClear.${clear.length}`,
            () => `UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = 0 WHERE account_id = ? AND name IN (${placeholders(clear.length)}) AND count > 0
                     AND EXISTS (SELECT 1 FROM ${p}factors WHERE account_id = ? AND id = ? AND last_step < ?)`,
          ),
          accountId, ...clear, accountId, factorId, step,
        ),
        advance,
      ],
      accountId,
    );
    return advanced!.changes === 1;
  }

  async deleteFactor(
    accountId: string,
    factorId: string,
    options: { readonly minRemainingLoginFactors?: number } = {},
  ): Promise<DeleteFactorOutcome> {
    const p = this.p;
    const minimum = options.minRemainingLoginFactors;
    if (minimum === undefined) {
      const { changes } = await this.run('deleteFactor', st(`DELETE FROM ${p}factors WHERE account_id = ? AND id = ?`, accountId, factorId));
      return changes === 1 ? 'deleted' : 'not-found';
    }
    const g = this.guardId();
    const results = await this.batch(
      'deleteFactor',
      [
        this.guardInsert(
          g,
          `CASE WHEN NOT EXISTS (SELECT 1 FROM ${p}factors WHERE account_id = ? AND id = ?) THEN 1
                WHEN (SELECT COUNT(*) FROM ${p}factors WHERE account_id = ? AND role = 'login' AND id <> ?) < ? THEN 2
                ELSE 0 END`,
          '0',
          accountId, factorId, accountId, factorId, int(minimum),
        ),
        st(`DELETE FROM ${p}factors WHERE account_id = ? AND id = ?${this.gate()}`, accountId, factorId, g),
        ...this.guardReadAndDelete(g),
      ],
      accountId,
    );
    const reason = integerFrom(results[2]!.rows, 'reason');
    if (reason === 1) return 'not-found';
    if (reason === 2) return 'too-few-remaining';
    return results[1]!.changes === 1 ? 'deleted' : 'not-found';
  }

  async deleteLoginFactors(accountId: string): Promise<number> {
    const p = this.p;
    const results = await this.batch(
      'deleteLoginFactors',
      [
        st(`DELETE FROM ${p}backup_codes WHERE account_id = ?`, accountId),
        st(`DELETE FROM ${p}enrolments WHERE account_id = ?`, accountId),
        st(`DELETE FROM ${p}factors WHERE account_id = ? AND role = 'login'`, accountId),
      ],
      accountId,
    );
    return results[2]!.changes;
  }

  async removeLoginFactors(input: RemoveLoginFactorsInput): Promise<RemoveLoginFactorsResult> {
    const p = this.p;
    const { accountId, account } = input;
    const purposes = [...input.revokeChallengePurposes];
    const g = this.guardId();
    const gate = account === undefined ? '' : this.gate();
    const gateValues = account === undefined ? [] : [g];
    const statements: SqlStatement[] = [];
    if (account !== undefined) {
      statements.push(
        this.guardInsert(g, `CASE WHEN EXISTS (SELECT 1 FROM ${p}accounts WHERE id = ? AND revision = ?) THEN 0 ELSE 1 END`, '0', accountId, account.expectedRevision),
      );
    }
    const select = statements.length;
    statements.push(st(`SELECT id FROM ${p}factors WHERE account_id = ? AND role = 'login'${this.dialect.forUpdate}`, accountId));
    if (account !== undefined) {
      statements.push(
        st(
          `UPDATE ${p}accounts SET v = ?, updated_at = ?, data = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
          MFA_RECORD_VERSION, account.updatedAt, json(account.data), accountId, account.expectedRevision,
        ),
      );
    }
    statements.push(
      st(`DELETE FROM ${p}backup_codes WHERE account_id = ?${gate}`, accountId, ...gateValues),
      st(`DELETE FROM ${p}enrolments WHERE account_id = ?${gate}`, accountId, ...gateValues),
    );
    if (purposes.length > 0) {
      statements.push(st(`DELETE FROM ${p}challenges WHERE account_id = ? AND purpose IN (${placeholders(purposes.length)})${gate}`, accountId, ...purposes, ...gateValues));
    }
    statements.push(st(`DELETE FROM ${p}factors WHERE account_id = ? AND role = 'login'${gate}`, accountId, ...gateValues));
    const read = statements.length;
    if (account !== undefined) statements.push(...this.guardReadAndDelete(g));
    const results = await this.batch('removeLoginFactors', statements, accountId);
    if (account !== undefined && integerFrom(results[read]!.rows, 'reason') !== 0) return { removed: false };
    return { removed: true, factorIds: results[select]!.rows.map((r) => String(r['id'])) };
  }

  // --- pending enrolments ---------------------------------------------------------------------

  async putEnrolment(record: MfaEnrolmentRecord): Promise<void> {
    const columns = ['v', 'kind', 'role', 'name', 'created_at', 'expires_at', 'replaces_factor_id', 'data'];
    await this.run(
      'putEnrolment',
      st(
        `INSERT INTO ${this.p}enrolments (${ENROLMENT_COLUMNS}) VALUES (${placeholders(10)}) ${this.dialect.upsert(['account_id', 'id'], columns)}`,
        record.v, record.id, record.accountId, record.kind, record.role, record.name,
        record.createdAt, record.expiresAt, record.replacesFactorId, json(record.data),
      ),
    );
  }

  async getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
    const { rows } = await this.run('getEnrolment', st(`SELECT ${ENROLMENT_COLUMNS} FROM ${this.p}enrolments WHERE account_id = ? AND id = ?`, accountId, enrolmentId));
    return rows[0] === undefined ? null : enrolmentFromRow(rows[0]);
  }

  async deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    const { changes } = await this.run('deleteEnrolment', st(`DELETE FROM ${this.p}enrolments WHERE account_id = ? AND id = ?`, accountId, enrolmentId));
    return changes === 1;
  }

  async activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult> {
    const p = this.p;
    const { accountId, enrolmentId, factor } = input;
    const now = Math.floor(input.now);
    const codes = input.backupCodes === undefined ? undefined : uniqueCodes(input.backupCodes);
    const hash = credentialHash(factor);
    const g = this.guardId();
    // reason: 0 go, 1 enrolment missing or expired, 2 credential id registered, 3 factor id taken;
    // flag: 1 when the account has no backup codes yet.
    const statements: SqlStatement[] = [
      this.guardInsert(
        g,
        `CASE WHEN NOT EXISTS (SELECT 1 FROM ${p}enrolments WHERE account_id = ? AND id = ? AND expires_at > ?) THEN 1
              WHEN EXISTS (SELECT 1 FROM ${p}factors WHERE credential_hash = ?) THEN 2
              WHEN EXISTS (SELECT 1 FROM ${p}factors WHERE id = ?) THEN 3
              ELSE 0 END`,
        `CASE WHEN EXISTS (SELECT 1 FROM ${p}backup_codes WHERE account_id = ?) THEN 0 ELSE 1 END`,
        accountId, enrolmentId, int(now), hash, factor.id, accountId,
      ),
      st(`DELETE FROM ${p}enrolments WHERE account_id = ? AND id = ?${this.gate()}`, accountId, enrolmentId, g),
      st(
        `INSERT INTO ${p}factors (${FACTOR_INSERT_COLUMNS}) SELECT ${placeholders(12)} FROM ${p}guards WHERE id = ? AND reason = 0`,
        ...factorValues(factor), g,
      ),
    ];
    if (input.replacesFactorId != null) {
      statements.push(st(`DELETE FROM ${p}factors WHERE account_id = ? AND id = ?${this.gate()}`, accountId, input.replacesFactorId, g));
    }
    for (const code of codes ?? []) {
      statements.push(
        st(
          `INSERT INTO ${p}backup_codes (${CODE_COLUMNS}) SELECT ${placeholders(6)} FROM ${p}guards WHERE id = ? AND reason = 0 AND flag = 1`,
          code.v, accountId, code.setId, code.id, code.hash, code.createdAt, g,
        ),
      );
    }
    const read = statements.length;
    statements.push(...this.guardReadAndDelete(g));
    let results: SqlResult[];
    try {
      results = await this.dialect.batch(statements, `a:${accountId}`);
    } catch (error) {
      // A registration racing on the same credential id (another account, so another lock) won
      // between our guard and our insert: the unique index refused ours, and the batch rolled back.
      if (this.dialect.isUniqueViolation(error)) return hash === null ? { activated: false } : { activated: false, conflict: 'credential-id' };
      throw storeError('activateEnrolment', error);
    }
    const reason = integerFrom(results[read]!.rows, 'reason');
    if (reason === 2) return { activated: false, conflict: 'credential-id' };
    if (reason !== 0) return { activated: false };
    return { activated: true, backupCodesStored: codes !== undefined && integerFrom(results[read]!.rows, 'flag') === 1 };
  }

  // --- backup codes ---------------------------------------------------------------------------

  async replaceBackupCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void> {
    const p = this.p;
    await this.batch(
      'replaceBackupCodes',
      [
        st(`DELETE FROM ${p}backup_codes WHERE account_id = ?`, accountId),
        ...uniqueCodes(codes).map((c) =>
          st(`INSERT INTO ${p}backup_codes (${CODE_COLUMNS}) VALUES (${placeholders(6)})`, c.v, accountId, c.setId, c.id, c.hash, c.createdAt),
        ),
      ],
      accountId,
    );
  }

  async getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null> {
    const { rows } = await this.run('getBackupCode', st(`SELECT ${CODE_COLUMNS} FROM ${this.p}backup_codes WHERE account_id = ? AND id = ?`, accountId, codeId));
    return rows[0] === undefined ? null : backupCodeFromRow(rows[0]);
  }

  async consumeBackupCode(accountId: string, codeId: string, options: ConsumeBackupCodeOptions = {}): Promise<boolean> {
    const p = this.p;
    const consume = st(`DELETE FROM ${p}backup_codes WHERE account_id = ? AND id = ?`, accountId, codeId);
    const clear = options.clearAttempts ?? [];
    const tombstone = options.tombstone;
    if (clear.length === 0 && tombstone === undefined) return (await this.run('consumeBackupCode', consume)).changes === 1;
    // What only the call that uses the code does runs first, on the consume's own condition (the
    // code is there): in one atomic batch nothing removes the code between them and the DELETE.
    const exists = `EXISTS (SELECT 1 FROM ${p}backup_codes WHERE account_id = ? AND id = ?)`;
    const statements: SqlStatement[] = [];
    if (clear.length > 0) {
      statements.push(
        st(
          `UPDATE ${p}attempts SET count = 0, last_at = NULL, refused = 0 WHERE account_id = ? AND name IN (${placeholders(clear.length)}) AND count > 0 AND ${exists}`,
          accountId, ...clear, accountId, codeId,
        ),
      );
    }
    if (tombstone !== undefined) {
      const t = tombstone;
      statements.push(
        st(
          `INSERT INTO ${p}challenges (${CHALLENGE_COLUMNS}) SELECT ${placeholders(8)} FROM (SELECT 1 AS one) AS one_row WHERE ${exists} ${this.dialect.upsert(['id'], CHALLENGE_UPDATE_COLUMNS)}`,
          t.v, t.id, t.accountId, t.purpose, json(t.data), t.createdAt, t.expiresAt, t.revision, accountId, codeId,
        ),
      );
    }
    statements.push(consume);
    const results = await this.batch('consumeBackupCode', statements, accountId);
    return results[results.length - 1]!.changes === 1;
  }

  async countBackupCodes(accountId: string): Promise<number> {
    const { rows } = await this.run('countBackupCodes', st(`SELECT COUNT(*) AS n FROM ${this.p}backup_codes WHERE account_id = ?`, accountId));
    return integerFrom(rows, 'n');
  }

  // --- challenges -----------------------------------------------------------------------------

  async putChallenge(record: MfaChallengeRecord): Promise<void> {
    await this.run(
      'putChallenge',
      st(
        `INSERT INTO ${this.p}challenges (${CHALLENGE_COLUMNS}) VALUES (${placeholders(8)}) ${this.dialect.upsert(['id'], CHALLENGE_UPDATE_COLUMNS)}`,
        record.v, record.id, record.accountId, record.purpose, json(record.data), record.createdAt, record.expiresAt, record.revision,
      ),
    );
  }

  async getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null> {
    const { rows } = await this.run(
      'getChallenge',
      st(`SELECT ${CHALLENGE_COLUMNS} FROM ${this.p}challenges WHERE id = ? AND expires_at > ?`, challengeId, Math.floor(now)),
    );
    return rows[0] === undefined ? null : challengeFromRow(rows[0]);
  }

  async consumeChallenge(challengeId: string, options: { readonly purpose: string; readonly now: number }): Promise<MfaChallengeRecord | null> {
    const where = `WHERE id = ? AND purpose = ? AND expires_at > ?`;
    const values = [challengeId, options.purpose, Math.floor(options.now)];
    if (this.dialect.deleteReturning) {
      const { rows } = await this.run('consumeChallenge', st(`DELETE FROM ${this.p}challenges ${where} RETURNING ${CHALLENGE_COLUMNS}`, ...values));
      return rows[0] === undefined ? null : challengeFromRow(rows[0]);
    }
    // No RETURNING (MySQL): read the row with a lock, then delete it, in one transaction.
    const [read, deleted] = await this.batch('consumeChallenge', [
      st(`SELECT ${CHALLENGE_COLUMNS} FROM ${this.p}challenges ${where}${this.dialect.forUpdate}`, ...values),
      st(`DELETE FROM ${this.p}challenges ${where}`, ...values),
    ]);
    const row = read!.rows[0];
    return row === undefined || deleted!.changes !== 1 ? null : challengeFromRow(row);
  }

  async compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean> {
    const { changes } = await this.run(
      'compareAndSetChallenge',
      st(
        `UPDATE ${this.p}challenges SET data = ?, expires_at = ?, revision = revision + 1 WHERE id = ? AND revision = ? AND expires_at > ?`,
        json(record.data), record.expiresAt, record.id, expectedRevision, Math.floor(now),
      ),
    );
    return changes === 1;
  }

  async listChallenges(accountId: string, purpose: string, now: number): Promise<MfaChallengeRecord[]> {
    const { rows } = await this.run(
      'listChallenges',
      st(`SELECT ${CHALLENGE_COLUMNS} FROM ${this.p}challenges WHERE account_id = ? AND purpose = ? AND expires_at > ?`, accountId, purpose, Math.floor(now)),
    );
    return rows.map(challengeFromRow);
  }

  async deleteChallenges(accountId: string, purpose: string): Promise<number> {
    const { changes } = await this.run('deleteChallenges', st(`DELETE FROM ${this.p}challenges WHERE account_id = ? AND purpose = ?`, accountId, purpose));
    return changes;
  }

  // --- attempt records ------------------------------------------------------------------------

  async chargeAttempts(
    accountId: string,
    charges: readonly MfaAttemptChargeInput[],
    options: ChargeAttemptsOptions,
  ): Promise<ChargeAttemptsResult> {
    const p = this.p;
    const withFactors = options.withFactors === true;
    const now = int(Math.floor(options.now));
    // Several charges stop at the first refused one: a guard row carries that decision from one
    // charge's statements to the next's and counts the charges made. One charge needs no guard:
    // its statements run under "the account has a login factor" (withFactors) or unconditionally.
    const guarded = charges.length > 1;
    const g = guarded ? this.guardId() : '';
    const hasLogin = `EXISTS (SELECT 1 FROM ${p}factors WHERE account_id = :account AND role = 'login')`;
    const go = guarded ? `EXISTS (SELECT 1 FROM ${p}guards WHERE id = :guard AND reason = 0)` : withFactors ? hasLogin : '1 = 1';
    const shape = `${guarded ? 'guarded' : 'single'}.${withFactors ? 'factors' : 'any'}`;
    const statements: SqlStatement[] = [];
    if (guarded) {
      statements.push(
        this.named(
          `charge.guard.${shape}`,
          () => `INSERT INTO ${p}guards (id, reason, flag, charged) VALUES (:guard, ${withFactors ? `CASE WHEN ${hasLogin} THEN 0 ELSE 1 END` : '0'}, 0, 0)`,
          { guard: g, account: accountId },
        ),
      );
    }
    // The stored state as the arithmetic sees it: an expired record counts as absent.
    const live = `(expires_at > :now)`;
    /** Whether the charge is allowed, on the stored state (built once per store, with the text). */
    const allowed = () => {
      const count = `(CASE WHEN ${live} THEN count ELSE 0 END)`;
      const last = `(CASE WHEN ${live} THEN last_at ELSE NULL END)`;
      const n = `(${count} + 1)`;
      const j = `(${n} - :free - 1)`;
      const delay = `(CASE WHEN ${n} <= :free THEN 0 WHEN ${j} >= :capStep THEN :capDelay ELSE :base * (1 << ${j}) END)`;
      return `(${count} < :limit AND (${delay} = 0 OR ${last} IS NULL OR :now >= ${last} + ${delay}))`;
    };
    charges.forEach(({ name, rule }, i) => {
      const { capStep, capDelay } = delayCap(rule);
      const values = {
        account: accountId, name, guard: g, now, free: int(rule.freeAttempts), limit: int(rule.limit),
        base: int(rule.baseDelayMs), capStep: int(capStep), capDelay: int(capDelay), memory: int(rule.memoryMs),
      };
      // Counted as made while the guard says go (a prefix of the charges is made).
      if (guarded) statements.push(this.named('charge.count', () => `UPDATE ${p}guards SET charged = charged + 1 WHERE id = :guard AND reason = 0`, values));
      statements.push(
        this.named(
          `charge.insert.${shape}`,
          () =>
            `INSERT INTO ${p}attempts (account_id, name, count, last_at, expires_at, refused) SELECT :account, :name, 0, NULL, 0, 0 FROM (SELECT 1 AS one) AS one_row WHERE ${go} ${this.dialect.ignoreDuplicate('account_id')}`,
          values,
        ),
        // The decision, on the stored state; then the state, only where allowed. Two statements,
        // so no SET expression reads a column another one wrote (MySQL assigns left to right).
        this.named(
          `charge.decide.${shape}`,
          () => `UPDATE ${p}attempts SET refused = CASE WHEN ${allowed()} THEN 0 ELSE 1 END WHERE account_id = :account AND name = :name AND ${go}`,
          values,
        ),
        this.named(
          `charge.state.${shape}`,
          () =>
            `UPDATE ${p}attempts SET count = CASE WHEN ${live} THEN count + 1 ELSE 1 END,
               last_at = CASE WHEN ${live} AND last_at IS NOT NULL AND last_at > :now THEN last_at ELSE :now END,
               expires_at = :now + :memory
             WHERE account_id = :account AND name = :name AND refused = 0 AND ${go}`,
          values,
        ),
      );
      // A refused charge stops the ones after it.
      if (guarded && i < charges.length - 1) {
        statements.push(
          this.named(
            'charge.stop',
            () => `UPDATE ${p}guards SET reason = 2 WHERE id = :guard AND reason = 0 AND EXISTS (SELECT 1 FROM ${p}attempts WHERE account_id = :account AND name = :name AND refused = 1)`,
            values,
          ),
        );
      }
    });
    const guardRead = statements.length;
    if (guarded) statements.push(...this.guardReadAndDelete(g));
    const names = charges.map((c) => c.name);
    // The reads a login needs, whatever the charges decide (as getChallenge, getBackupCode, countBackupCodes).
    const reads: Record<'attempts' | 'factors' | 'challenges' | 'code' | 'count', number> = { attempts: -1, factors: -1, challenges: -1, code: -1, count: -1 };
    if (names.length > 0) {
      reads.attempts = statements.length;
      const sql = this.text(`charge.read.${names.length}`, () => `SELECT name, count, last_at, expires_at, refused FROM ${p}attempts WHERE account_id = ? AND name IN (${placeholders(names.length)})`);
      statements.push(st(sql, accountId, ...names));
    }
    if (withFactors) {
      reads.factors = statements.length;
      statements.push(st(this.text('factors.list', () => `SELECT ${FACTOR_COLUMNS} FROM ${p}factors WHERE account_id = ?`), accountId));
    }
    const challengeIds = options.withChallenges ?? [];
    if (options.withChallenges !== undefined && challengeIds.length > 0) {
      reads.challenges = statements.length;
      const sql = this.text(`charge.challenges.${challengeIds.length}`, () => `SELECT ${CHALLENGE_COLUMNS} FROM ${p}challenges WHERE id IN (${placeholders(challengeIds.length)}) AND expires_at > ?`);
      statements.push(st(sql, ...challengeIds, now));
    }
    if (options.withBackupCode !== undefined) {
      reads.code = statements.length;
      statements.push(
        st(this.text('codes.get', () => `SELECT ${CODE_COLUMNS} FROM ${p}backup_codes WHERE account_id = ? AND id = ?`), accountId, options.withBackupCode),
        st(this.text('codes.count', () => `SELECT COUNT(*) AS n FROM ${p}backup_codes WHERE account_id = ?`), accountId),
      );
      reads.count = reads.code + 1;
    }
    const results = await this.batch('chargeAttempts', statements, accountId);
    const factors = withFactors ? results[reads.factors]!.rows.map(factorFromRow) : null;
    const charged = guarded
      ? integerFrom(results[guardRead]!.rows, 'charged')
      : factors !== null && !factors.some((f) => f.role === 'login') ? 0 : charges.length;
    const byName = new Map<string, Row>(reads.attempts < 0 ? [] : results[reads.attempts]!.rows.map((r) => [String(r['name']), r]));
    const outcomes = charges.map((c, i): MfaAttemptCharge | null => {
      const row = byName.get(c.name);
      if (i >= charged || row === undefined) return null;
      return { allowed: integerFrom([row], 'refused') === 0, ...attemptFromRow(row) };
    });
    const result: { -readonly [K in keyof ChargeAttemptsResult]: ChargeAttemptsResult[K] } = { factors, charges: outcomes };
    if (options.withChallenges !== undefined) {
      const found = new Map<string, MfaChallengeRecord>();
      for (const row of reads.challenges < 0 ? [] : results[reads.challenges]!.rows) {
        const record = challengeFromRow(row);
        found.set(record.id, record);
      }
      result.challenges = challengeIds.map((id) => found.get(id) ?? null);
    }
    if (options.withBackupCode !== undefined) {
      const row = results[reads.code]!.rows[0];
      result.backupCode = { record: row === undefined ? null : backupCodeFromRow(row), count: integerFrom(results[reads.count]!.rows, 'n') };
    }
    return result;
  }

  async getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null> {
    const { rows } = await this.run(
      'getAttempts',
      st(`SELECT count, last_at, expires_at FROM ${this.p}attempts WHERE account_id = ? AND name = ? AND expires_at > ?`, accountId, name, Math.floor(now)),
    );
    return rows[0] === undefined ? null : attemptFromRow(rows[0]);
  }

  async clearAttempts(accountId: string, names?: readonly string[]): Promise<void> {
    const set = `UPDATE ${this.p}attempts SET count = 0, last_at = NULL, refused = 0 WHERE account_id = ? AND count > 0`;
    if (names === undefined) await this.run('clearAttempts', st(set, accountId));
    else if (names.length > 0) await this.run('clearAttempts', st(`${set} AND name IN (${placeholders(names.length)})`, accountId, ...names));
  }

  // --- counters -------------------------------------------------------------------------------

  async incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState> {
    const p = this.p;
    const values = { key, now: int(Math.floor(options.now)), ttl: int(Math.ceil(options.ttlMs)) };
    const live = `(expires_at > :now)`;
    const [, , read] = await this.batch('incrementCounter', [
      this.named(
        'counter.insert',
        () => `INSERT INTO ${p}counters (counter_key, count, expires_at, last_at, prior_at) VALUES (:key, 0, 0, 0, NULL) ${this.dialect.ignoreDuplicate('counter_key')}`,
        values,
      ),
      // Each SET expression reads only columns not assigned before it (MySQL assigns left to right).
      this.named(
        'counter.update',
        () =>
          `UPDATE ${p}counters SET prior_at = CASE WHEN ${live} THEN last_at ELSE NULL END,
             count = CASE WHEN ${live} THEN count + 1 ELSE 1 END,
             last_at = :now,
             expires_at = CASE WHEN ${live} THEN expires_at ELSE :now + :ttl END
           WHERE counter_key = :key`,
        values,
      ),
      this.named('counter.read', () => `SELECT count, expires_at, prior_at FROM ${p}counters WHERE counter_key = :key`, values),
    ]);
    const row = read!.rows[0];
    if (row === undefined) throw new MfaError('STORE_ERROR', 'SQL store: incrementCounter read no row');
    return counterFromRow(row, 'prior_at');
  }

  async getCounter(key: string, now: number): Promise<MfaCounterState | null> {
    const { rows } = await this.run(
      'getCounter',
      st(`SELECT count, expires_at, last_at FROM ${this.p}counters WHERE counter_key = ? AND expires_at > ?`, key, Math.floor(now)),
    );
    return rows[0] === undefined ? null : counterFromRow(rows[0], 'last_at');
  }
}

/**
 * Creates the SQL {@link MfaStore} over the app's Kysely instance. Run {@link migrateSqlStore} first.
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
 */
export function createSqlStore(options: SqlStoreOptions): SqlStore {
  return withArgumentChecks(new SqlStore(options));
}
