/**
 * Argument checks of the storage contract, written once for every store.
 *
 * {@link withArgumentChecks} wraps a store so each contract method checks its arguments (ids are
 * non-empty strings, times finite numbers, integers safe, records of this schema version with their
 * ids and integer fields) before the store runs; a store's own code then handles only valid input.
 * Every bundled store's factory returns a checked store, and the service wraps whatever store it is
 * given (once: a checked store is not wrapped again), so a third-party store gets the same checks
 * without writing them.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertNonEmptyString as assertId, assertSafeInteger, assertTime } from '../internal/assert.js';
import type { ActivateEnrolmentInput, MfaStore } from './contract.js';
import { checkAttemptName, checkAttemptRule } from './attempts.js';
import {
  assertRecordVersion,
  type MfaAccountRecord,
  type MfaBackupCodeRecord,
  type MfaChallengeRecord,
  type MfaEnrolmentRecord,
  type MfaFactorRecord,
} from './records.js';

function checkAccount(record: MfaAccountRecord): void {
  assertRecordVersion(record, 'account');
  assertId(record.id, 'record.id');
  assertSafeInteger(record.createdAt, 'record.createdAt');
  assertSafeInteger(record.updatedAt, 'record.updatedAt');
  assertSafeInteger(record.revision, 'record.revision');
}

function checkFactor(record: MfaFactorRecord): void {
  assertRecordVersion(record, 'factor');
  assertId(record.id, 'record.id');
  assertId(record.accountId, 'record.accountId');
  assertSafeInteger(record.createdAt, 'record.createdAt');
  assertSafeInteger(record.lastStep, 'record.lastStep');
  assertSafeInteger(record.revision, 'record.revision');
  if (record.lastUsedAt !== null) assertSafeInteger(record.lastUsedAt, 'record.lastUsedAt');
}

function checkEnrolment(record: MfaEnrolmentRecord): void {
  assertRecordVersion(record, 'enrolment');
  assertId(record.accountId, 'record.accountId');
  assertId(record.id, 'record.id');
  assertSafeInteger(record.createdAt, 'record.createdAt');
  assertSafeInteger(record.expiresAt, 'record.expiresAt');
}

function checkChallenge(record: MfaChallengeRecord): void {
  assertRecordVersion(record, 'challenge');
  assertId(record.id, 'record.id');
  assertId(record.purpose, 'record.purpose');
  if (record.accountId !== null) assertId(record.accountId, 'record.accountId');
  assertSafeInteger(record.createdAt, 'record.createdAt');
  assertSafeInteger(record.expiresAt, 'record.expiresAt');
  assertSafeInteger(record.revision, 'record.revision');
}

function checkCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): void {
  if (!Array.isArray(codes)) throw new MfaError('INVALID_ARGUMENT', 'codes must be an array');
  for (const code of codes) {
    assertRecordVersion(code, 'backup-code');
    if (code.accountId !== accountId) throw new MfaError('INVALID_ARGUMENT', 'backup codes must belong to the account');
    assertId(code.id, 'code.id');
    assertSafeInteger(code.createdAt, 'code.createdAt');
  }
}

function checkActivation(input: ActivateEnrolmentInput): void {
  if (input === null || typeof input !== 'object') throw new MfaError('INVALID_ARGUMENT', 'input must be an object');
  assertId(input.accountId, 'accountId');
  assertId(input.enrolmentId, 'enrolmentId');
  checkFactor(input.factor);
  assertTime(input.now, 'now');
  if (input.factor.id !== input.enrolmentId || input.factor.accountId !== input.accountId) {
    throw new MfaError('INVALID_ARGUMENT', 'the factor must carry the enrolment id and account id');
  }
  if (input.backupCodes !== undefined) checkCodes(input.accountId, input.backupCodes);
  if (input.replacesFactorId != null) assertId(input.replacesFactorId, 'replacesFactorId');
}

/** One check per contract method, taking that method's arguments. A new method needs its entry here. */
type ArgumentChecks = { readonly [K in keyof MfaStore]-?: (...args: Parameters<MfaStore[K]>) => void };

const CHECKS: ArgumentChecks = {
  getAccount: (accountId) => assertId(accountId, 'accountId'),
  createAccount: (record) => checkAccount(record),
  compareAndSetAccount: (record, expectedRevision) => {
    assertRecordVersion(record, 'account');
    assertId(record.id, 'record.id');
    assertSafeInteger(record.updatedAt, 'record.updatedAt');
    assertSafeInteger(expectedRevision, 'expectedRevision');
  },
  deleteAccount: (accountId) => assertId(accountId, 'accountId'),

  listFactors: (accountId) => assertId(accountId, 'accountId'),
  getFactor: (accountId, factorId) => {
    assertId(accountId, 'accountId');
    assertId(factorId, 'factorId');
  },
  insertFactor: (record) => checkFactor(record),
  compareAndSetFactor: (record, expectedRevision) => {
    assertRecordVersion(record, 'factor');
    assertId(record.accountId, 'record.accountId');
    assertId(record.id, 'record.id');
    assertSafeInteger(expectedRevision, 'expectedRevision');
  },
  advanceFactorStep: (accountId, factorId, step, usedAt, options) => {
    assertId(accountId, 'accountId');
    assertId(factorId, 'factorId');
    assertSafeInteger(step, 'step');
    assertTime(usedAt, 'usedAt');
    if (options?.clearAttempts !== undefined) checkAttemptNames(options.clearAttempts);
  },
  deleteFactor: (accountId, factorId, options) => {
    assertId(accountId, 'accountId');
    assertId(factorId, 'factorId');
    const minimum = options?.minRemainingLoginFactors;
    if (minimum !== undefined) assertSafeInteger(minimum, 'minRemainingLoginFactors');
  },
  deleteLoginFactors: (accountId) => assertId(accountId, 'accountId'),
  removeLoginFactors: (input) => {
    if (input === null || typeof input !== 'object') throw new MfaError('INVALID_ARGUMENT', 'input must be an object');
    assertId(input.accountId, 'accountId');
    if (!Array.isArray(input.revokeChallengePurposes)) throw new MfaError('INVALID_ARGUMENT', 'revokeChallengePurposes must be an array');
    for (const purpose of input.revokeChallengePurposes) assertId(purpose, 'revokeChallengePurposes[]');
    if (input.account !== undefined) {
      if (input.account === null || typeof input.account !== 'object' || typeof input.account.data !== 'object' || input.account.data === null) {
        throw new MfaError('INVALID_ARGUMENT', 'account must be { data, updatedAt, expectedRevision }');
      }
      assertSafeInteger(input.account.updatedAt, 'account.updatedAt');
      assertSafeInteger(input.account.expectedRevision, 'account.expectedRevision');
    }
  },

  putEnrolment: (record) => checkEnrolment(record),
  getEnrolment: (accountId, enrolmentId) => {
    assertId(accountId, 'accountId');
    assertId(enrolmentId, 'enrolmentId');
  },
  deleteEnrolment: (accountId, enrolmentId) => {
    assertId(accountId, 'accountId');
    assertId(enrolmentId, 'enrolmentId');
  },
  activateEnrolment: (input) => checkActivation(input),

  replaceBackupCodes: (accountId, codes) => {
    assertId(accountId, 'accountId');
    checkCodes(accountId, codes);
  },
  getBackupCode: (accountId, codeId) => {
    assertId(accountId, 'accountId');
    assertId(codeId, 'codeId');
  },
  consumeBackupCode: (accountId, codeId, options) => {
    assertId(accountId, 'accountId');
    assertId(codeId, 'codeId');
    if (options?.clearAttempts !== undefined) checkAttemptNames(options.clearAttempts);
    if (options?.tombstone !== undefined) checkChallenge(options.tombstone);
  },
  countBackupCodes: (accountId) => assertId(accountId, 'accountId'),

  putChallenge: (record) => checkChallenge(record),
  getChallenge: (challengeId, now) => {
    assertId(challengeId, 'challengeId');
    assertTime(now, 'now');
  },
  consumeChallenge: (challengeId, options) => {
    assertId(challengeId, 'challengeId');
    assertId(options?.purpose, 'purpose');
    assertTime(options.now, 'now');
  },
  compareAndSetChallenge: (record, expectedRevision, now) => {
    assertRecordVersion(record, 'challenge');
    assertId(record.id, 'record.id');
    assertSafeInteger(record.expiresAt, 'record.expiresAt');
    assertSafeInteger(expectedRevision, 'expectedRevision');
    assertTime(now, 'now');
  },
  deleteChallenges: (accountId, purpose) => {
    assertId(accountId, 'accountId');
    assertId(purpose, 'purpose');
  },
  listChallenges: (accountId, purpose, now) => {
    assertId(accountId, 'accountId');
    assertId(purpose, 'purpose');
    assertTime(now, 'now');
  },

  incrementCounter: (key, options) => {
    assertId(key, 'key');
    assertTime(options?.now, 'now');
    if (!(typeof options.ttlMs === 'number' && options.ttlMs > 0 && Number.isFinite(options.ttlMs))) {
      throw new MfaError('INVALID_ARGUMENT', 'ttlMs must be a positive number of milliseconds');
    }
  },
  getCounter: (key, now) => {
    assertId(key, 'key');
    assertTime(now, 'now');
  },

  chargeAttempts: (accountId, charges, options) => {
    assertId(accountId, 'accountId');
    assertTime(options?.now, 'now');
    if (!Array.isArray(charges) || charges.length > 3) throw new MfaError('INVALID_ARGUMENT', 'charges must be an array of at most 3');
    for (const charge of charges) {
      if (charge === null || typeof charge !== 'object') throw new MfaError('INVALID_ARGUMENT', 'each charge must be { name, rule }');
      checkAttemptName(charge.name);
      checkAttemptRule(charge.rule);
    }
    const ids = options.withChallenges;
    if (ids !== undefined) {
      if (!Array.isArray(ids) || ids.length > 4) throw new MfaError('INVALID_ARGUMENT', 'withChallenges must be an array of at most 4 challenge ids');
      for (const id of ids) assertId(id, 'withChallenges[]');
    }
    if (options.withBackupCode !== undefined) assertId(options.withBackupCode, 'withBackupCode');
  },
  getAttempts: (accountId, name, now) => {
    assertId(accountId, 'accountId');
    checkAttemptName(name);
    assertTime(now, 'now');
  },
  clearAttempts: (accountId, names) => {
    assertId(accountId, 'accountId');
    if (names !== undefined) checkAttemptNames(names);
  },
};

function checkAttemptNames(names: readonly string[]): void {
  if (!Array.isArray(names)) throw new MfaError('INVALID_ARGUMENT', 'attempt record names must be an array');
  for (const name of names) checkAttemptName(name);
}

const CHECKED: unique symbol = Symbol('mfakit.checkedStore');

/**
 * Wraps a store so every contract method checks its arguments first (throwing
 * `MfaError('INVALID_ARGUMENT')`, as a rejected promise) and then calls the store's own method. The
 * result inherits from the store, so its other members (`pool`, `close`, …) stay reachable.
 * Wrapping a checked store returns it unchanged.
 *
 * @example
 * ```ts
 * export function createMyStore(options: MyStoreOptions): MyStore {
 *   return withArgumentChecks(new MyStore(options)); // MyStore's methods see only valid arguments
 * }
 * ```
 */
export function withArgumentChecks<S extends MfaStore>(store: S): S {
  if ((store as { [CHECKED]?: true })[CHECKED] === true) return store;
  const checked = Object.create(store) as S;
  for (const name of Object.keys(CHECKS) as (keyof MfaStore)[]) {
    const check = CHECKS[name] as (...args: unknown[]) => void;
    // Looked up at call time, so a method replaced on the store later (a test's spy) is the one called.
    const call = (...args: unknown[]): Promise<unknown> => {
      try {
        check(...args);
      } catch (error) {
        return Promise.reject(error);
      }
      return (store[name] as (...args: unknown[]) => Promise<unknown>).apply(store, args);
    };
    Object.defineProperty(checked, name, { value: call, writable: true, configurable: true, enumerable: true });
  }
  Object.defineProperty(checked, CHECKED, { value: true });
  return checked;
}
