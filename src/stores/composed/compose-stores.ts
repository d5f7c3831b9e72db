/**
 * A store made of stores: counters and challenges (short-lived, hot, fine to lose in a crash) in
 * one store, usually Redis; everything that must survive a crash (factors and their replay
 * state, backup codes, enrolments, accounts) in another, usually PostgreSQL. Each operation goes
 * to exactly one store, so each keeps its own atomicity guarantee; no operation of the contract
 * needs two of them at once, except `deleteAccount`, which asks both, and `removeLoginFactors`
 * (disable, recovery), which revokes the account's challenges first and then removes the factors
 * in the durable store's own atomic step. Attempt records (the login throttle) live in
 * `durable` unless told otherwise.
 * @module
 */
import { MfaError } from '../../errors.js';
import type { ChargeAttemptsResult, MfaStore } from '../../store/contract.js';
import type { MfaChallengeRecord } from '../../store/records.js';
import { withArgumentChecks } from '../../store/arguments.js';

/**
 * Parts of {@link composeStores}.
 *
 * @example
 * ```ts
 * const parts: ComposedStoreParts = { counters: redisStore, challenges: redisStore, durable: postgresStore };
 * ```
 */
export interface ComposedStoreParts {
  /** Send-limit and rate counters (`incrementCounter`, `getCounter`). */
  readonly counters: MfaStore;
  /**
   * Attempt records (the login throttle: `chargeAttempts`, `getAttempts`, `clearAttempts`).
   * Default `durable`: a login then costs two round trips to one store (the charge returns the
   * factors, the step advance clears the record), and the failure count survives a crash. Another
   * store here makes those two operations two round trips each.
   */
  readonly attempts?: MfaStore;
  /** Challenges: WebAuthn and SSH challenges, email/SMS codes, step-up grants. */
  readonly challenges: MfaStore;
  /** Accounts, factors (with the TOTP replay step), pending enrolments and backup codes. */
  readonly durable: MfaStore;
}

/**
 * Composes one {@link MfaStore} from three by delegation: counters and challenges to the first two,
 * the rest to `durable`. `deleteAccount` deletes from `durable` and from the challenge store.
 *
 * Why this split: a consumed backup code or an accepted TOTP step that a store forgets after a
 * crash can be used again, so those belong in a store that commits to disk before answering
 * (PostgreSQL). Losing a counter or a challenge in a crash only resets a limit or makes a user
 * ask for a new challenge.
 *
 * @example
 * ```ts
 * import { composeStores } from 'mfakit/stores/composed';
 * import { createPostgresStore } from 'mfakit/stores/postgres';
 * import { createRedisStore } from 'mfakit/stores/redis';
 *
 * const fast = createRedisStore({ redis });
 * const store = composeStores({ counters: fast, challenges: fast, durable: createPostgresStore({ pool }) });
 * ```
 */
export function composeStores(parts: ComposedStoreParts): MfaStore {
  const { counters, challenges, durable } = parts ?? ({} as ComposedStoreParts);
  const attempts = parts?.attempts ?? durable;
  for (const [name, store] of Object.entries({ counters, challenges, durable, attempts })) {
    if (store === null || typeof store !== 'object' || typeof (store as MfaStore).getAccount !== 'function') {
      throw new MfaError('INVALID_OPTION', `composeStores: ${name} must be an MfaStore`);
    }
  }
  return withArgumentChecks({
    getAccount: (accountId) => durable.getAccount(accountId),
    createAccount: (record) => durable.createAccount(record),
    compareAndSetAccount: (record, expectedRevision) => durable.compareAndSetAccount(record, expectedRevision),
    deleteAccount: async (accountId) => {
      const [existed] = await Promise.all([
        durable.deleteAccount(accountId),
        challenges === durable ? Promise.resolve(false) : challenges.deleteAccount(accountId),
        attempts === durable || attempts === challenges ? Promise.resolve(false) : attempts.clearAttempts(accountId),
      ]);
      return existed;
    },

    listFactors: (accountId) => durable.listFactors(accountId),
    getFactor: (accountId, factorId) => durable.getFactor(accountId, factorId),
    insertFactor: (record) => durable.insertFactor(record),
    compareAndSetFactor: (record, expectedRevision) => durable.compareAndSetFactor(record, expectedRevision),
    advanceFactorStep: async (accountId, factorId, step, usedAt, options) => {
      if (attempts === durable || options?.clearAttempts === undefined) return durable.advanceFactorStep(accountId, factorId, step, usedAt, options);
      const advanced = await durable.advanceFactorStep(accountId, factorId, step, usedAt);
      if (advanced) await attempts.clearAttempts(accountId, options.clearAttempts);
      return advanced;
    },
    deleteFactor: (accountId, factorId, options) => durable.deleteFactor(accountId, factorId, options),
    deleteLoginFactors: (accountId) => durable.deleteLoginFactors(accountId),
    removeLoginFactors: async (input) => {
      if (challenges === durable) return durable.removeLoginFactors(input);
      // Two stores cannot share one atomic step: the revocations go first, so a failure between
      // the two leaves MFA on with its grants revoked (stronger than asked, never weaker).
      if (input.account !== undefined) {
        const stored = await durable.getAccount(input.accountId);
        if (stored === null || stored.revision !== input.account.expectedRevision) return { removed: false };
      }
      for (const purpose of input.revokeChallengePurposes) await challenges.deleteChallenges(input.accountId, purpose);
      const result = await durable.removeLoginFactors(input);
      // A grant minted by a login racing the two steps would outlive the factors: a second pass,
      // best effort (the removal is done and must be reported).
      if (result.removed) {
        await Promise.all(input.revokeChallengePurposes.map((p) => challenges.deleteChallenges(input.accountId, p))).catch(() => undefined);
      }
      return result;
    },

    putEnrolment: (record) => durable.putEnrolment(record),
    getEnrolment: (accountId, enrolmentId) => durable.getEnrolment(accountId, enrolmentId),
    deleteEnrolment: (accountId, enrolmentId) => durable.deleteEnrolment(accountId, enrolmentId),
    activateEnrolment: (input) => durable.activateEnrolment(input),

    replaceBackupCodes: (accountId, codes) => durable.replaceBackupCodes(accountId, codes),
    getBackupCode: (accountId, codeId) => durable.getBackupCode(accountId, codeId),
    consumeBackupCode: async (accountId, codeId, options = {}) => {
      const { tombstone, clearAttempts } = options;
      const own = {
        ...(tombstone !== undefined && challenges === durable ? { tombstone } : {}),
        ...(clearAttempts !== undefined && attempts === durable ? { clearAttempts } : {}),
      };
      // A tombstone kept in the challenge store goes just before, best effort (only a label).
      if (tombstone !== undefined && challenges !== durable) await challenges.putChallenge(tombstone).catch(() => undefined);
      const used = await durable.consumeBackupCode(accountId, codeId, own);
      if (used && clearAttempts !== undefined && attempts !== durable) await attempts.clearAttempts(accountId, clearAttempts);
      return used;
    },
    countBackupCodes: (accountId) => durable.countBackupCodes(accountId),

    putChallenge: (record) => challenges.putChallenge(record),
    getChallenge: (challengeId, now) => challenges.getChallenge(challengeId, now),
    consumeChallenge: (challengeId, options) => challenges.consumeChallenge(challengeId, options),
    compareAndSetChallenge: (record, expectedRevision, now) => challenges.compareAndSetChallenge(record, expectedRevision, now),
    listChallenges: (accountId, purpose, now) => challenges.listChallenges(accountId, purpose, now),
    deleteChallenges: (accountId, purpose) => challenges.deleteChallenges(accountId, purpose),

    chargeAttempts: async (accountId, charges, options) => {
      const { withChallenges, withBackupCode, ...rest } = options;
      if (attempts === durable && challenges === durable) return durable.chargeAttempts(accountId, charges, options);
      // The challenges from their own store, read beside the charge (in parallel).
      const challengeRead = withChallenges === undefined ? undefined : Promise.all(withChallenges.map((id) => challenges.getChallenge(id, options.now)));
      const withReads = (result: ChargeAttemptsResult, read: (MfaChallengeRecord | null)[] | undefined): ChargeAttemptsResult =>
        read === undefined ? result : { ...result, challenges: read };
      if (attempts === durable) {
        const [result, read] = await Promise.all([
          durable.chargeAttempts(accountId, charges, { ...rest, ...(withBackupCode === undefined ? {} : { withBackupCode }) }),
          challengeRead,
        ]);
        return withReads(result, read);
      }
      // Attempt records elsewhere: the durable reads first (a charge needs to know whether the
      // account has a login factor), then the charge.
      const [factors, code, count, read] = await Promise.all([
        rest.withFactors === true ? durable.listFactors(accountId) : null,
        withBackupCode === undefined ? undefined : durable.getBackupCode(accountId, withBackupCode),
        withBackupCode === undefined ? undefined : durable.countBackupCodes(accountId),
        challengeRead,
      ]);
      const backupCode = code === undefined ? {} : { backupCode: { record: code, count: count ?? 0 } };
      if (factors !== null && !factors.some((f) => f.role === 'login')) return withReads({ factors, charges: charges.map(() => null), ...backupCode }, read);
      const { charges: outcomes } = await attempts.chargeAttempts(accountId, charges, { now: options.now });
      return withReads({ factors, charges: outcomes, ...backupCode }, read);
    },
    getAttempts: (accountId, name, now) => attempts.getAttempts(accountId, name, now),
    clearAttempts: (accountId, names) => attempts.clearAttempts(accountId, names),

    incrementCounter: (key, options) => counters.incrementCounter(key, options),
    getCounter: (key, now) => counters.getCounter(key, now),
  });
}
