/**
 * Factor names: what users call their devices ("Work phone"). Trimmed, 1 to 64 characters, no
 * control characters, unique per account (case-insensitive) so a list is never ambiguous.
 * @module
 */
import { MfaError } from '../errors.js';
import type { MfaFactorRecord } from '../store/records.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Validates and trims a factor name. @internal */
export function checkFactorName(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new MfaError('INVALID_ARGUMENT', 'name must be a string');
  const name = value.trim();
  if (name.length === 0 || name.length > 64 || CONTROL.test(name)) {
    throw new MfaError('INVALID_ARGUMENT', 'name must be 1 to 64 characters without control characters');
  }
  return name;
}

/** Throws `DUPLICATE` when another factor of the account already has this name. @internal */
export function checkNameFree(factors: readonly MfaFactorRecord[], name: string, exceptId?: string): void {
  const wanted = name.toLowerCase();
  if (factors.some((f) => f.id !== exceptId && f.name.toLowerCase() === wanted)) {
    throw new MfaError('DUPLICATE', `a factor named "${name}" already exists on this account`, { details: { name } });
  }
}

/** The next free default name: "Authenticator app", "Authenticator app 2", … @internal */
export function defaultName(factors: readonly MfaFactorRecord[], base: string): string {
  const taken = new Set(factors.map((f) => f.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`.toLowerCase())) return `${base} ${i}`;
}
