/**
 * Table prefixes: spliced into SQL as identifiers, so they are validated, never quoted blindly.
 * @module
 */
import { MfaError } from '../../errors.js';

/** The default table prefix: tables are `mfakit_accounts`, `mfakit_factors`, … */
export const DEFAULT_TABLE_PREFIX = 'mfakit_';

/**
 * Returns the prefix if it is a safe unquoted identifier start (lower-case letters, digits and
 * `_`, up to 31), else throws `MfaError('INVALID_OPTION')`.
 *
 * @example
 * ```ts
 * checkTablePrefix('auth_mfa_'); // 'auth_mfa_'
 * ```
 */
export function checkTablePrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_TABLE_PREFIX;
  // Longest table suffix is "enrolments_expires_idx" (22): stay below PostgreSQL's 63-byte names.
  if (typeof value !== 'string' || !/^[a-z_][a-z0-9_]{0,30}$/.test(value)) {
    throw new MfaError(
      'INVALID_OPTION',
      'tablePrefix must be lower-case letters, digits and _ (at most 31), starting with a letter or _ (choose the schema with search_path)',
    );
  }
  return value;
}
