/**
 * SQL rows to records: the snake_case columns every SQL store (the PostgreSQL store, the Kysely
 * SQL store) keeps, checked on the way out by the record codec. A driver may hand integers back as
 * numbers, bigints or text: the codec accepts each and refuses anything else.
 * @module
 */
import type { MfaAttemptState } from './attempts.js';
import { decodeAccount, decodeBackupCode, decodeChallenge, decodeEnrolment, decodeFactor, storedInteger, storedIntegerOrNull } from './codec.js';
import type { MfaAccountRecord, MfaBackupCodeRecord, MfaChallengeRecord, MfaCounterState, MfaEnrolmentRecord, MfaFactorRecord } from './records.js';

/** One row as a driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

/** An account row (`v, id, created_at, updated_at, revision, data`). */
export function accountFromRow(r: Row): MfaAccountRecord {
  return decodeAccount({ v: r['v'], id: r['id'], createdAt: r['created_at'], updatedAt: r['updated_at'], revision: r['revision'], data: r['data'] });
}

/** A factor row. */
export function factorFromRow(r: Row): MfaFactorRecord {
  return decodeFactor({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], lastUsedAt: r['last_used_at'], lastStep: r['last_step'], revision: r['revision'], data: r['data'],
  });
}

/** A pending enrolment row. */
export function enrolmentFromRow(r: Row): MfaEnrolmentRecord {
  return decodeEnrolment({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], expiresAt: r['expires_at'], replacesFactorId: r['replaces_factor_id'], data: r['data'],
  });
}

/** A backup-code row. */
export function backupCodeFromRow(r: Row): MfaBackupCodeRecord {
  return decodeBackupCode({ v: r['v'], accountId: r['account_id'], setId: r['set_id'], id: r['id'], hash: r['hash'], createdAt: r['created_at'] });
}

/** A challenge row. */
export function challengeFromRow(r: Row): MfaChallengeRecord {
  return decodeChallenge({
    v: r['v'], id: r['id'], accountId: r['account_id'], purpose: r['purpose'], data: r['data'],
    createdAt: r['created_at'], expiresAt: r['expires_at'], revision: r['revision'],
  });
}

/** A counter row; `previousColumn` is `prior_at` after an increment, `last_at` on a read. */
export function counterFromRow(r: Row, previousColumn: 'prior_at' | 'last_at'): MfaCounterState {
  return {
    count: storedInteger(r['count'], 'counter', 'count'),
    expiresAt: storedInteger(r['expires_at'], 'counter', 'expiresAt'),
    previousAt: storedIntegerOrNull(r[previousColumn], 'counter', 'previousAt'),
  };
}

/** An attempt record's columns (`count`, `last_at`, `expires_at`), each behind `prefix` if given. */
export function attemptFromRow(r: Row, prefix = ''): MfaAttemptState {
  return {
    count: storedInteger(r[`${prefix}count`], 'counter', 'count'),
    lastAt: storedIntegerOrNull(r[`${prefix}last_at`], 'counter', 'lastAt'),
    expiresAt: storedInteger(r[`${prefix}expires_at`], 'counter', 'expiresAt'),
  };
}
