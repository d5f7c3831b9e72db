/**
 * The PostgreSQL store: the storage contract over the app's own `pg` pool.
 *
 * Atomicity, operation by operation: single-row guarantees (consume, advance, compare-and-set,
 * increment) are one statement each, relying on PostgreSQL's row locks and on READ COMMITTED
 * re-checking the WHERE clause against the newest committed row. Operations that must see a
 * consistent set of rows of one account (replacing the backup-code set, activating an enrolment
 * that may store the first set, disabling MFA, deleting the account) take a per-account
 * transaction-scoped advisory lock in one short transaction, so they serialise with each other
 * and every statement after the lock sees the others' committed work.
 * @module
 */
import type { Pool } from 'pg';
import { MfaError } from '../../errors.js';
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
import type { MfaAttemptCharge, MfaAttemptChargeInput, MfaAttemptState } from '../../store/attempts.js';
import {
  factorCredentialId,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaCounterState,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../../store/records.js';
import { withArgumentChecks } from '../../store/arguments.js';
import { inTransaction, run, withNaming, type Queryable } from './db.js';
import { checkTablePrefix } from './prefix.js';
import {
  accountFromRow,
  backupCodeFromRow,
  challengeFromRow,
  attemptFromRow,
  chargeFromRow,
  countFrom,
  counterFromRow,
  enrolmentFromRow,
  factorFromRow,
  loginReadsFromRow,
} from './rows.js';
import { postgresStatements, type PostgresStatements } from './statements.js';

/**
 * Options of {@link createPostgresStore}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const options: PostgresStoreOptions = { pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }), tablePrefix: 'mfakit_' };
 * ```
 */
export interface PostgresStoreOptions {
  /** The app's `pg` pool. The store never ends it. */
  readonly pool: Pool;
  /** Prefix of every table (default `mfakit_`): lower-case letters, digits and `_`. */
  readonly tablePrefix?: string;
  /**
   * Whether statements are sent as named (prepared) statements, parsed and planned once per
   * connection. `false` sends them unnamed: set it behind a transaction-mode pooler (PgBouncer
   * `pool_mode = transaction`, Supavisor, RDS Proxy, where named statements pin the session).
   * Left unset, the store starts named and switches to unnamed for good the first time the server
   * reports a prepared statement missing or already there (what such a pooler causes); the
   * statement that met it is sent again unnamed, which is safe because the server refused it
   * before running it. See docs/stores.md, "Running many instances".
   */
  readonly namedStatements?: boolean;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function factorValues(r: MfaFactorRecord): unknown[] {
  return [r.v, r.id, r.accountId, r.kind, r.role, r.name, r.createdAt, r.lastUsedAt, r.lastStep, r.revision, json(r.data)];
}

/** The codes to insert: a repeated id keeps the last, like a map would. */
function uniqueCodes(codes: readonly MfaBackupCodeRecord[]): MfaBackupCodeRecord[] {
  const byId = new Map<string, MfaBackupCodeRecord>();
  for (const code of codes) byId.set(code.id, code);
  return [...byId.values()];
}

/**
 * The PostgreSQL {@link MfaStore}. Create it with {@link createPostgresStore} after running
 * {@link migrate} once (at deploy or start-up); the factory checks the arguments of every call
 * (`withArgumentChecks`), the class's methods take them as valid.
 *
 * @example
 * ```ts
 * const store: PostgresStore = createPostgresStore({ pool, tablePrefix: 'mfakit_' });
 * const won = await store.consumeBackupCode('user-42', codeId);
 * ```
 */
export class PostgresStore implements MfaStore {
  /** The validated table prefix. */
  readonly tablePrefix: string;
  /** The app's pool. */
  readonly pool: Pool;
  private readonly sql: PostgresStatements;

  constructor(options: PostgresStoreOptions) {
    if (options === null || typeof options !== 'object' || options.pool === null || typeof options.pool?.query !== 'function') {
      throw new MfaError('INVALID_OPTION', 'createPostgresStore needs { pool }, a pg.Pool');
    }
    this.pool = options.pool;
    this.tablePrefix = checkTablePrefix(options.tablePrefix);
    const named = options.namedStatements;
    if (named !== undefined && typeof named !== 'boolean') throw new MfaError('INVALID_OPTION', 'namedStatements must be a boolean');
    this.sql = withNaming(postgresStatements(this.tablePrefix), { named: named ?? true, auto: named === undefined });
  }

  // --- accounts -------------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<MfaAccountRecord | null> {
    const [row] = await run(this.pool, this.sql.getAccount, [accountId]);
    return row === undefined ? null : accountFromRow(row);
  }

  async createAccount(record: MfaAccountRecord): Promise<boolean> {
    const rows = await run(this.pool, this.sql.createAccount, [
      record.id, record.v, record.createdAt, record.updatedAt, record.revision, json(record.data),
    ]);
    return rows.length === 1;
  }

  async compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean> {
    const rows = await run(this.pool, this.sql.compareAndSetAccount, [
      record.id, record.v, record.updatedAt, json(record.data), expectedRevision,
    ]);
    return rows.length === 1;
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    return this.lockedTransaction('deleteAccount', accountId, async (client) => {
      const rows = await run(client, this.sql.deleteAccount, [accountId]);
      return { commit: true, value: rows.length === 1 };
    });
  }

  // --- factors --------------------------------------------------------------------------------

  async listFactors(accountId: string): Promise<MfaFactorRecord[]> {
    return (await run(this.pool, this.sql.listFactors, [accountId])).map(factorFromRow);
  }

  async getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null> {
    const [row] = await run(this.pool, this.sql.getFactor, [accountId, factorId]);
    return row === undefined ? null : factorFromRow(row);
  }

  async insertFactor(record: MfaFactorRecord): Promise<boolean> {
    return (await run(this.pool, this.sql.insertFactor, factorValues(record))).length === 1;
  }

  async compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean> {
    const rows = await run(this.pool, this.sql.compareAndSetFactor, [
      record.accountId, record.id, record.name, record.role, json(record.data), expectedRevision,
    ]);
    return rows.length === 1;
  }

  async advanceFactorStep(
    accountId: string,
    factorId: string,
    step: number,
    usedAt: number,
    options: { readonly clearAttempts?: readonly string[] } = {},
  ): Promise<boolean> {
    const clear = options.clearAttempts;
    const at = Math.floor(usedAt);
    if (clear === undefined) return (await run(this.pool, this.sql.advanceFactorStep, [accountId, factorId, step, at])).length === 1;
    return (await run(this.pool, this.sql.advanceFactorStepClearing, [accountId, factorId, step, at, [...clear]])).length === 1;
  }

  async deleteFactor(
    accountId: string,
    factorId: string,
    options: { readonly minRemainingLoginFactors?: number } = {},
  ): Promise<DeleteFactorOutcome> {
    const minimum = options.minRemainingLoginFactors;
    if (minimum === undefined) {
      const rows = await run(this.pool, this.sql.deleteFactor, [accountId, factorId]);
      return rows.length === 1 ? 'deleted' : 'not-found';
    }
    const [row] = await run(this.pool, this.sql.deleteFactorKeeping, [accountId, factorId, minimum]);
    if (row === undefined || row['found'] !== 't') return 'not-found';
    if (row['enough'] !== 't') return 'too-few-remaining';
    // Found and allowed, but gone before our lock (deleted concurrently): report it as not found.
    return countFrom([row], 'deleted') === 1 ? 'deleted' : 'not-found';
  }

  async deleteLoginFactors(accountId: string): Promise<number> {
    return this.lockedTransaction('deleteLoginFactors', accountId, async (client) => {
      const rows = await run(client, this.sql.deleteLoginFactors, [accountId]);
      return { commit: true, value: countFrom(rows, 'deleted') };
    });
  }

  async removeLoginFactors(input: RemoveLoginFactorsInput): Promise<RemoveLoginFactorsResult> {
    const { accountId, account } = input;
    const purposes = [...input.revokeChallengePurposes];
    return this.lockedTransaction<RemoveLoginFactorsResult>('removeLoginFactors', accountId, async (client) => {
      if (account !== undefined) {
        const [stored] = await run(client, this.sql.getAccount, [accountId]);
        if (stored === undefined) return { commit: false, value: { removed: false } };
        const updated = await run(client, this.sql.compareAndSetAccount, [
          accountId, accountFromRow(stored).v, account.updatedAt, json(account.data), account.expectedRevision,
        ]);
        if (updated.length === 0) return { commit: false, value: { removed: false } };
      }
      const rows = await run(client, this.sql.removeLoginFactors, [accountId, purposes]);
      return { commit: true, value: { removed: true, factorIds: rows.map((r) => String(r['id'])) } };
    });
  }

  // --- pending enrolments ---------------------------------------------------------------------

  async putEnrolment(record: MfaEnrolmentRecord): Promise<void> {
    await run(this.pool, this.sql.putEnrolment, [
      record.v, record.id, record.accountId, record.kind, record.role, record.name,
      record.createdAt, record.expiresAt, record.replacesFactorId, json(record.data),
    ]);
  }

  async getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
    const [row] = await run(this.pool, this.sql.getEnrolment, [accountId, enrolmentId]);
    return row === undefined ? null : enrolmentFromRow(row);
  }

  async deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    return (await run(this.pool, this.sql.deleteEnrolment, [accountId, enrolmentId])).length === 1;
  }

  async activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult> {
    const { accountId, enrolmentId, factor } = input;
    const now = Math.floor(input.now);
    const codes = input.backupCodes === undefined ? undefined : uniqueCodes(input.backupCodes);
    return this.lockedTransaction<ActivateEnrolmentResult>('activateEnrolment', accountId, async (client) => {
      // Deleting the pending row first also queues a concurrent activation of the same
      // enrolment behind our row lock; it then finds nothing to delete.
      const taken = await run(client, this.sql.takeEnrolment, [accountId, enrolmentId, now]);
      if (taken.length === 0) return { commit: false, value: { activated: false } };
      const credentialId = factorCredentialId(factor);
      const conflict = { commit: false, value: { activated: false, conflict: 'credential-id' } } as const;
      if (credentialId !== null && (await run(client, this.sql.credentialTaken, [credentialId])).length > 0) return conflict;
      // ON CONFLICT DO NOTHING covers the factor id and the credential id (a racing registration).
      const inserted = await run(client, this.sql.insertFactor, factorValues(factor));
      if (inserted.length === 0) return credentialId === null ? { commit: false, value: { activated: false } } : conflict;
      if (input.replacesFactorId != null) await run(client, this.sql.deleteOtherFactor, [accountId, input.replacesFactorId]);
      let backupCodesStored = false;
      if (codes !== undefined && countFrom(await run(client, this.sql.countBackupCodes, [accountId]), 'n') === 0) {
        await this.insertCodes(client, accountId, codes);
        backupCodesStored = true;
      }
      return { commit: true, value: { activated: true, backupCodesStored } };
    });
  }

  // --- backup codes ---------------------------------------------------------------------------

  async replaceBackupCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void> {
    const fresh = uniqueCodes(codes);
    await this.lockedTransaction('replaceBackupCodes', accountId, async (client) => {
      await run(client, this.sql.deleteBackupCodes, [accountId]);
      await this.insertCodes(client, accountId, fresh);
      return { commit: true, value: undefined };
    });
  }

  async getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null> {
    const [row] = await run(this.pool, this.sql.getBackupCode, [accountId, codeId]);
    return row === undefined ? null : backupCodeFromRow(row);
  }

  async consumeBackupCode(accountId: string, codeId: string, options: ConsumeBackupCodeOptions = {}): Promise<boolean> {
    const { clearAttempts, tombstone: t } = options;
    if (clearAttempts === undefined && t === undefined) return (await run(this.pool, this.sql.consumeBackupCode, [accountId, codeId])).length === 1;
    // One statement: the code, the attempt records and the tombstone change together or not at all.
    const mark = t === undefined ? [null, null, null, null, null, null, null, null] : [t.v, t.id, t.accountId, t.purpose, json(t.data), t.createdAt, t.expiresAt, t.revision];
    return (await run(this.pool, this.sql.consumeBackupCodeFully, [accountId, codeId, [...(clearAttempts ?? [])], ...mark])).length === 1;
  }

  async countBackupCodes(accountId: string): Promise<number> {
    return countFrom(await run(this.pool, this.sql.countBackupCodes, [accountId]), 'n');
  }

  // --- challenges -----------------------------------------------------------------------------

  async putChallenge(record: MfaChallengeRecord): Promise<void> {
    await run(this.pool, this.sql.putChallenge, [
      record.v, record.id, record.accountId, record.purpose, json(record.data), record.createdAt, record.expiresAt, record.revision,
    ]);
  }

  async getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null> {
    const [row] = await run(this.pool, this.sql.getChallenge, [challengeId, Math.floor(now)]);
    return row === undefined ? null : challengeFromRow(row);
  }

  async consumeChallenge(
    challengeId: string,
    options: { readonly purpose: string; readonly now: number },
  ): Promise<MfaChallengeRecord | null> {
    const [row] = await run(this.pool, this.sql.consumeChallenge, [challengeId, options.purpose, Math.floor(options.now)]);
    return row === undefined ? null : challengeFromRow(row);
  }

  async compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean> {
    const rows = await run(this.pool, this.sql.compareAndSetChallenge, [
      record.id, json(record.data), record.expiresAt, expectedRevision, Math.floor(now),
    ]);
    return rows.length === 1;
  }

  async listChallenges(accountId: string, purpose: string, now: number): Promise<MfaChallengeRecord[]> {
    return (await run(this.pool, this.sql.listChallenges, [accountId, purpose, Math.floor(now)])).map(challengeFromRow);
  }

  async deleteChallenges(accountId: string, purpose: string): Promise<number> {
    return countFrom(await run(this.pool, this.sql.deleteChallenges, [accountId, purpose]), 'n');
  }

  // --- attempt records ------------------------------------------------------------------------

  async chargeAttempts(
    accountId: string,
    charges: readonly MfaAttemptChargeInput[],
    options: ChargeAttemptsOptions,
  ): Promise<ChargeAttemptsResult> {
    const withFactors = options.withFactors === true;
    const withReads = options.withChallenges !== undefined || options.withBackupCode !== undefined;
    if (charges.length === 0) {
      // Nothing to charge: the reads one by one (no caller of the service does this).
      const [factors, challenges, code, count] = await Promise.all([
        withFactors ? this.listFactors(accountId) : null,
        options.withChallenges === undefined ? undefined : Promise.all(options.withChallenges.map((id) => this.getChallenge(id, options.now))),
        options.withBackupCode === undefined ? undefined : this.getBackupCode(accountId, options.withBackupCode),
        options.withBackupCode === undefined ? undefined : this.countBackupCodes(accountId),
      ]);
      return { factors, charges: [], ...(challenges === undefined ? {} : { challenges }), ...(code === undefined ? {} : { backupCode: { record: code, count: count! } }) };
    }
    const values: unknown[] = [accountId, Math.floor(options.now)];
    for (const { name, rule } of charges) values.push(name, rule.limit, rule.freeAttempts, rule.baseDelayMs, rule.maxDelayMs, rule.memoryMs);
    if (withReads) values.push([...(options.withChallenges ?? [])], options.withBackupCode ?? null);
    const statement = [
      [this.sql.chargeAttempts1, this.sql.chargeAttempts1F, this.sql.chargeAttempts1FL],
      [this.sql.chargeAttempts2, this.sql.chargeAttempts2F, this.sql.chargeAttempts2FL],
      [this.sql.chargeAttempts3, this.sql.chargeAttempts3F, this.sql.chargeAttempts3FL],
    ][charges.length - 1]?.[withReads ? 2 : withFactors ? 1 : 0];
    if (statement === undefined) throw new MfaError('INVALID_ARGUMENT', 'PostgreSQL store: at most 3 attempt records per charge');
    const rows = await run(this.pool, statement, values);
    const first = rows[0];
    if (first === undefined) throw new MfaError('STORE_ERROR', 'PostgreSQL store: chargeAttempts returned no row');
    const results: (MfaAttemptCharge | null)[] = charges.map((_, i) => chargeFromRow(first, `c${i}_`));
    // The `…FL` statement always lists the factors: dropped when they were not asked for.
    const factors = withFactors ? rows.filter((r) => r['id'] !== null).map(factorFromRow) : null;
    if (!withReads) return { factors, charges: results };
    return { factors, charges: results, ...loginReadsFromRow(first, accountId, options) };
  }

  async getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null> {
    const [row] = await run(this.pool, this.sql.getAttempts, [accountId, name, Math.floor(now)]);
    return row === undefined ? null : attemptFromRow(row);
  }

  async clearAttempts(accountId: string, names?: readonly string[]): Promise<void> {
    if (names === undefined) await run(this.pool, this.sql.clearAllAttempts, [accountId]);
    else await run(this.pool, this.sql.clearAttempts, [accountId, [...names]]);
  }

  // --- counters -------------------------------------------------------------------------------

  async incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState> {
    const now = Math.floor(options.now);
    const [row] = await run(this.pool, this.sql.incrementCounter, [key, now, Math.ceil(options.ttlMs)]);
    if (row === undefined) throw new MfaError('STORE_ERROR', 'PostgreSQL store: incrementCounter returned no row');
    return counterFromRow(row, 'prior_at');
  }

  async getCounter(key: string, now: number): Promise<MfaCounterState | null> {
    const [row] = await run(this.pool, this.sql.getCounter, [key, Math.floor(now)]);
    return row === undefined ? null : counterFromRow(row, 'last_at');
  }

  // --- helpers --------------------------------------------------------------------------------

  /** One short transaction holding the account's advisory lock (released at commit/rollback). */
  private lockedTransaction<T>(
    operation: string,
    accountId: string,
    body: (client: Queryable) => Promise<{ commit: boolean; value: T }>,
  ): Promise<T> {
    return inTransaction(this.pool, operation, async (client) => {
      await run(client, this.sql.lockAccount, [`${this.tablePrefix}:${accountId}`]);
      return body(client);
    });
  }

  private async insertCodes(client: Queryable, accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void> {
    if (codes.length === 0) return;
    await run(client, this.sql.insertBackupCodes, [
      accountId,
      codes.map((c) => c.v),
      codes.map((c) => c.setId),
      codes.map((c) => c.id),
      codes.map((c) => c.hash),
      codes.map((c) => c.createdAt),
    ]);
  }
}

/**
 * Creates the PostgreSQL {@link MfaStore} on the app's `pg` pool. Run {@link migrate} first. The
 * pool should allow as many connections as concurrent MFA requests you expect (each operation
 * holds one connection for one statement or one short transaction).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresStore, migrate } from 'mfakit/stores/postgres';
 * import { createMfaService } from 'mfakit/service';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
 * await migrate(pool, { tablePrefix: 'mfakit_' });
 * const store = createPostgresStore({ pool, tablePrefix: 'mfakit_' });
 * const service = createMfaService({ issuer: 'Example', store, keyRing });
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  return withArgumentChecks(new PostgresStore(options));
}
