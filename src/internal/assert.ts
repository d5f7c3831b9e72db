/**
 * The one vocabulary of argument checks, shared by every module (internal, not exported).
 *
 * Each check throws `MfaError` with the code the caller names (`INVALID_ARGUMENT` for a call's
 * arguments, `INVALID_OPTION` for options and settings, a module's own code where it has one) and a
 * message `<name> must be <expected>`, so a caller's mistake is never silently turned into a weaker
 * configuration. Checks on secrets, keys and records that need their own error codes build on these.
 * @module
 */
import { MfaError, type MfaErrorCode } from '../errors.js';

/** Longest id the service accepts from a caller (account, factor, enrolment, challenge ids). */
export const MAX_ID_LENGTH = 256;

/** A short, log-safe description of a rejected value (never a long string in full). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

/** The error every check throws: `<name> must be <expected>`, naming the option and the value. */
export function invalidValue(code: MfaErrorCode, name: string, expected: string, value: unknown): MfaError {
  const key = code === 'INVALID_OPTION' ? 'option' : 'argument';
  return new MfaError(code, `${name} must be ${expected}`, { details: { [key]: name, value: describeValue(value) } });
}

/** A non-empty string (store keys, purposes, record ids as the storage contract takes them). */
export function assertNonEmptyString(value: unknown, name: string, code: MfaErrorCode = 'INVALID_ARGUMENT'): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw invalidValue(code, name, 'a non-empty string', value);
}

/** An id a caller hands the service (account, factor, enrolment, challenge): 1 to {@link MAX_ID_LENGTH} characters. */
export function assertId(value: unknown, name: string, code: MfaErrorCode = 'INVALID_ARGUMENT'): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw invalidValue(code, name, `a string of 1 to ${MAX_ID_LENGTH} characters`, value);
  }
}

/** A safe integer (steps, revisions, counts). */
export function assertSafeInteger(value: unknown, name: string, code: MfaErrorCode = 'INVALID_ARGUMENT'): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidValue(code, name, 'a safe integer', value);
}

/** A time in milliseconds since the epoch: a finite number. */
export function assertTime(value: unknown, name: string, code: MfaErrorCode = 'INVALID_ARGUMENT'): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(code, name, 'a finite number of milliseconds', value);
}

/** A `Uint8Array` (secrets, keys, peppers); length limits are the caller's own check. */
export function assertBytes(value: unknown, name: string, code: MfaErrorCode = 'INVALID_ARGUMENT'): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidValue(code, name, 'a Uint8Array', value);
}

/** An integer option within [min, max], or `fallback` when undefined. */
export function integerOption(
  name: string,
  value: unknown,
  range: { readonly fallback: number; readonly min: number; readonly max: number },
  code: MfaErrorCode = 'INVALID_OPTION',
): number {
  if (value === undefined) return range.fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw invalidValue(code, name, `an integer from ${range.min} to ${range.max}`, value);
  }
  return value;
}

/** Options objects themselves must be plain objects (or absent). */
export function optionsObject<T extends object>(value: T | undefined, name = 'options', code: MfaErrorCode = 'INVALID_ARGUMENT'): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidValue(code, name, 'an object', value);
  return value;
}
