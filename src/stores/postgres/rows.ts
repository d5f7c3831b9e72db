/**
 * Rows to records: every column arrives as text (see `db.ts`) and is checked on the way out.
 * @module
 */
import type { MfaAccountRecord, MfaBackupCodeRecord, MfaChallengeRecord, MfaCounterState, MfaEnrolmentRecord, MfaFactorRecord } from '../../store/records.js';
import {
  decodeAccount,
  decodeBackupCode,
  decodeChallenge,
  decodeEnrolment,
  decodeFactor,
  storedInteger,
  storedIntegerOrNull,
} from '../../store/codec.js';
import type { TextRow } from './db.js';
import type { MfaAttemptCharge, MfaAttemptState } from '../../store/attempts.js';

export function accountFromRow(r: TextRow): MfaAccountRecord {
  return decodeAccount({ v: r['v'], id: r['id'], createdAt: r['created_at'], updatedAt: r['updated_at'], revision: r['revision'], data: r['data'] });
}

export function factorFromRow(r: TextRow): MfaFactorRecord {
  return decodeFactor({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], lastUsedAt: r['last_used_at'], lastStep: r['last_step'], revision: r['revision'], data: r['data'],
  });
}

export function enrolmentFromRow(r: TextRow): MfaEnrolmentRecord {
  return decodeEnrolment({
    v: r['v'], id: r['id'], accountId: r['account_id'], kind: r['kind'], role: r['role'], name: r['name'],
    createdAt: r['created_at'], expiresAt: r['expires_at'], replacesFactorId: r['replaces_factor_id'], data: r['data'],
  });
}

export function backupCodeFromRow(r: TextRow): MfaBackupCodeRecord {
  return decodeBackupCode({ v: r['v'], accountId: r['account_id'], setId: r['set_id'], id: r['id'], hash: r['hash'], createdAt: r['created_at'] });
}

export function challengeFromRow(r: TextRow): MfaChallengeRecord {
  return decodeChallenge({
    v: r['v'], id: r['id'], accountId: r['account_id'], purpose: r['purpose'], data: r['data'],
    createdAt: r['created_at'], expiresAt: r['expires_at'], revision: r['revision'],
  });
}

/** A counter row; `previousColumn` is `prior_at` after an increment, `last_at` on a read. */
export function counterFromRow(r: TextRow, previousColumn: 'prior_at' | 'last_at'): MfaCounterState {
  return {
    count: storedInteger(r['count'], 'counter', 'count'),
    expiresAt: storedInteger(r['expires_at'], 'counter', 'expiresAt'),
    previousAt: storedIntegerOrNull(r[previousColumn], 'counter', 'previousAt'),
  };
}

/** An attempt record's row (`count`, `last_at`, `expires_at`). */
export function attemptFromRow(r: TextRow, prefix = ''): MfaAttemptState {
  return {
    count: storedInteger(r[`${prefix}count`], 'counter', 'count'),
    lastAt: storedIntegerOrNull(r[`${prefix}last_at`], 'counter', 'lastAt'),
    expiresAt: storedInteger(r[`${prefix}expires_at`], 'counter', 'expiresAt'),
  };
}

/** One charge's outcome from the charge statement's `c<i>_*` columns, or `null` when not charged. */
export function chargeFromRow(r: TextRow, prefix: string): MfaAttemptCharge | null {
  const refused = r[`${prefix}refused`];
  if (refused === null || refused === undefined) return null;
  return { allowed: refused === 'f', ...attemptFromRow(r, prefix) };
}

/** The `count(*)`-style integer of a one-row result. */
export function countFrom(rows: TextRow[], column: string): number {
  return storedInteger(rows[0]?.[column] ?? '0', 'counter', column);
}
