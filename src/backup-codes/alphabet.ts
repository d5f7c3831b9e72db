/**
 * The character set of backup codes and how typed input is read back.
 *
 * Codes use Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U, so
 * nothing a person reads off paper is ambiguous. Typed input is forgiving in the ways people err:
 * case, spaces, dashes, and the confusable letters O (read as 0) and I / L (read as 1).
 * @module
 */
import { MfaError } from '../errors.js';

/**
 * Crockford's base32 alphabet (no I, L, O, U). Each character carries 5 bits.
 *
 * @example
 * ```ts
 * BACKUP_CODE_ALPHABET.length; // 32
 * ```
 */
export const BACKUP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters per printed group, and length of the id (lookup) part, which is the first group. */
export const BACKUP_CODE_GROUP_LENGTH = 4;

/** Longest typed input read at all; anything longer is not something a person typed. */
export const MAX_BACKUP_CODE_INPUT_LENGTH = 256;

/** Fewest and most secret characters a code may carry (20 and 260 bits). */
export const MIN_SECRET_CHARS = 4;
export const MAX_SECRET_CHARS = 52;

/**
 * Fewest characters of a canonical code (its id group and the fewest secret characters), separators
 * not counted: shorter input cannot be a backup code, so a form can tell it from an OTP code.
 *
 * @example
 * ```ts
 * const maybeBackupCode = typed.replace(/[\s-]/g, '').length >= MIN_BACKUP_CODE_LENGTH;
 * ```
 */
export const MIN_BACKUP_CODE_LENGTH = BACKUP_CODE_GROUP_LENGTH + MIN_SECRET_CHARS;

const VALUE_OF = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < BACKUP_CODE_ALPHABET.length; i++) table[BACKUP_CODE_ALPHABET.charCodeAt(i)] = i;
  // Confusables, as Crockford's decoding rules read them. U stays invalid (see normaliseBackupCode).
  table['O'.charCodeAt(0)] = 0;
  table['I'.charCodeAt(0)] = 1;
  table['L'.charCodeAt(0)] = 1;
  return table;
})();

// C0 and C1 controls except tab, LF, CR (whitespace a paste may carry), and bidi overrides.
// eslint-disable-next-line no-control-regex
const HOSTILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// Separators people type or paste: whitespace, ASCII and Unicode dashes, zero-width characters.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u00AD\u200B-\u200D\u2060\uFEFF]/g;

/**
 * Reads a typed backup code into its canonical form: upper-case Crockford characters without
 * separators, id first. Returns `null` when the text cannot be a backup code (wrong characters,
 * wrong length).
 *
 * Accepted variations: any case; spaces, tabs, line breaks, ASCII and Unicode dashes and zero-width
 * characters anywhere; full-width forms (NFKC); `O` for `0`; `I` and `L` for `1`. The letter `U` is
 * refused, as in Crockford's decoding rules: no code contains it and guessing what it stood for (V?)
 * would only hide a typo.
 *
 * @throws MfaError `INVALID_ARGUMENT` when `input` is not a string; `INVALID_CODE` when it is longer
 *   than 256 characters or holds control characters (no person types those).
 * @example
 * ```ts
 * normaliseBackupCode(' 7kq2-m9xd-r4tw-ab0o '); // '7KQ2M9XDR4TWAB00'
 * normaliseBackupCode('not a code');             // null
 * ```
 */
export function normaliseBackupCode(input: string): string | null {
  if (typeof input !== 'string') {
    throw new MfaError('INVALID_ARGUMENT', 'backup code input must be a string');
  }
  if (input.length > MAX_BACKUP_CODE_INPUT_LENGTH) {
    throw new MfaError('INVALID_CODE', `backup code input is longer than ${MAX_BACKUP_CODE_INPUT_LENGTH} characters`);
  }
  if (HOSTILE.test(input)) {
    throw new MfaError('INVALID_CODE', 'backup code input contains control characters');
  }
  const compact = input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
  const length = compact.length;
  if (
    length < MIN_BACKUP_CODE_LENGTH ||
    length > BACKUP_CODE_GROUP_LENGTH + MAX_SECRET_CHARS ||
    length % BACKUP_CODE_GROUP_LENGTH !== 0
  ) {
    return null;
  }
  let out = '';
  for (let i = 0; i < length; i++) {
    const c = compact.charCodeAt(i);
    const value = c < 128 ? VALUE_OF[c]! : -1;
    if (value < 0) return null;
    out += BACKUP_CODE_ALPHABET[value]!;
  }
  return out;
}

/**
 * The record id of a typed backup code: its first group (the lookup part), normalised. The id is
 * not secret; it only tells the store which single hash to check, so an attempt costs one KDF run
 * however many codes the set holds. Returns `null` when the text cannot be a backup code.
 *
 * @throws MfaError as {@link normaliseBackupCode}.
 * @example
 * ```ts
 * backupCodeId('7kq2-m9xd-r4tw-ab00'); // '7KQ2'
 * const record = records.find((r) => r.id === backupCodeId(input));
 * ```
 */
export function backupCodeId(input: string): string | null {
  const canonical = normaliseBackupCode(input);
  return canonical === null ? null : canonical.slice(0, BACKUP_CODE_GROUP_LENGTH);
}

/**
 * Prints a canonical code in groups of four separated by dashes (`7KQ2-M9XD-R4TW-AB00`).
 * @internal
 */
export function groupBackupCode(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += BACKUP_CODE_GROUP_LENGTH) {
    groups.push(canonical.slice(i, i + BACKUP_CODE_GROUP_LENGTH));
  }
  return groups.join('-');
}
