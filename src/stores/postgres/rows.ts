/**
 * Rows to records: every column arrives as text (see `db.ts`) and is checked on the way out.
 * @module
 */
import { storeCorrupt, storedInteger } from '../../store/codec.js';
import { accountFromRow, attemptFromRow, backupCodeFromRow, challengeFromRow, counterFromRow, enrolmentFromRow, factorFromRow } from '../../store/rows.js';
import type { TextRow } from './db.js';
import type { MfaAttemptCharge } from '../../store/attempts.js';
import type { MfaBackupCodeRecord, MfaChallengeRecord } from '../../store/records.js';

export { accountFromRow, attemptFromRow, backupCodeFromRow, challengeFromRow, counterFromRow, enrolmentFromRow, factorFromRow };

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
