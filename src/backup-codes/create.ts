/**
 * A new set of backup codes: the codes to show once, and the records to store.
 * @module
 */
import { checkOptionsObject, generateBackupCodes, type BackupCodeGenerationOptions } from './generate.js';
import { hashBackupCode, type BackupCodeHashOptions, type StoredBackupCode } from './hash.js';

/**
 * Options of {@link createBackupCodes}: generation (`count`, `secretBits`, `random`) and hashing
 * (`kdf`, `pepper`).
 *
 * @example
 * ```ts
 * const options: CreateBackupCodesOptions = { count: 10, pepper };
 * ```
 */
export interface CreateBackupCodesOptions extends BackupCodeGenerationOptions, Omit<BackupCodeHashOptions, 'random'> {}

/**
 * A freshly created set: `codes` to show the user once (never store them), `records` to store in
 * the same order. Regenerating means storing the new records in place of every old one.
 *
 * @example
 * ```ts
 * const set: BackupCodeSet = await createBackupCodes();
 * set.codes.length === set.records.length; // true
 * ```
 */
export interface BackupCodeSet {
  codes: string[];
  records: StoredBackupCode[];
}

/**
 * Creates a set of backup codes (10 by default, at least 64 secret bits each) and their salted
 * hashes. Takes one KDF run per code (about 20 ms for 10 default codes: PBKDF2-SHA256, 10,000
 * iterations each; see DEFAULT_BACKUP_CODE_KDF). To
 * regenerate, replace the whole stored set with `records`: every earlier code stops working.
 *
 * @throws MfaError `INVALID_OPTION` or `UNSUPPORTED_KDF` for bad options.
 * @example
 * ```ts
 * const { codes, records } = await createBackupCodes({ pepper });
 * await store.replaceBackupCodes(userId, records); // old set gone
 * showOnce(codes); // ['7KQ2-M9XD-R4TW-AB00-K3PZ', …]
 * ```
 */
export async function createBackupCodes(optionsInput?: CreateBackupCodesOptions): Promise<BackupCodeSet> {
  const options = checkOptionsObject(optionsInput);
  const codes = generateBackupCodes(options);
  // PBKDF2 (the default) runs natively off the main thread where WebCrypto allows: hash the codes
  // at once. Memory-hard KDFs run in JavaScript on this thread, so at once would only hold all
  // their memory together: one after the other. Salts are drawn in code order either way.
  if (options.kdf === undefined || options.kdf.algorithm === 'pbkdf2-sha256') {
    return { codes, records: await Promise.all(codes.map((code) => hashBackupCode(code, options))) };
  }
  const records: StoredBackupCode[] = [];
  for (const code of codes) records.push(await hashBackupCode(code, options));
  return { codes, records };
}
