/**
 * The stored form of a backup-code hash: a PHC-style string that names its algorithm, parameters,
 * salt and hash, so a later change of defaults leaves older hashes verifiable.
 *
 * ```
 * $scrypt$ln=14,r=8,p=1$<salt>$<hash>
 * $pbkdf2-sha256$i=50000$<salt>$<hash>
 * $argon2id$v=19$m=8192,t=2,p=1$<salt>$<hash>
 * ```
 * Salt and hash are unpadded standard base64. A `,pepper=1` parameter follows the cost parameters
 * when a server-side pepper was mixed in. Parsing is strict: exact field order, canonical decimals,
 * canonical base64, every value within BACKUP_CODE_KDF_LIMITS; anything else throws.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from '../internal/bytes.js';
import { BACKUP_CODE_KDF_LIMITS, checkKdf, type BackupCodeKdf } from './kdf.js';

/**
 * A stored backup-code hash, parsed.
 *
 * @example
 * ```ts
 * const info: BackupCodeHashInfo = parseBackupCodeHash(record.hash);
 * info.kdf.algorithm; // 'scrypt'
 * ```
 */
export interface BackupCodeHashInfo {
  /** Algorithm and cost parameters. */
  kdf: BackupCodeKdf;
  /** True when a server-side pepper was mixed in before the KDF. */
  peppered: boolean;
  /** The per-code random salt. */
  salt: Uint8Array;
  /** The derived key. */
  hash: Uint8Array;
}

const MAX_HASH_STRING_LENGTH = 400;
const B64 = '[A-Za-z0-9+/]{22,86}';
const NUM = '(0|[1-9][0-9]{0,8})';
const SCRYPT = new RegExp(`^\\$scrypt\\$ln=${NUM},r=${NUM},p=${NUM}(,pepper=1)?\\$(${B64})\\$(${B64})$`);
const PBKDF2 = new RegExp(`^\\$pbkdf2-sha256\\$i=${NUM}(,pepper=1)?\\$(${B64})\\$(${B64})$`);
const ARGON2ID = new RegExp(`^\\$argon2id\\$v=19\\$m=${NUM},t=${NUM},p=${NUM}(,pepper=1)?\\$(${B64})\\$(${B64})$`);

function unpaddedBase64(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/=+$/, '');
}

/** Encodes a hash in the stored form. @internal */
export function formatBackupCodeHash(info: BackupCodeHashInfo): string {
  const kdf = info.kdf;
  const pepper = info.peppered ? ',pepper=1' : '';
  const tail = `${pepper}$${unpaddedBase64(info.salt)}$${unpaddedBase64(info.hash)}`;
  switch (kdf.algorithm) {
    case 'scrypt':
      return `$scrypt$ln=${Math.log2(kdf.N)},r=${kdf.r},p=${kdf.p}${tail}`;
    case 'pbkdf2-sha256':
      return `$pbkdf2-sha256$i=${kdf.iterations}${tail}`;
    case 'argon2id':
      return `$argon2id$v=19$m=${kdf.m},t=${kdf.t},p=${kdf.p}${tail}`;
  }
}

function bad(message: string): never {
  throw new MfaError('INVALID_BACKUP_CODE_RECORD', message);
}

function decodeField(text: string, name: 'salt' | 'hash'): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text);
  } catch (cause) {
    throw new MfaError('INVALID_BACKUP_CODE_RECORD', `stored ${name} is not canonical base64`, { cause });
  }
  const limits = name === 'salt' ? BACKUP_CODE_KDF_LIMITS.saltBytes : BACKUP_CODE_KDF_LIMITS.hashBytes;
  if (bytes.length < limits.min || bytes.length > limits.max) bad(`stored ${name} must be ${limits.min} to ${limits.max} bytes`);
  // Reject a trailing-bits variant that decodes to the same bytes: one hash, one spelling.
  if (unpaddedBase64(bytes) !== text) bad(`stored ${name} is not canonical base64`);
  return bytes;
}

/**
 * Parses and checks a stored backup-code hash. Never runs the KDF.
 *
 * @throws MfaError `UNSUPPORTED_KDF` for an algorithm mfakit does not know; `INVALID_BACKUP_CODE_RECORD`
 *   for anything malformed or any parameter outside BACKUP_CODE_KDF_LIMITS (a tampered record can
 *   neither verify nor make the server hang).
 * @example
 * ```ts
 * parseBackupCodeHash('$scrypt$ln=14,r=8,p=1$…$…').kdf; // { algorithm: 'scrypt', N: 16384, r: 8, p: 1 }
 * ```
 */
export function parseBackupCodeHash(stored: string): BackupCodeHashInfo {
  if (typeof stored !== 'string') bad('stored hash must be a string');
  if (stored.length > MAX_HASH_STRING_LENGTH) bad('stored hash is too long');
  const algorithm = /^\$([a-z0-9-]{1,32})\$/.exec(stored)?.[1];
  let kdf: unknown;
  let groups: RegExpExecArray | null;
  switch (algorithm) {
    case 'scrypt': {
      groups = SCRYPT.exec(stored);
      if (groups === null) bad('malformed scrypt hash');
      const log2N = Number(groups[1]);
      const { minLog2N, maxLog2N } = BACKUP_CODE_KDF_LIMITS.scrypt;
      if (log2N < minLog2N || log2N > maxLog2N) bad(`scrypt ln must be from ${minLog2N} to ${maxLog2N}`);
      kdf = { algorithm: 'scrypt', N: 2 ** log2N, r: Number(groups[2]), p: Number(groups[3]) };
      break;
    }
    case 'pbkdf2-sha256':
      groups = PBKDF2.exec(stored);
      if (groups === null) bad('malformed pbkdf2-sha256 hash');
      kdf = { algorithm: 'pbkdf2-sha256', iterations: Number(groups[1]) };
      break;
    case 'argon2id':
      groups = ARGON2ID.exec(stored);
      if (groups === null) bad('malformed argon2id hash');
      kdf = { algorithm: 'argon2id', m: Number(groups[1]), t: Number(groups[2]), p: Number(groups[3]) };
      break;
    default:
      if (algorithm === undefined) bad('stored hash is not in $algorithm$… form');
      throw new MfaError('UNSUPPORTED_KDF', 'stored hash names an unknown algorithm', { details: { algorithm } });
  }
  const n = groups.length;
  return {
    kdf: checkKdf(kdf, 'INVALID_BACKUP_CODE_RECORD'),
    peppered: groups[n - 3] !== undefined,
    salt: decodeField(groups[n - 2]!, 'salt'),
    hash: decodeField(groups[n - 1]!, 'hash'),
  };
}
