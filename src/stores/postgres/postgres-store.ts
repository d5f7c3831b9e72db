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
import type { ActivateEnrolmentInput, ActivateEnrolmentResult, ChargeAttemptsResult, DeleteFactorOutcome, MfaStore } from '../../store/contract.js';
import {
  checkAttemptName,
  checkAttemptRule,
  type MfaAttemptCharge,
  type MfaAttemptChargeInput,
  type MfaAttemptState,
} from '../../store/attempts.js';
import {
  assertRecordVersion,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaCounterState,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from '../../store/records.js';
import { checkFactorRecord as checkFactor, requireId, requireInteger, toTime } from '../../store/codec.js';
import { inTransaction, run, type Queryable } from './db.js';
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
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function factorValues(r: MfaFactorRecord): unknown[] {
  return [r.v, r.id, r.accountId, r.kind, r.role, r.name, r.createdAt, r.lastUsedAt, r.lastStep, r.revision, json(r.data)];
}

function checkCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): MfaBackupCodeRecord[] {
  const byId = new Map<string, MfaBackupCodeRecord>();
  for (const code of codes) {
    assertRecordVersion(code, 'backup-code');
    if (code.accountId !== accountId) throw new MfaError('INVALID_ARGUMENT', 'backup codes must belong to the account');
    requireId(code.id, 'code.id');
    requireInteger(code.createdAt, 'code.createdAt');
    byId.set(code.id, code); // a repeated id keeps the last, like a map would
  }
  return [...byId.values()];
}

function checkNames(names: readonly string[]): string[] {
  if (!Array.isArray(names)) throw new MfaError('INVALID_ARGUMENT', 'attempt record names must be an array');
  for (const name of names) checkAttemptName(name);
  return [...names];
}

/**
 * The PostgreSQL {@link MfaStore}. Create it with {@link createPostgresStore} after running
 * {@link migrate} once (at deploy or start-up).
 *
 * @example
 * ```ts
 * const store = new PostgresStore({ pool, tablePrefix: 'mfakit_' });
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
    this.sql = postgresStatements(this.tablePrefix);
  }

  // --- accounts -------------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<MfaAccountRecord | null> {
    requireId(accountId, 'accountId');
    const [row] = await run(this.pool, this.sql.getAccount, [accountId]);
    return row === undefined ? null : accountFromRow(row);
  }

  async createAccount(record: MfaAccountRecord): Promise<boolean> {
    assertRecordVersion(record, 'account');
    requireId(record.id, 'record.id');
    requireInteger(record.createdAt, 'record.createdAt');
    requireInteger(record.updatedAt, 'record.updatedAt');
    requireInteger(record.revision, 'record.revision');
    const rows = await run(this.pool, this.sql.createAccount, [
      record.id, record.v, record.createdAt, record.updatedAt, record.revision, json(record.data),
    ]);
    return rows.length === 1;
  }

  async compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean> {
    assertRecordVersion(record, 'account');
    requireId(record.id, 'record.id');
    requireInteger(record.updatedAt, 'record.updatedAt');
    requireInteger(expectedRevision, 'expectedRevision');
    const rows = await run(this.pool, this.sql.compareAndSetAccount, [
      record.id, record.v, record.updatedAt, json(record.data), expectedRevision,
    ]);
    return rows.length === 1;
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    requireId(accountId, 'accountId');
    return this.lockedTransaction('deleteAccount', accountId, async (client) => {
      const rows = await run(client, this.sql.deleteAccount, [accountId]);
      return { commit: true, value: rows.length === 1 };
    });
  }

  // --- factors --------------------------------------------------------------------------------

  async listFactors(accountId: string): Promise<MfaFactorRecord[]> {
    requireId(accountId, 'accountId');
    return (await run(this.pool, this.sql.listFactors, [accountId])).map(factorFromRow);
  }

  async getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null> {
    requireId(accountId, 'accountId');
    requireId(factorId, 'factorId');
    const [row] = await run(this.pool, this.sql.getFactor, [accountId, factorId]);
    return row === undefined ? null : factorFromRow(row);
  }

  async insertFactor(record: MfaFactorRecord): Promise<boolean> {
    checkFactor(record);
    return (await run(this.pool, this.sql.insertFactor, factorValues(record))).length === 1;
  }

  async compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean> {
    assertRecordVersion(record, 'factor');
    requireId(record.accountId, 'record.accountId');
    requireId(record.id, 'record.id');
    requireInteger(expectedRevision, 'expectedRevision');
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
    requireId(accountId, 'accountId');
    requireId(factorId, 'factorId');
    requireInteger(step, 'step');
    const clear = options.clearAttempts;
    const at = toTime(usedAt, 'usedAt');
    if (clear === undefined) return (await run(this.pool, this.sql.advanceFactorStep, [accountId, factorId, step, at])).length === 1;
    return (await run(this.pool, this.sql.advanceFactorStepClearing, [accountId, factorId, step, at, checkNames(clear)])).length === 1;
  }

  async deleteFactor(
    accountId: string,
    factorId: string,
    options: { readonly minRemainingLoginFactors?: number } = {},
  ): Promise<DeleteFactorOutcome> {
    requireId(accountId, 'accountId');
    requireId(factorId, 'factorId');
    const minimum = options.minRemainingLoginFactors;
    if (minimum === undefined) {
      const rows = await run(this.pool, this.sql.deleteFactor, [accountId, factorId]);
      return rows.length === 1 ? 'deleted' : 'not-found';
    }
    requireInteger(minimum, 'minRemainingLoginFactors');
    const [row] = await run(this.pool, this.sql.deleteFactorKeeping, [accountId, factorId, minimum]);
    if (row === undefined || row['found'] !== 't') return 'not-found';
    if (row['enough'] !== 't') return 'too-few-remaining';
    // Found and allowed, but gone before our lock (deleted concurrently): report it as not found.
    return countFrom([row], 'deleted') === 1 ? 'deleted' : 'not-found';
  }

  async deleteLoginFactors(accountId: string): Promise<number> {
    requireId(accountId, 'accountId');
    return this.lockedTransaction('deleteLoginFactors', accountId, async (client) => {
      const rows = await run(client, this.sql.deleteLoginFactors, [accountId]);
      return { commit: true, value: countFrom(rows, 'deleted') };
    });
  }

  // --- pending enrolments ---------------------------------------------------------------------

  async putEnrolment(record: MfaEnrolmentRecord): Promise<void> {
    assertRecordVersion(record, 'enrolment');
    requireId(record.accountId, 'record.accountId');
    requireId(record.id, 'record.id');
    requireInteger(record.createdAt, 'record.createdAt');
    requireInteger(record.expiresAt, 'record.expiresAt');
    await run(this.pool, this.sql.putEnrolment, [
      record.v, record.id, record.accountId, record.kind, record.role, record.name,
      record.createdAt, record.expiresAt, record.replacesFactorId, json(record.data),
    ]);
  }

  async getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
    requireId(accountId, 'accountId');
    requireId(enrolmentId, 'enrolmentId');
    const [row] = await run(this.pool, this.sql.getEnrolment, [accountId, enrolmentId]);
    return row === undefined ? null : enrolmentFromRow(row);
  }

  async deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    requireId(accountId, 'accountId');
    requireId(enrolmentId, 'enrolmentId');
    return (await run(this.pool, this.sql.deleteEnrolment, [accountId, enrolmentId])).length === 1;
  }

  async activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult> {
    const { accountId, enrolmentId, factor } = input;
    requireId(accountId, 'accountId');
    requireId(enrolmentId, 'enrolmentId');
    checkFactor(factor);
    const now = toTime(input.now, 'now');
    if (factor.id !== enrolmentId || factor.accountId !== accountId) {
      throw new MfaError('INVALID_ARGUMENT', 'the factor must carry the enrolment id and account id');
    }
    const codes = input.backupCodes === undefined ? undefined : checkCodes(accountId, input.backupCodes);
    return this.lockedTransaction<ActivateEnrolmentResult>('activateEnrolment', accountId, async (client) => {
      // Deleting the pending row first also queues a concurrent activation of the same
      // enrolment behind our row lock; it then finds nothing to delete.
      const taken = await run(client, this.sql.takeEnrolment, [accountId, enrolmentId, now]);
      if (taken.length === 0) return { commit: false, value: { activated: false } };
      const inserted = await run(client, this.sql.insertFactor, factorValues(factor));
      if (inserted.length === 0) return { commit: false, value: { activated: false } };
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
    requireId(accountId, 'accountId');
    const fresh = checkCodes(accountId, codes);
    await this.lockedTransaction('replaceBackupCodes', accountId, async (client) => {
      await run(client, this.sql.deleteBackupCodes, [accountId]);
      await this.insertCodes(client, accountId, fresh);
      return { commit: true, value: undefined };
    });
  }

  async getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null> {
    requireId(accountId, 'accountId');
    requireId(codeId, 'codeId');
    const [row] = await run(this.pool, this.sql.getBackupCode, [accountId, codeId]);
    return row === undefined ? null : backupCodeFromRow(row);
  }

  async consumeBackupCode(accountId: string, codeId: string): Promise<boolean> {
    requireId(accountId, 'accountId');
    requireId(codeId, 'codeId');
    return (await run(this.pool, this.sql.consumeBackupCode, [accountId, codeId])).length === 1;
  }

  async countBackupCodes(accountId: string): Promise<number> {
    requireId(accountId, 'accountId');
    return countFrom(await run(this.pool, this.sql.countBackupCodes, [accountId]), 'n');
  }

  // --- challenges -----------------------------------------------------------------------------

  async putChallenge(record: MfaChallengeRecord): Promise<void> {
    assertRecordVersion(record, 'challenge');
    requireId(record.id, 'record.id');
    requireId(record.purpose, 'record.purpose');
    if (record.accountId !== null) requireId(record.accountId, 'record.accountId');
    requireInteger(record.createdAt, 'record.createdAt');
    requireInteger(record.expiresAt, 'record.expiresAt');
    requireInteger(record.revision, 'record.revision');
    await run(this.pool, this.sql.putChallenge, [
      record.v, record.id, record.accountId, record.purpose, json(record.data), record.createdAt, record.expiresAt, record.revision,
    ]);
  }

  async getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null> {
    requireId(challengeId, 'challengeId');
    const [row] = await run(this.pool, this.sql.getChallenge, [challengeId, toTime(now, 'now')]);
    return row === undefined ? null : challengeFromRow(row);
  }

  async consumeChallenge(
    challengeId: string,
    options: { readonly purpose: string; readonly now: number },
  ): Promise<MfaChallengeRecord | null> {
    requireId(challengeId, 'challengeId');
    requireId(options.purpose, 'purpose');
    const [row] = await run(this.pool, this.sql.consumeChallenge, [challengeId, options.purpose, toTime(options.now, 'now')]);
    return row === undefined ? null : challengeFromRow(row);
  }

  async compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean> {
    assertRecordVersion(record, 'challenge');
    requireId(record.id, 'record.id');
    requireInteger(record.expiresAt, 'record.expiresAt');
    requireInteger(expectedRevision, 'expectedRevision');
    const rows = await run(this.pool, this.sql.compareAndSetChallenge, [
      record.id, json(record.data), record.expiresAt, expectedRevision, toTime(now, 'now'),
    ]);
    return rows.length === 1;
  }

  async deleteChallenges(accountId: string, purpose: string): Promise<number> {
    requireId(accountId, 'accountId');
    requireId(purpose, 'purpose');
    return countFrom(await run(this.pool, this.sql.deleteChallenges, [accountId, purpose]), 'n');
  }

  // --- attempt records ------------------------------------------------------------------------

  async chargeAttempts(
    accountId: string,
    charges: readonly MfaAttemptChargeInput[],
    options: { readonly now: number; readonly withFactors?: boolean },
  ): Promise<ChargeAttemptsResult> {
    requireId(accountId, 'accountId');
    const now = toTime(options.now, 'now');
    if (!Array.isArray(charges) || charges.length > 4) throw new MfaError('INVALID_ARGUMENT', 'charges must be an array of at most 4');
    const withFactors = options.withFactors === true;
    if (charges.length === 0) return { factors: withFactors ? await this.listFactors(accountId) : null, charges: [] };
    const values: unknown[] = [accountId, now];
    for (const { name, rule } of charges) {
      checkAttemptName(name);
      checkAttemptRule(rule);
      values.push(name, rule.limit, rule.freeAttempts, rule.baseDelayMs, rule.maxDelayMs, rule.memoryMs);
    }
    const rows = await run(this.pool, this.sql.chargeAttempts(charges.length, withFactors), values);
    const first = rows[0];
    if (first === undefined) throw new MfaError('STORE_ERROR', 'PostgreSQL store: chargeAttempts returned no row');
    const results: (MfaAttemptCharge | null)[] = charges.map((_, i) => chargeFromRow(first, `c${i}_`));
    const factors = withFactors ? rows.filter((r) => r['id'] !== null).map(factorFromRow) : null;
    return { factors, charges: results };
  }

  async getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null> {
    requireId(accountId, 'accountId');
    checkAttemptName(name);
    const [row] = await run(this.pool, this.sql.getAttempts, [accountId, name, toTime(now, 'now')]);
    return row === undefined ? null : attemptFromRow(row);
  }

  async clearAttempts(accountId: string, names?: readonly string[]): Promise<void> {
    requireId(accountId, 'accountId');
    if (names === undefined) await run(this.pool, this.sql.clearAllAttempts, [accountId]);
    else await run(this.pool, this.sql.clearAttempts, [accountId, checkNames(names)]);
  }

  // --- counters -------------------------------------------------------------------------------

  async incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState> {
    requireId(key, 'key');
    const now = toTime(options.now, 'now');
    if (!(typeof options.ttlMs === 'number' && options.ttlMs > 0 && Number.isFinite(options.ttlMs))) {
      throw new MfaError('INVALID_ARGUMENT', 'ttlMs must be positive');
    }
    const [row] = await run(this.pool, this.sql.incrementCounter, [key, now, Math.ceil(options.ttlMs)]);
    if (row === undefined) throw new MfaError('STORE_ERROR', 'PostgreSQL store: incrementCounter returned no row');
    return counterFromRow(row, 'prior_at');
  }

  async getCounter(key: string, now: number): Promise<MfaCounterState | null> {
    requireId(key, 'key');
    const [row] = await run(this.pool, this.sql.getCounter, [key, toTime(now, 'now')]);
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
  return new PostgresStore(options);
}
