/**
 * Backup codes (NIST "look-up secrets"): generate a set, store only salted hashes, verify one typed
 * code with one KDF run.
 *
 * A code reads `7KQ2-M9XD-R4TW-AB00-K3PZ`: the first group is its id, stored in clear and used to
 * find the one record to check (like lucia's `id.secret` tokens); the other groups are the secret,
 * at least 64 random bits by default. The store marks the id used, atomically.
 *
 * @example
 * ```ts
 * import { createBackupCodes, backupCodeId, verifyBackupCode } from 'mfakit/backup-codes';
 * const { codes, records } = await createBackupCodes();
 * const input = codes[0]!.toLowerCase();
 * const record = records.find((r) => r.id === backupCodeId(input));
 * const result = await verifyBackupCode(input, record); // { ok: true, id: '…', needsRehash: false }
 * ```
 * @module mfakit/backup-codes
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export { BACKUP_CODE_ALPHABET, MIN_BACKUP_CODE_LENGTH, backupCodeId, normaliseBackupCode } from './alphabet.js';
export {
  DEFAULT_BACKUP_CODE_COUNT,
  DEFAULT_BACKUP_CODE_SECRET_BITS,
  MIN_BACKUP_CODE_SECRET_BITS,
  generateBackupCodes,
  type BackupCodeGenerationOptions,
} from './generate.js';
export {
  BACKUP_CODE_KDF_LIMITS,
  BACKUP_CODE_KDF_PRESETS,
  DEFAULT_BACKUP_CODE_KDF,
  LOW_ENTROPY_BACKUP_CODE_KDF,
  defaultBackupCodeKdf,
  type BackupCodeKdf,
} from './kdf.js';
export { parseBackupCodeHash, type BackupCodeHashInfo } from './hash-format.js';
export { hashBackupCode, type BackupCodeHashOptions, type StoredBackupCode } from './hash.js';
export {
  backupCodeNeedsRehash,
  verifyBackupCode,
  type BackupCodeVerifyOptions,
  type BackupCodeVerifyResult,
} from './verify.js';
export { createBackupCodes, type BackupCodeSet, type CreateBackupCodesOptions } from './create.js';
export { countRemainingBackupCodes } from './remaining.js';
export { useBackupCode, type UseBackupCodeOptions, type UseBackupCodeResult } from './use.js';
