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
import { assertRecordVersion, type MfaBackupCodeRecord } from './records.js';

/** How one argument, or one field of a record argument, is checked: its value and its name. */
type Check = (value: unknown, name: string) => void;

const id: Check = assertId;
const integer: Check = assertSafeInteger;
const time: Check = assertTime;
const attemptName: Check = (value) => checkAttemptName(value);
/** `null` (and, for `nullish`, `undefined`) passes; anything else must pass `check`. */
const orNull = (check: Check): Check => (value, name) => value === null || check(value, name);
const nullish = (check: Check): Check => (value, name) => value == null || check(value, name);

type RecordKind = Parameters<typeof assertRecordVersion>[1];

/** A record of this schema version (checked first), then its fields in the listed order, named `<prefix>.<field>`. */
function checkRecord(record: unknown, kind: RecordKind, fields: Readonly<Record<string, Check>>, prefix = 'record'): void {
  assertRecordVersion(record, kind);
  for (const [field, check] of Object.entries(fields)) check((record as Record<string, unknown>)[field], `${prefix}.${field}`);
}

/** A method's positional arguments, each checked under its name, in order. */
function positional(checks: Readonly<Record<string, Check>>): (...args: unknown[]) => void {
  const entries = Object.entries(checks);
  return (...args) => entries.forEach(([name, check], index) => check(args[index], name));
}

const ACCOUNT = { id, createdAt: integer, updatedAt: integer, revision: integer };
const FACTOR = { id, accountId: id, createdAt: integer, lastStep: integer, revision: integer, lastUsedAt: orNull(integer) };
const ENROLMENT = { accountId: id, id, createdAt: integer, expiresAt: integer };
const CHALLENGE = { id, purpose: id, accountId: orNull(id), createdAt: integer, expiresAt: integer, revision: integer };
const BACKUP_CODE = { id, createdAt: integer };

function checkCodes(accountId: string, codes: readonly MfaBackupCodeRecord[]): void {
  if (!Array.isArray(codes)) throw new MfaError('INVALID_ARGUMENT', 'codes must be an array');
  for (const code of codes) {
    assertRecordVersion(code, 'backup-code');
    if (code.accountId !== accountId) throw new MfaError('INVALID_ARGUMENT', 'backup codes must belong to the account');
    checkRecord(code, 'backup-code', BACKUP_CODE, 'code');
  }
}

function checkActivation(input: ActivateEnrolmentInput): void {
  if (input === null || typeof input !== 'object') throw new MfaError('INVALID_ARGUMENT', 'input must be an object');
  assertId(input.accountId, 'accountId');
  assertId(input.enrolmentId, 'enrolmentId');
  checkRecord(input.factor, 'factor', FACTOR);
  assertTime(input.now, 'now');
  if (input.factor.id !== input.enrolmentId || input.factor.accountId !== input.accountId) {
    throw new MfaError('INVALID_ARGUMENT', 'the factor must carry the enrolment id and account id');
  }
  if (input.backupCodes !== undefined) checkCodes(input.accountId, input.backupCodes);
  nullish(id)(input.replacesFactorId, 'replacesFactorId');
}

function checkAttemptNames(names: readonly string[]): void {
  if (!Array.isArray(names)) throw new MfaError('INVALID_ARGUMENT', 'attempt record names must be an array');
  for (const name of names) checkAttemptName(name);
}

/** One check per contract method, taking that method's arguments. A new method needs its entry here. */
type ArgumentChecks = { readonly [K in keyof MfaStore]-?: (...args: Parameters<MfaStore[K]>) => void };

const byAccount = positional({ accountId: id });
const byFactor = positional({ accountId: id, factorId: id });
const byEnrolment = positional({ accountId: id, enrolmentId: id });
const byBackupCode = positional({ accountId: id, codeId: id });
const stepArguments = positional({ accountId: id, factorId: id, step: integer, usedAt: time });
const revisionAndTime = positional({ expectedRevision: integer, now: time });

const CHECKS: ArgumentChecks = {
  getAccount: byAccount,
  createAccount: (record) => checkRecord(record, 'account', ACCOUNT),
  compareAndSetAccount: (record, expectedRevision) => {
    checkRecord(record, 'account', { id, updatedAt: integer });
    assertSafeInteger(expectedRevision, 'expectedRevision');
  },
  deleteAccount: byAccount,

  listFactors: byAccount,
  getFactor: byFactor,
  insertFactor: (record) => checkRecord(record, 'factor', FACTOR),
  compareAndSetFactor: (record, expectedRevision) => {
    checkRecord(record, 'factor', { accountId: id, id });
    assertSafeInteger(expectedRevision, 'expectedRevision');
  },
  advanceFactorStep: (accountId, factorId, step, usedAt, options) => {
    stepArguments(accountId, factorId, step, usedAt);
    if (options?.clearAttempts !== undefined) checkAttemptNames(options.clearAttempts);
  },
  deleteFactor: (accountId, factorId, options) => {
    byFactor(accountId, factorId);
    const minimum = options?.minRemainingLoginFactors;
    if (minimum !== undefined) assertSafeInteger(minimum, 'minRemainingLoginFactors');
  },
  deleteLoginFactors: byAccount,
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

  putEnrolment: (record) => checkRecord(record, 'enrolment', ENROLMENT),
  getEnrolment: byEnrolment,
  deleteEnrolment: byEnrolment,
  activateEnrolment: (input) => checkActivation(input),

  replaceBackupCodes: (accountId, codes) => {
    assertId(accountId, 'accountId');
    checkCodes(accountId, codes);
  },
  getBackupCode: byBackupCode,
  consumeBackupCode: (accountId, codeId, options) => {
    byBackupCode(accountId, codeId);
    if (options?.clearAttempts !== undefined) checkAttemptNames(options.clearAttempts);
    if (options?.tombstone !== undefined) checkRecord(options.tombstone, 'challenge', CHALLENGE, 'tombstone');
  },
  countBackupCodes: byAccount,

  putChallenge: (record) => checkRecord(record, 'challenge', CHALLENGE),
  getChallenge: positional({ challengeId: id, now: time }),
  consumeChallenge: (challengeId, options) => {
    assertId(challengeId, 'challengeId');
    assertId(options?.purpose, 'purpose');
    assertTime(options.now, 'now');
  },
  compareAndSetChallenge: (record, expectedRevision, now) => {
    checkRecord(record, 'challenge', { id, expiresAt: integer });
    revisionAndTime(expectedRevision, now);
  },
  deleteChallenges: positional({ accountId: id, purpose: id }),
  listChallenges: positional({ accountId: id, purpose: id, now: time }),

  incrementCounter: (key, options) => {
    assertId(key, 'key');
    assertTime(options?.now, 'now');
    if (!(typeof options.ttlMs === 'number' && options.ttlMs > 0 && Number.isFinite(options.ttlMs))) {
      throw new MfaError('INVALID_ARGUMENT', 'ttlMs must be a positive number of milliseconds');
    }
  },
  getCounter: positional({ key: id, now: time }),

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
      for (const challengeId of ids) assertId(challengeId, 'withChallenges[]');
    }
    if (options.withBackupCode !== undefined) assertId(options.withBackupCode, 'withBackupCode');
  },
  getAttempts: positional({ accountId: id, name: attemptName, now: time }),
  clearAttempts: (accountId, names) => {
    assertId(accountId, 'accountId');
    if (names !== undefined) checkAttemptNames(names);
  },
};

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
