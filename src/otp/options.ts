/**
 * Validation of the numeric and enumerated options every OTP function shares. Internal.
 * Each check throws `MfaError('INVALID_OPTION')` naming the option, so a caller's mistake is never
 * silently turned into a weaker configuration.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertBytes, integerOption, invalidValue } from '../internal/assert.js';
import type { Clock } from '../clock.js';

/**
 * The HMAC hash functions RFC 6238 allows.
 *
 * @example
 * ```ts
 * const algorithm: OtpAlgorithm = 'SHA1';
 * ```
 */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** Fewest and most digits a code may have (RFC 4226 §5.3 asks for at least 6). */
export const MIN_DIGITS = 6;
export const MAX_DIGITS = 8;
/** Largest time step in seconds we accept (one year): far beyond any real use, small enough to stay exact. */
export const MAX_PERIOD = 31_536_000;
/** Largest verification window, in steps each way (HOTP look-ahead has its own limits). */
export const MAX_WINDOW = 10;
/** Largest counter value: counters and steps stay exact JavaScript integers. */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;
/** Secrets shorter than this are refused everywhere (80 bits: the legacy floor). */
export const MIN_SECRET_BYTES = 10;
/** Secrets shorter than this need `allowShortSecret` (RFC 4226 R6: at least 128 bits). */
export const RECOMMENDED_MIN_SECRET_BYTES = 16;
/** Largest secret accepted (HMAC takes any length; this bounds work on hostile input). */
export const MAX_SECRET_BYTES = 1024;

/** `INVALID_OPTION` naming the option (see `internal/assert.ts`). */
export function invalidOption(name: string, expected: string, value: unknown): MfaError {
  return invalidValue('INVALID_OPTION', name, expected, value);
}

export function algorithmOption(value: unknown): OtpAlgorithm {
  if (value === undefined) return 'SHA1';
  if (value === 'SHA1' || value === 'SHA256' || value === 'SHA512') return value;
  throw invalidOption('algorithm', "'SHA1', 'SHA256' or 'SHA512'", value);
}

export function digitsOption(value: unknown): number {
  return integerOption('digits', value, { fallback: 6, min: MIN_DIGITS, max: MAX_DIGITS });
}

export function periodOption(value: unknown): number {
  return integerOption('period', value, { fallback: 30, min: 1, max: MAX_PERIOD });
}

export function t0Option(value: unknown): number {
  // Seconds since the epoch; bounded so that (now - t0) stays exact.
  return integerOption('t0', value, { fallback: 0, min: -1e12, max: 1e12 });
}

export function clockOption(value: unknown, fallback: Clock): Clock {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw invalidOption('now', 'a function returning milliseconds since the epoch', value);
  return value as Clock;
}

/** Secret bytes for HOTP/TOTP: a Uint8Array of 10 to 1024 bytes. */
export function assertSecret(secret: unknown): asserts secret is Uint8Array {
  assertBytes(secret, 'secret', 'INVALID_SECRET');
  if (secret.length < MIN_SECRET_BYTES) {
    throw new MfaError('SECRET_TOO_SHORT', `secret must be at least ${MIN_SECRET_BYTES} bytes`, { details: { bytes: secret.length } });
  }
  if (secret.length > MAX_SECRET_BYTES) {
    throw new MfaError('INVALID_SECRET', `secret must be at most ${MAX_SECRET_BYTES} bytes`, { details: { bytes: secret.length } });
  }
}

/** Reads a clock and checks it returned a usable time. */
export function readClock(now: Clock): number {
  let ms: unknown;
  try {
    ms = now();
  } catch (cause) {
    throw new MfaError('INVALID_OPTION', 'the clock (now) threw', { cause });
  }
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 8.64e15) {
    throw invalidOption('now()', 'a finite, non-negative number of milliseconds', ms);
  }
  return ms;
}
