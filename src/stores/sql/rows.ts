/**
 * Rows to records: every column is checked on the way out (drivers hand back numbers, bigints or
 * strings for integers, depending on their settings).
 * @module
 */
import type { MfaAttemptState } from '../../store/attempts.js';
import {
  decodeAccount,
  decodeBackupCode,
  decodeChallenge,
  decodeEnrolment,
  decodeFactor,
  storedInteger,
  storedIntegerOrNull,
} from '../../store/codec.js';
import type { MfaAccountRecord, MfaBackupCodeRecord, MfaChallengeRecord, MfaCounterState, MfaEnrolmentRecord, MfaFactorRecord } from '../../store/records.js';

/** One row as a driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

export const ACCOUNT_COLUMNS = 'v, id, created_at, updated_at, revision, data';
export const FACTOR_COLUMNS = 'v, id, account_id, kind, role, name, created_at, last_used_at, last_step, revision, data';
export const ENROLMENT_COLUMNS = 'v, id, account_id, kind, role, name, created_at, expires_at, replaces_factor_id, data';
export const CODE_COLUMNS = 'v, account_id, set_id, id, hash, created_at';
export const CHALLENGE_COLUMNS = 'v, id, account_id, purpose, data, created_at, expires_at, revision';

export function accountFromRow(r: Row): MfaAccountRecord {
  return decodeAccount({ v: r['v'], id: r['id'], createdAt: r['created_at'], updatedAt: r['updated_at'], revision: r['revision'], data: r['data'] });
}

export function factorFromRow(r: Row): MfaFactorRecord {
  return decodeFactor({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], lastUsedAt: r['last_used_at'], lastStep: r['last_step'], revision: r['revision'], data: r['data'],
  });
}

export function enrolmentFromRow(r: Row): MfaEnrolmentRecord {
  return decodeEnrolment({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], expiresAt: r['expires_at'], replacesFactorId: r['replaces_factor_id'], data: r['data'],
  });
}

export function backupCodeFromRow(r: Row): MfaBackupCodeRecord {
  return decodeBackupCode({ v: r['v'], accountId: r['account_id'], setId: r['set_id'], id: r['id'], hash: r['hash'], createdAt: r['created_at'] });
}

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

/** An attempt record's row (`count`, `last_at`, `expires_at`). */
export function attemptFromRow(r: Row): MfaAttemptState {
  return {
    count: storedInteger(r['count'], 'counter', 'count'),
    lastAt: storedIntegerOrNull(r['last_at'], 'counter', 'lastAt'),
    expiresAt: storedInteger(r['expires_at'], 'counter', 'expiresAt'),
  };
}

/** An integer column of the first row (`COUNT(*)`, a guard's reason), 0 when there is no row. */
export function integerFrom(rows: readonly Row[] | undefined, column: string): number {
  return storedInteger(rows?.[0]?.[column] ?? 0, 'counter', column);
}
