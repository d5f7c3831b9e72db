/**
 * Hashing one backup code into the record a store keeps.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { secureRandom, utf8ToBytes, type RandomSource } from '../internal/bytes.js';
import { BACKUP_CODE_GROUP_LENGTH, normaliseBackupCode } from './alphabet.js';
import { checkOptionsObject } from './generate.js';
import { formatBackupCodeHash } from './hash-format.js';
import { checkKdf, defaultBackupCodeKdf, deriveBackupCodeKey, type BackupCodeKdf } from './kdf.js';

/**
 * What a store keeps for one backup code: the id (the code's first group, in clear) and a
 * self-describing salted hash. `usedAt` (ms since epoch) is set by the store when the code is
 * consumed; a record with `usedAt` never verifies again.
 *
 * @example
 * ```ts
 * const record: StoredBackupCode = { id: '7KQ2', hash: '$scrypt$ln=14,r=8,p=1$…$…' };
 * ```
 */
export interface StoredBackupCode {
  /** The code's lookup part (first group), upper-case Crockford base32. Not secret. */
  id: string;
  /** PHC-style string: algorithm, parameters, salt and hash (see parseBackupCodeHash). */
  hash: string;
  /** When the code was used, if it was. */
  usedAt?: number | null;
}

/**
 * Options of {@link hashBackupCode}.
 *
 * @example
 * ```ts
 * const options: BackupCodeHashOptions = { pepper: env.BACKUP_CODE_PEPPER, kdf: BACKUP_CODE_KDF_PRESETS.argon2id };
 * ```
 */
export interface BackupCodeHashOptions {
  /**
   * Key-derivation function and cost. Default: {@link defaultBackupCodeKdf} of the code's secret
   * bits (PBKDF2-SHA256, 10,000 iterations for the default 80-bit code). Pass a higher cost here,
   * or another algorithm (BACKUP_CODE_KDF_PRESETS), if you want one.
   */
  kdf?: BackupCodeKdf;
  /**
   * Server-side secret (at least 16 bytes) mixed in with HMAC-SHA256 before the KDF. Keep it out of
   * the database (environment, KMS): a stolen table is then useless without it.
   */
  pepper?: Uint8Array;
  /** Randomness for the salt; `crypto.getRandomValues` by default. */
  random?: RandomSource;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** Checks an optional pepper. @internal */
export function checkPepper(pepper: unknown): Uint8Array | undefined {
  if (pepper === undefined) return undefined;
  if (!(pepper instanceof Uint8Array) || pepper.length < 16 || pepper.length > 1024) {
    throw new MfaError('INVALID_OPTION', 'pepper must be a Uint8Array of 16 to 1024 bytes');
  }
  return pepper;
}

/** Secret bits of a canonical code: 5 per character after the id group. @internal */
export function backupCodeSecretBits(canonical: string): number {
  return (canonical.length - BACKUP_CODE_GROUP_LENGTH) * 5;
}

/** The bytes the KDF sees: the canonical code, keyed with the pepper when there is one. @internal */
export function backupCodeKdfInput(canonical: string, pepper: Uint8Array | undefined): Uint8Array {
  const bytes = utf8ToBytes(canonical);
  return pepper === undefined ? bytes : hmac(sha256, pepper, bytes);
}

/**
 * Hashes one backup code into a {@link StoredBackupCode}: a fresh 128-bit salt, the KDF, and the
 * parameters written next to the hash. `createBackupCodes` calls this for each code. A code is
 * used once, so there is no point re-hashing one after it verified: to move a user to new
 * settings, create a new set (see `needsRehash` in verifyBackupCode).
 *
 * @throws MfaError `INVALID_CODE` when `code` is not a backup code; `INVALID_OPTION` or
 *   `UNSUPPORTED_KDF` for bad options.
 * @example
 * ```ts
 * const record = await hashBackupCode('7KQ2-M9XD-R4TW-AB00-K3PZ', { pepper });
 * record.hash; // '$pbkdf2-sha256$i=10000,pepper=1$…$…'
 * ```
 */
export async function hashBackupCode(code: string, optionsInput?: BackupCodeHashOptions): Promise<StoredBackupCode> {
  const options = checkOptionsObject(optionsInput);
  const canonical = normaliseBackupCode(code);
  if (canonical === null) throw new MfaError('INVALID_CODE', 'not a backup code');
  const kdf = checkKdf(options.kdf === undefined ? defaultBackupCodeKdf(backupCodeSecretBits(canonical)) : options.kdf, 'INVALID_OPTION');
  const pepper = checkPepper(options.pepper);
  const salt = (options.random ?? secureRandom)(SALT_BYTES);
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_BYTES) {
    throw new MfaError('INVALID_OPTION', 'random must return a Uint8Array of the requested length');
  }
  const hash = await deriveBackupCodeKey(kdf, backupCodeKdfInput(canonical, pepper), salt, HASH_BYTES);
  return {
    id: canonical.slice(0, BACKUP_CODE_GROUP_LENGTH),
    hash: formatBackupCodeHash({ kdf, peppered: pepper !== undefined, salt, hash }),
  };
}
