/**
 * Rows to records: every column is checked on the way out (drivers hand back numbers, bigints or
 * strings for integers, depending on their settings).
 * @module
 */
import { storedInteger } from '../../store/codec.js';
import type { Row } from '../../store/rows.js';

export {
  accountFromRow,
  attemptFromRow,
  backupCodeFromRow,
  challengeFromRow,
  counterFromRow,
  enrolmentFromRow,
  factorFromRow,
  type Row,
} from '../../store/rows.js';

export const ACCOUNT_COLUMNS = 'v, id, created_at, updated_at, revision, data';
export const FACTOR_COLUMNS = 'v, id, account_id, kind, role, name, created_at, last_used_at, last_step, revision, data';
export const ENROLMENT_COLUMNS = 'v, id, account_id, kind, role, name, created_at, expires_at, replaces_factor_id, data';
export const CODE_COLUMNS = 'v, account_id, set_id, id, hash, created_at';
export const CHALLENGE_COLUMNS = 'v, id, account_id, purpose, data, created_at, expires_at, revision';

/** An integer column of the first row (`COUNT(*)`, a guard's reason), 0 when there is no row. */
export function integerFrom(rows: readonly Row[] | undefined, column: string): number {
  return storedInteger(rows?.[0]?.[column] ?? 0, 'counter', column);
}
