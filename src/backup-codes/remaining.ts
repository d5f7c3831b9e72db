/**
 * How many backup codes a user has left.
 * @module
 */
import { MfaError } from '../errors.js';
import type { StoredBackupCode } from './hash.js';

/**
 * Counts the records not yet used (no `usedAt`), for "you have 2 backup codes left" warnings.
 *
 * @example
 * ```ts
 * if (countRemainingBackupCodes(records) <= 2) suggestRegenerating();
 * ```
 */
export function countRemainingBackupCodes(records: readonly Pick<StoredBackupCode, 'usedAt'>[]): number {
  if (!Array.isArray(records)) throw new MfaError('INVALID_ARGUMENT', 'records must be an array');
  let remaining = 0;
  for (const record of records) if (record.usedAt === undefined || record.usedAt === null) remaining++;
  return remaining;
}
