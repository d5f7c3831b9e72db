/**
 * Verifying a typed backup code against the one stored record its id points to.
 * @module
 */
import { MfaError } from '../errors.js';
import { timingSafeEqual } from '../internal/bytes.js';
import { BACKUP_CODE_ALPHABET, BACKUP_CODE_GROUP_LENGTH, normaliseBackupCode } from './alphabet.js';
import { checkOptionsObject } from './generate.js';
import { backupCodeKdfInput, backupCodeSecretBits, checkPepper, type StoredBackupCode } from './hash.js';
import { parseBackupCodeHash, type BackupCodeHashInfo } from './hash-format.js';
import { DEFAULT_BACKUP_CODE_KDF, checkKdf, defaultBackupCodeKdf, deriveBackupCodeKey, kdfBelow, type BackupCodeKdf } from './kdf.js';

/**
 * Options of {@link verifyBackupCode} and {@link backupCodeNeedsRehash}.
 *
 * @example
 * ```ts
 * const options: BackupCodeVerifyOptions = { pepper, kdf: { algorithm: 'pbkdf2-sha256', iterations: 20_000 } };
 * ```
 */
export interface BackupCodeVerifyOptions {
  /** The server-side pepper the codes were hashed with, if any. */
  pepper?: Uint8Array;
  /**
   * The KDF new sets get now (pass what you pass to `createBackupCodes`). It never decides how a
   * stored hash is checked (the hash names its own parameters); it sets `needsRehash` and the
   * cost of the stand-in run for an unknown id. Default: {@link defaultBackupCodeKdf} of the typed
   * code's secret bits ({@link DEFAULT_BACKUP_CODE_KDF} for the default 80-bit code).
   */
  kdf?: BackupCodeKdf;
}

/**
 * Outcome of {@link verifyBackupCode}. On success, mark the record `id` used, atomically, before
 * granting anything (two parallel requests with one code must not both win). `needsRehash` says
 * the code's set was hashed below the current settings (another algorithm, a lower cost, no pepper
 * while one is configured now): offer the user a new set. The code itself is spent, so never
 * re-hash it in place; regenerating the set is what moves the user to the new settings.
 * - `malformed`: the input cannot be a backup code (no KDF was run);
 * - `not-found`: no record for this id (the caller passed `undefined`);
 * - `mismatch`: wrong code;
 * - `replayed`: right code, already used (the word the whole API uses for a reused code).
 *
 * @example
 * ```ts
 * const result: BackupCodeVerifyResult = await verifyBackupCode(input, record);
 * if (!result.ok) console.log(result.reason);
 * ```
 */
export type BackupCodeVerifyResult =
  | { ok: true; id: string; needsRehash: boolean }
  | { ok: false; reason: 'malformed' | 'not-found' | 'mismatch' | 'replayed' };

const ID_PATTERN = new RegExp(`^[${BACKUP_CODE_ALPHABET}]{${BACKUP_CODE_GROUP_LENGTH}}$`);
// Stands in for a missing record so that an unknown id costs the same KDF run as a known one.
const DUMMY_SALT = new Uint8Array(16);

function checkRecord(record: unknown): { id: string; usedAt: number | null; info: BackupCodeHashInfo } {
  if (typeof record !== 'object' || record === null) {
    throw new MfaError('INVALID_BACKUP_CODE_RECORD', 'backup code record must be an object');
  }
  const { id, hash, usedAt } = record as Record<string, unknown>;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new MfaError('INVALID_BACKUP_CODE_RECORD', 'backup code record id is malformed');
  }
  if (usedAt !== undefined && usedAt !== null && !(typeof usedAt === 'number' && Number.isFinite(usedAt))) {
    throw new MfaError('INVALID_BACKUP_CODE_RECORD', 'backup code record usedAt must be a number or null');
  }
  return { id, usedAt: (usedAt as number | null | undefined) ?? null, info: parseBackupCodeHash(hash as string) };
}

function needsRehash(info: BackupCodeHashInfo, current: BackupCodeKdf, pepper: Uint8Array | undefined): boolean {
  return kdfBelow(info.kdf, current) || info.hash.length < 32 || (pepper !== undefined && !info.peppered);
}

/**
 * Checks a typed backup code against the stored record of its id (look it up with
 * `backupCodeId(input)`; pass `undefined` when there is none). Costs exactly one KDF run whatever
 * the size of the set, also for an unknown id; compares in constant time. Returns the id to mark
 * used; this function never changes anything, the store does.
 *
 * The record is checked strictly first: a record with an unknown algorithm or parameters out of
 * bounds throws and never verifies. A record hashed with a pepper needs `options.pepper`.
 *
 * @throws MfaError `INVALID_ARGUMENT` / `INVALID_CODE` for hostile input (see normaliseBackupCode);
 *   `INVALID_BACKUP_CODE_RECORD` or `UNSUPPORTED_KDF` for a bad record; `INVALID_OPTION` when a
 *   peppered record is checked without the pepper.
 * @example
 * ```ts
 * const id = backupCodeId(input);
 * const record = id === null ? undefined : await store.findBackupCode(userId, id);
 * const result = await verifyBackupCode(input, record, { pepper });
 * if (result.ok && (await store.markBackupCodeUsed(userId, result.id))) signIn();
 * ```
 */
export async function verifyBackupCode(
  input: string,
  record: StoredBackupCode | undefined,
  optionsInput?: BackupCodeVerifyOptions,
): Promise<BackupCodeVerifyResult> {
  const options = checkOptionsObject(optionsInput);
  const pepper = checkPepper(options.pepper);
  const configured = options.kdf === undefined ? undefined : checkKdf(options.kdf, 'INVALID_OPTION');
  const stored = record === undefined ? undefined : checkRecord(record);
  const canonical = normaliseBackupCode(input);
  if (canonical === null) return { ok: false, reason: 'malformed' };
  const current = configured ?? defaultBackupCodeKdf(backupCodeSecretBits(canonical));

  if (stored === undefined) {
    await deriveBackupCodeKey(current, backupCodeKdfInput(canonical, pepper), DUMMY_SALT, 32);
    return { ok: false, reason: 'not-found' };
  }
  const { info } = stored;
  if (info.peppered && pepper === undefined) {
    throw new MfaError('INVALID_OPTION', 'this backup code was hashed with a pepper: pass options.pepper');
  }
  const derived = await deriveBackupCodeKey(
    info.kdf,
    backupCodeKdfInput(canonical, info.peppered ? pepper : undefined),
    info.salt,
    info.hash.length,
  );
  const hashMatches = timingSafeEqual(derived, info.hash);
  if (!hashMatches || canonical.slice(0, BACKUP_CODE_GROUP_LENGTH) !== stored.id) return { ok: false, reason: 'mismatch' };
  // Only someone holding the right code learns that it was used.
  if (stored.usedAt !== null) return { ok: false, reason: 'replayed' };
  return { ok: true, id: stored.id, needsRehash: needsRehash(info, current, pepper) };
}

/**
 * True when a stored record was hashed more cheaply than the current settings (other algorithm,
 * lower cost, shorter hash) or without the pepper now configured: the same test as
 * `needsRehash` in verifyBackupCode, without a code. Such a set moves to the current settings
 * when it is regenerated (never re-hash stored codes in place: you do not have them). Without
 * `options.kdf` the comparison is with {@link DEFAULT_BACKUP_CODE_KDF}, the default for 80-bit
 * codes (a record does not say how long its code was).
 *
 * @throws MfaError as verifyBackupCode for a bad record or options.
 * @example
 * ```ts
 * if (records.some((r) => backupCodeNeedsRehash(r, { pepper }))) suggestNewBackupCodes();
 * ```
 */
export function backupCodeNeedsRehash(record: StoredBackupCode, optionsInput?: BackupCodeVerifyOptions): boolean {
  const options = checkOptionsObject(optionsInput);
  const pepper = checkPepper(options.pepper);
  const current = checkKdf(options.kdf === undefined ? DEFAULT_BACKUP_CODE_KDF : options.kdf, 'INVALID_OPTION');
  return needsRehash(checkRecord(record).info, current, pepper);
}
