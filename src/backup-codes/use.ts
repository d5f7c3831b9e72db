/**
 * The step every app without the service writes by hand: find the stored record a typed code points
 * to, verify it, and mark it used.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { MfaError } from '../errors.js';
import { backupCodeId } from './alphabet.js';
import type { StoredBackupCode } from './hash.js';
import { verifyBackupCode, type BackupCodeVerifyOptions, type BackupCodeVerifyResult } from './verify.js';

/**
 * Options of {@link useBackupCode}: those of `verifyBackupCode`, and the clock that stamps `usedAt`.
 *
 * @example
 * ```ts
 * const options: UseBackupCodeOptions = { pepper, now: () => Date.now() };
 * ```
 */
export interface UseBackupCodeOptions extends BackupCodeVerifyOptions {
  /** Stamps `usedAt`; default `Date.now`. */
  now?: Clock;
}

/**
 * Outcome of {@link useBackupCode}. On success, `record` is the matched record marked used (`usedAt`
 * set; a copy, the input is not changed) and `records` the whole set with it replaced: persist it,
 * atomically (compare-and-set on the row, or `UPDATE … WHERE used_at IS NULL`), before granting
 * anything. Failures are those of `verifyBackupCode`.
 *
 * @example
 * ```ts
 * const result: UseBackupCodeResult<StoredBackupCode> = await useBackupCode(input, user.backupCodes);
 * if (result.ok) await db.markUsed(user.id, result.record.id, result.record.usedAt);
 * ```
 */
export type UseBackupCodeResult<R extends StoredBackupCode> =
  | { ok: true; id: string; needsRehash: boolean; record: R & { usedAt: number }; records: R[] }
  | Extract<BackupCodeVerifyResult, { ok: false }>;

/**
 * Picks the stored record a typed code points to (by its id, one KDF run), verifies the code, and
 * returns the record marked used. A used record is `replayed`; an unknown id is `not-found` after
 * the same KDF cost as a known one.
 *
 * @example
 * ```ts
 * import { createBackupCodes, useBackupCode } from 'mfakit/backup-codes';
 * const { codes, records } = await createBackupCodes();
 * const first = await useBackupCode(codes[0]!, records);   // ok: true, first.record.usedAt set
 * const again = await useBackupCode(codes[0]!, first.ok ? first.records : records); // reason: 'replayed'
 * ```
 */
export async function useBackupCode<R extends StoredBackupCode>(
  input: string,
  records: readonly R[],
  options: UseBackupCodeOptions = {},
): Promise<UseBackupCodeResult<R>> {
  if (!Array.isArray(records)) throw new MfaError('INVALID_ARGUMENT', 'records must be an array of stored backup codes');
  const { now = systemClock, ...verifyOptions } = options ?? {};
  if (typeof now !== 'function') throw new MfaError('INVALID_OPTION', 'now must be a function returning milliseconds');
  const id = backupCodeId(input);
  if (id === null) return { ok: false, reason: 'malformed' }; // cannot be a code: no KDF run
  const record = records.find((r) => r.id === id);
  const result = await verifyBackupCode(input, record, verifyOptions);
  if (!result.ok || record === undefined) return result.ok ? { ok: false, reason: 'not-found' } : result;
  const used = { ...record, usedAt: now() };
  return { ok: true, id: result.id, needsRehash: result.needsRehash, record: used, records: records.map((r) => (r === record ? used : r)) };
}
