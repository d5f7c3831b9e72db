/**
 * Generating backup codes: random characters, no hashing (see createBackupCodes for the set with
 * its stored records).
 * @module
 */
import { MfaError } from '../errors.js';
import { secureRandom, type RandomSource } from '../internal/bytes.js';
import {
  BACKUP_CODE_ALPHABET,
  BACKUP_CODE_GROUP_LENGTH,
  MAX_SECRET_CHARS,
  MIN_SECRET_CHARS,
  groupBackupCode,
} from './alphabet.js';

/**
 * Default number of codes in a set.
 *
 * @example
 * ```ts
 * generateBackupCodes().length === DEFAULT_BACKUP_CODE_COUNT; // 10
 * ```
 */
export const DEFAULT_BACKUP_CODE_COUNT = 10;
/**
 * Default secret strength in bits (rounded up to whole groups: 64 gives 16 characters, 80 bits).
 *
 * @example
 * ```ts
 * generateBackupCodes({ secretBits: DEFAULT_BACKUP_CODE_SECRET_BITS * 2 });
 * ```
 */
export const DEFAULT_BACKUP_CODE_SECRET_BITS = 64;
/**
 * Lowest secret strength accepted (NIST SP 800-63B §5.1.2.1: at least 20 bits).
 *
 * @example
 * ```ts
 * generateBackupCodes({ secretBits: MIN_BACKUP_CODE_SECRET_BITS }); // ['7KQ2-M9XD', …]
 * ```
 */
export const MIN_BACKUP_CODE_SECRET_BITS = 20;
const MAX_BACKUP_CODE_COUNT = 100;

/**
 * Options of {@link generateBackupCodes} and `createBackupCodes`.
 *
 * @example
 * ```ts
 * const options: BackupCodeGenerationOptions = { count: 8, secretBits: 80 };
 * ```
 */
export interface BackupCodeGenerationOptions {
  /** How many codes (1 to 100). Default 10. */
  count?: number;
  /**
   * Minimum secret bits per code, 20 to 260. Default 64. Rounded up to whole 4-character groups
   * (5 bits per character), so 64 gives 80 bits; the id group comes on top and is not counted.
   */
  secretBits?: number;
  /** Randomness; `crypto.getRandomValues` by default. Inject a seeded source only in tests. */
  random?: RandomSource;
}

/** Number of secret characters for a bit strength, validated. @internal */
export function secretCharsFor(secretBits: number): number {
  if (!Number.isSafeInteger(secretBits) || secretBits < MIN_BACKUP_CODE_SECRET_BITS || secretBits > MAX_SECRET_CHARS * 5) {
    throw new MfaError(
      'INVALID_OPTION',
      `secretBits must be an integer from ${MIN_BACKUP_CODE_SECRET_BITS} to ${MAX_SECRET_CHARS * 5}`,
      { details: { secretBits } },
    );
  }
  const chars = Math.ceil(secretBits / 5);
  const grouped = Math.ceil(chars / BACKUP_CODE_GROUP_LENGTH) * BACKUP_CODE_GROUP_LENGTH;
  return Math.max(MIN_SECRET_CHARS, grouped);
}

/** Throws unless `options` is an object (or undefined, read as `{}`). @internal */
export function checkOptionsObject<T extends object>(options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options must be an object');
  return options;
}

function randomCharacters(random: RandomSource, length: number): string {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new MfaError('INVALID_OPTION', 'random must return a Uint8Array of the requested length');
  }
  let out = '';
  // 256 is a multiple of 32: the low five bits of a uniform byte are uniform. No modulo bias.
  for (const byte of bytes) out += BACKUP_CODE_ALPHABET[byte & 31]!;
  return out;
}

/**
 * Generates a set of backup codes as the user sees them, grouped by dashes
 * (`7KQ2-M9XD-R4TW-AB00-…`). The first group is the code's id (its lookup part, stored in clear);
 * the rest is the secret. Ids are distinct within a set. Nothing is hashed here: use
 * `createBackupCodes` to get the records to store as well.
 *
 * @throws MfaError `INVALID_OPTION` when `count` or `secretBits` is out of range.
 * @example
 * ```ts
 * const codes = generateBackupCodes({ count: 10 });
 * // ['7KQ2-M9XD-R4TW-AB00-K3PZ', …]
 * ```
 */
export function generateBackupCodes(optionsInput?: BackupCodeGenerationOptions): string[] {
  const options = checkOptionsObject(optionsInput);
  const count = options.count ?? DEFAULT_BACKUP_CODE_COUNT;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_BACKUP_CODE_COUNT) {
    throw new MfaError('INVALID_OPTION', `count must be an integer from 1 to ${MAX_BACKUP_CODE_COUNT}`, {
      details: { count },
    });
  }
  const secretChars = secretCharsFor(options.secretBits ?? DEFAULT_BACKUP_CODE_SECRET_BITS);
  const random = options.random ?? secureRandom;
  const ids = new Set<string>();
  const codes: string[] = [];
  let draws = 0;
  while (codes.length < count) {
    // A working CSPRNG never gets near this; a broken one (constant bytes) must not loop forever.
    if (++draws > count * 16) throw new MfaError('INVALID_OPTION', 'random source keeps repeating itself');
    const id = randomCharacters(random, BACKUP_CODE_GROUP_LENGTH);
    // 20-bit ids: a clash within a set is rare (about 1 in 23,000 for 10 codes); draw again.
    if (ids.has(id)) continue;
    ids.add(id);
    codes.push(groupBackupCode(id + randomCharacters(random, secretChars)));
  }
  return codes;
}
