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
  storeCorrupt,
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

/** A JSON array of text values (a `json_build_array` of `::text` columns), as a text row. */
function jsonRow(values: unknown, columns: readonly string[], what: 'challenge' | 'backup-code'): TextRow {
  if (!Array.isArray(values) || values.length !== columns.length) throw storeCorrupt(what, 'row', 'is not the expected JSON array');
  const row: TextRow = {};
  columns.forEach((c, i) => {
    const v = values[i];
    row[c] = v === null || v === undefined ? null : String(v);
  });
  return row;
}

const CHALLENGE_JSON = ['v', 'id', 'account_id', 'purpose', 'data', 'created_at', 'expires_at', 'revision'] as const;
const CODE_JSON = ['v', 'set_id', 'id', 'hash', 'created_at'] as const;

/**
 * The reads a login's charge statement (`chargeAttempts…FL`) makes beside the charges: the asked
 * challenges in the order asked (`null` when absent or expired) and the backup code with the count.
 */
export function loginReadsFromRow(
  r: TextRow,
  accountId: string,
  asked: { readonly withChallenges?: readonly string[]; readonly withBackupCode?: string },
): { challenges?: (MfaChallengeRecord | null)[]; backupCode?: { record: MfaBackupCodeRecord | null; count: number } } {
  const out: { challenges?: (MfaChallengeRecord | null)[]; backupCode?: { record: MfaBackupCodeRecord | null; count: number } } = {};
  if (asked.withChallenges !== undefined) {
    const text = r['read_challenges'];
    const found = new Map<string, MfaChallengeRecord>();
    if (text !== null && text !== undefined) {
      const list: unknown = JSON.parse(text);
      if (!Array.isArray(list)) throw storeCorrupt('challenge', 'row', 'is not a JSON array');
      for (const values of list) {
        const record = challengeFromRow(jsonRow(values, CHALLENGE_JSON, 'challenge'));
        found.set(record.id, record);
      }
    }
    out.challenges = asked.withChallenges.map((id) => found.get(id) ?? null);
  }
  if (asked.withBackupCode !== undefined) {
    const text = r['read_code'];
    const record = text === null || text === undefined ? null : backupCodeFromRow({ ...jsonRow(JSON.parse(text), CODE_JSON, 'backup-code'), account_id: accountId });
    out.backupCode = { record, count: storedInteger(r['read_code_count'], 'backup-code', 'count') };
  }
  return out;
}
