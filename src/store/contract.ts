/**
 * The storage contract: what the MFA service needs from a store, and nothing more.
 *
 * Every method is asynchronous. Every method whose name promises a guarantee ("consume", "advance",
 * "compare-and-set", "activate", "replace", "increment") must keep that guarantee when many
 * processes share one store: implement it as one statement, one Lua script or one short
 * transaction, never as a read followed by a write from the client. The exported conformance
 * suite (`mfakit/conformance`) checks each guarantee, races included.
 *
 * Conventions:
 * - records go in and come out as plain JSON; a store never lets a caller change what it holds:
 *   it copies on the way in, and on the way out either copies or hands out frozen objects (the
 *   service never mutates what it reads);
 * - a record with an unknown schema version makes the read throw `MfaError('STORE_SCHEMA_VERSION')`
 *   (see {@link assertRecordVersion}); any other storage failure throws (ideally
 *   `MfaError('STORE_ERROR')` with the driver error as `cause`);
 * - time is passed in (`now`, milliseconds since the epoch) so the store and the service agree on
 *   it; stores may additionally expire data on their own (TTL, sweeps), but correctness never
 *   depends on that: an expired record is treated as absent;
 * - everything is scoped by `accountId` where the record has one: a factor of another account is
 *   "not found".
 * @module
 */
import type { factorCredentialId } from './records.js';
import type {
  MfaJsonObject,
  MfaAccountRecord,
  MfaBackupCodeRecord,
  MfaChallengeRecord,
  MfaCounterState,
  MfaEnrolmentRecord,
  MfaFactorRecord,
} from './records.js';
import type { MfaAttemptCharge, MfaAttemptChargeInput, MfaAttemptState } from './attempts.js';

/**
 * Input of {@link MfaStore.activateEnrolment}.
 *
 * @example
 * ```ts
 * const input: ActivateEnrolmentInput = { accountId, enrolmentId: pending.id, factor, backupCodes: records, now: Date.now() };
 * ```
 */
export interface ActivateEnrolmentInput {
  readonly accountId: string;
  readonly enrolmentId: string;
  /** The factor to create; its `id` equals `enrolmentId`. */
  readonly factor: MfaFactorRecord;
  /**
   * A fresh backup-code set, stored only if the account has no backup codes yet (the first
   * factor). Stored in the same atomic step as the factor, so codes are never shown unstored.
   */
  readonly backupCodes?: readonly MfaBackupCodeRecord[];
  /** A factor of the same account to delete in the same atomic step (replacing a lost device). */
  readonly replacesFactorId?: string | null;
  readonly now: number;
}

/**
 * Result of {@link MfaStore.activateEnrolment}.
 *
 * @example
 * ```ts
 * const result: ActivateEnrolmentResult = await store.activateEnrolment(input);
 * if (result.activated && result.backupCodesStored) show(codes);
 * ```
 */
export type ActivateEnrolmentResult =
  | { readonly activated: true; readonly backupCodesStored: boolean }
  | {
      readonly activated: false;
      /**
       * Set when the enrolment was live but its factor's WebAuthn credential id is registered to
       * a factor already (of any account, see {@link factorCredentialId}); the enrolment stays pending.
       */
      readonly conflict?: 'credential-id';
    };

/**
 * Input of {@link MfaStore.removeLoginFactors}: what disabling MFA or an account recovery removes,
 * revokes and marks, in one atomic step.
 *
 * @example
 * ```ts
 * const input: RemoveLoginFactorsInput = { accountId, revokeChallengePurposes: ['step-up', 'backup-code-used'] };
 * ```
 */
export interface RemoveLoginFactorsInput {
  readonly accountId: string;
  /**
   * Purposes of the account's challenges deleted in the same step: what depended on the removed
   * factors (step-up grants, used-backup-code tombstones, other outstanding recovery challenges).
   */
  readonly revokeChallengePurposes: readonly string[];
  /**
   * The account's new data (a recovery's "enrol again" mark), written in the same step by
   * compare-and-set: only if the stored revision still equals `expectedRevision` (the stored
   * revision becomes `expectedRevision + 1`). When it does not, or the account is gone, nothing
   * at all changes and the result is `removed: false`.
   */
  readonly account?: { readonly data: MfaJsonObject; readonly updatedAt: number; readonly expectedRevision: number };
}

/**
 * Result of {@link MfaStore.removeLoginFactors}: the ids of the login factors removed, or
 * `removed: false` when the account's compare-and-set failed (nothing changed).
 *
 * @example
 * ```ts
 * const result: RemoveLoginFactorsResult = await store.removeLoginFactors(input);
 * if (result.removed) console.log(result.factorIds.length);
 * ```
 */
export type RemoveLoginFactorsResult = { readonly removed: true; readonly factorIds: readonly string[] } | { readonly removed: false };

/**
 * Result of {@link MfaStore.deleteFactor}.
 *
 * @example
 * ```ts
 * const outcome: DeleteFactorOutcome = await store.deleteFactor(accountId, factorId, { minRemainingLoginFactors: 1 });
 * ```
 */
export type DeleteFactorOutcome = 'deleted' | 'not-found' | 'too-few-remaining';

/**
 * Result of {@link MfaStore.chargeAttempts}: the account's factors when asked for (`null` when
 * not), and one outcome per charge, in order (`null` for a charge that was not made).
 *
 * @example
 * ```ts
 * const { factors, charges }: ChargeAttemptsResult = await store.chargeAttempts(accountId, [{ name: 'code', rule }], { now, withFactors: true });
 * ```
 */
export interface ChargeAttemptsResult {
  readonly factors: MfaFactorRecord[] | null;
  readonly charges: readonly (MfaAttemptCharge | null)[];
  /**
   * With `withChallenges`: each asked challenge as {@link MfaStore.getChallenge} would return it
   * (`null` when absent or expired), in the order asked. Absent otherwise.
   */
  readonly challenges?: readonly (MfaChallengeRecord | null)[];
  /**
   * With `withBackupCode`: the unused backup code of that id (`null` when there is none) and how
   * many unused codes the account has (as {@link MfaStore.countBackupCodes}). Absent otherwise.
   */
  readonly backupCode?: { readonly record: MfaBackupCodeRecord | null; readonly count: number };
}

/**
 * Options of {@link MfaStore.chargeAttempts}: the time, and what to read in the same round trip.
 *
 * @example
 * ```ts
 * const options: ChargeAttemptsOptions = { now: Date.now(), withFactors: true, withChallenges: [`stepup:${accountId}`] };
 * ```
 */
export interface ChargeAttemptsOptions {
  readonly now: number;
  /** Also return the account's factors, and charge nothing when none has role `login`. */
  readonly withFactors?: boolean;
  /**
   * Also read these challenges by id (at most 4), as `getChallenge(id, now)` would: a login reads
   * the account's step-up generation (and a used backup code's tombstone) in its first round trip.
   */
  readonly withChallenges?: readonly string[];
  /** Also read the account's unused backup code of this id, and count the account's unused codes. */
  readonly withBackupCode?: string;
}

/**
 * Options of {@link MfaStore.consumeBackupCode}: what the call that uses the code also does.
 *
 * @example
 * ```ts
 * const used = await store.consumeBackupCode(accountId, codeId, { clearAttempts: ['code'], tombstone });
 * ```
 */
export interface ConsumeBackupCodeOptions {
  /** Attempt records of the account cleared (as {@link MfaStore.clearAttempts}) when this call used the code. */
  readonly clearAttempts?: readonly string[];
  /**
   * A challenge stored (as {@link MfaStore.putChallenge}) when this call uses the code, so a later
   * use of the same code can be told apart from a wrong one. In the same atomic step where the store
   * keeps challenges beside the codes; otherwise stored just before the consume, whatever its
   * outcome (a failure of that write is ignored: the mark is a label, never what lets a code in).
   */
  readonly tombstone?: MfaChallengeRecord;
}

/**
 * The storage contract. Implement it for your database and run `storeConformanceCases` from
 * `mfakit/conformance` against your implementation.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from 'mfakit/stores/memory';
 * const store: MfaStore = createMemoryStore();
 * const won = await store.advanceFactorStep('user-42', factorId, 59_000_123, Date.now());
 * ```
 */
export interface MfaStore {
  // --- accounts -------------------------------------------------------------------------------

  /** The account, or `null`. */
  getAccount(accountId: string): Promise<MfaAccountRecord | null>;
  /** Inserts the account if no account with its id exists. Returns whether it inserted. Atomic. */
  createAccount(record: MfaAccountRecord): Promise<boolean>;
  /**
   * Replaces the account only if its stored `revision` equals `expectedRevision`; the stored
   * revision becomes `expectedRevision + 1` (the `revision` field of `record` is ignored). Returns
   * whether it replaced. Atomic compare-and-set.
   */
  compareAndSetAccount(record: MfaAccountRecord, expectedRevision: number): Promise<boolean>;
  /**
   * Forgets the account entirely (the app deleted the user): the account record, every factor and
   * recovery method, pending enrolment, backup code and challenge bound to it. Counters are keyed by
   * free-form strings and simply expire; the account's attempt records go with it. Returns whether
   * the account record existed.
   */
  deleteAccount(accountId: string): Promise<boolean>;

  // --- factors --------------------------------------------------------------------------------

  /** Every factor and recovery method of the account (any order). */
  listFactors(accountId: string): Promise<MfaFactorRecord[]>;
  /** One factor of the account, or `null` (also when it belongs to another account). */
  getFactor(accountId: string, factorId: string): Promise<MfaFactorRecord | null>;
  /**
   * Inserts a factor unless one with its id exists, or its WebAuthn credential id
   * ({@link factorCredentialId}) is held by any factor of any account (WebAuthn L3 §7.1 step 26:
   * a credential id is registered to at most one user). Returns whether it inserted. Atomic: of
   * concurrent inserts of one credential id exactly one succeeds.
   */
  insertFactor(record: MfaFactorRecord): Promise<boolean>;
  /**
   * Replaces the factor's name, role and data only if its stored `revision` equals
   * `expectedRevision`; the stored revision becomes `expectedRevision + 1`. Never changes `id`,
   * `accountId`, `kind`, `lastStep` or `lastUsedAt`; callers never change a WebAuthn credential id. Returns whether it replaced. Atomic.
   */
  compareAndSetFactor(record: MfaFactorRecord, expectedRevision: number): Promise<boolean>;
  /**
   * Sets `lastStep = step` and `lastUsedAt = usedAt` only if `step` is greater than the stored
   * `lastStep`. Returns whether it advanced: of many concurrent calls with one step, exactly one
   * returns `true`. This is the TOTP replay guard. Atomic (`UPDATE … WHERE last_step < $step`).
   *
   * With `clearAttempts`, the call that advanced also clears those attempt records of the account
   * (as {@link MfaStore.clearAttempts}) in the same step, so a successful login costs one round
   * trip here; a call that did not advance clears nothing.
   */
  advanceFactorStep(
    accountId: string,
    factorId: string,
    step: number,
    usedAt: number,
    options?: { readonly clearAttempts?: readonly string[] },
  ): Promise<boolean>;
  /**
   * Deletes the factor. With `minRemainingLoginFactors`, deletes only if at least that many factors
   * of role `login` remain afterwards (so two concurrent removals cannot leave an account without
   * MFA by accident). Atomic.
   */
  deleteFactor(
    accountId: string,
    factorId: string,
    options?: { readonly minRemainingLoginFactors?: number },
  ): Promise<DeleteFactorOutcome>;
  /**
   * Disabling MFA: deletes every factor of role `login`, every backup code and every pending
   * enrolment of the account in one atomic step; recovery methods stay. Returns how many factors
   * it deleted.
   */
  deleteLoginFactors(accountId: string): Promise<number>;
  /**
   * Disabling MFA and account recovery, in one atomic step: deletes every factor of role `login`,
   * every backup code and pending enrolment of the account, and its challenges of the
   * `revokeChallengePurposes`; with `account`, also writes the account's data by compare-and-set.
   * Recovery methods stay. All of it happens, or (on failure, or a stale `account` revision)
   * none of it: a failure never leaves the factors gone with the grants that depended on them
   * still valid. A store that keeps challenges apart from factors (composed) deletes the
   * challenges first, so a failure between the two leaves MFA on with the grants revoked.
   */
  removeLoginFactors(input: RemoveLoginFactorsInput): Promise<RemoveLoginFactorsResult>;

  // --- pending enrolments ---------------------------------------------------------------------

  /** Inserts or replaces a pending enrolment (by account and id). */
  putEnrolment(record: MfaEnrolmentRecord): Promise<void>;
  /**
   * The pending enrolment, expired or not (the caller tells "expired" from "unknown"), or `null`.
   */
  getEnrolment(accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null>;
  /** Deletes a pending enrolment. Returns whether it existed. */
  deleteEnrolment(accountId: string, enrolmentId: string): Promise<boolean>;
  /**
   * In one atomic step: deletes the pending enrolment (only if it exists and `expiresAt > now`),
   * inserts `factor`, deletes `replacesFactorId` if given, and stores `backupCodes` if given and the
   * account has none. Of concurrent activations of one enrolment exactly one returns
   * `activated: true`; when the enrolment is missing or expired nothing changes. When the factor's
   * WebAuthn credential id is held by any factor (any account), nothing changes and the result is
   * `{ activated: false, conflict: 'credential-id' }`; of concurrent activations carrying one
   * credential id (any accounts) at most one succeeds.
   */
  activateEnrolment(input: ActivateEnrolmentInput): Promise<ActivateEnrolmentResult>;

  // --- backup codes ---------------------------------------------------------------------------

  /** Replaces the account's whole backup-code set: no old code survives, in one atomic step. */
  replaceBackupCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): Promise<void>;
  /** One unused backup code of the account by id, or `null`. */
  getBackupCode(accountId: string, codeId: string): Promise<MfaBackupCodeRecord | null>;
  /**
   * Uses a backup code up (deletes it). Returns whether this call used it: of concurrent calls for
   * one code exactly one returns `true`. Atomic (`DELETE … RETURNING`). With `clearAttempts`, the
   * call that used the code also clears those attempt records in the same step (a successful
   * backup-code login's last round trip); with `tombstone`, it also stores that challenge.
   */
  consumeBackupCode(accountId: string, codeId: string, options?: ConsumeBackupCodeOptions): Promise<boolean>;
  /** How many unused backup codes the account has. */
  countBackupCodes(accountId: string): Promise<number>;

  // --- challenges -----------------------------------------------------------------------------

  /** Inserts or replaces a challenge by id (a resent email code replaces the previous one). */
  putChallenge(record: MfaChallengeRecord): Promise<void>;
  /** The challenge if it exists and `expiresAt > now`, else `null`. Does not consume it. */
  getChallenge(challengeId: string, now: number): Promise<MfaChallengeRecord | null>;
  /**
   * Get-and-delete: returns the challenge and deletes it, only if it exists, its `purpose` equals
   * `purpose` and `expiresAt > now`; otherwise returns `null` and changes nothing (a challenge of
   * another purpose is left alone). Of concurrent calls exactly one gets the record. Atomic.
   */
  consumeChallenge(challengeId: string, options: { readonly purpose: string; readonly now: number }): Promise<MfaChallengeRecord | null>;
  /**
   * Replaces the challenge's `data` and `expiresAt` only if it still exists unexpired and its
   * `revision` equals `expectedRevision`; the stored revision becomes `expectedRevision + 1`.
   * Returns whether it replaced (used to count attempts on an email/SMS code). Atomic.
   */
  compareAndSetChallenge(record: MfaChallengeRecord, expectedRevision: number, now: number): Promise<boolean>;
  /**
   * Every unexpired challenge of the account with this purpose (`expiresAt > now`), any order:
   * used to list an account's remembered devices. A challenge deleted or consumed before the call
   * began is never returned.
   */
  listChallenges(accountId: string, purpose: string, now: number): Promise<MfaChallengeRecord[]>;
  /** Deletes every challenge of the account with this purpose (for example all step-up grants). Returns how many. */
  deleteChallenges(accountId: string, purpose: string): Promise<number>;

  // --- attempt records (throttling) -----------------------------------------------------------

  /**
   * Charges attempt records of the account (one to three), in order, in one atomic step per record: each is
   * charged only if every charge before it was allowed (so a requester refused by its own record
   * does not use up the account's); see `mfakit/service`'s `applyAttemptCharge` for the arithmetic
   * of one charge (a refused attempt changes nothing). Of N concurrent charges of one record
   * exactly as many are allowed as the rule admits (no lost update: with no delays, exactly
   * `limit`).
   *
   * With `withFactors: true` it also returns the account's factors (as `listFactors`), and
   * charges nothing when none of them has role `login` (an unknown account, or one without MFA,
   * gets no record): a login's first round trip. With `withChallenges` and `withBackupCode` it
   * also reads those records (whatever the charges' outcome), so a login needs no other read.
   * Records are forgotten `rule.memoryMs` after their last counted attempt.
   */
  chargeAttempts(accountId: string, charges: readonly MfaAttemptChargeInput[], options: ChargeAttemptsOptions): Promise<ChargeAttemptsResult>;
  /** The attempt record's state, or `null` when it is absent or forgotten (`expiresAt <= now`). */
  getAttempts(accountId: string, name: string, now: number): Promise<MfaAttemptState | null>;
  /**
   * Clears attempt records of the account (all of them without `names`): their count becomes 0
   * and `lastAt` null, in place (an update, not a delete: the record is reused by the next
   * charge). A record already clear is not written again.
   */
  clearAttempts(accountId: string, names?: readonly string[]): Promise<void>;

  // --- counters -------------------------------------------------------------------------------

  /**
   * Adds one to the counter and returns its new state. When the counter is absent or expired it
   * starts again at 1 with `expiresAt = now + ttlMs` (a fixed window: later increments do not
   * extend it). Of N concurrent increments the returned counts are exactly 1…N (no lost update).
   */
  incrementCounter(key: string, options: { readonly ttlMs: number; readonly now: number }): Promise<MfaCounterState>;
  /** The counter's state if it exists and has not expired, else `null`. */
  getCounter(key: string, now: number): Promise<MfaCounterState | null>;
}
