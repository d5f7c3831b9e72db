/**
 * HOTP (RFC 4226): counter-based codes, verification with a small look-ahead, and
 * resynchronisation from two consecutive codes.
 * @module
 */
import { MfaError } from '../errors.js';
import { integerOption, optionsObject } from '../internal/assert.js';
import { HotpValues, formatCode } from './hotp-value.js';
import { parseOtpCode } from './normalise.js';
import {
  MAX_COUNTER,
  algorithmOption,
  assertSecret,
  digitsOption,
  invalidOption,
  type OtpAlgorithm,
} from './options.js';

/**
 * How HOTP codes are computed.
 *
 * @example
 * ```ts
 * generateHotp(secret, 0, { algorithm: 'SHA1', digits: 6 });
 * ```
 */
export interface HotpOptions {
  /** HMAC hash; default `'SHA1'` (RFC 4226). */
  algorithm?: OtpAlgorithm;
  /** Code length, 6 (default) to 8. */
  digits?: number;
}

/**
 * Options of {@link verifyHotp}.
 *
 * @example
 * ```ts
 * verifyHotp(secret, code, nextCounter, { lookAhead: 2 });
 * ```
 */
export interface HotpVerifyOptions extends HotpOptions {
  /**
   * Counters after the expected one also accepted (the user pressed the button without logging
   * in). Default 1, at most 20: keep it small (RFC 4226 §7.4); resynchronise beyond it.
   */
  lookAhead?: number;
}

/**
 * Options of {@link resyncHotp}.
 *
 * @example
 * ```ts
 * resyncHotp(secret, [first, second], nextCounter, { lookAhead: 50 });
 * ```
 */
export interface HotpResyncOptions extends HotpOptions {
  /** How far past the expected counter to search for the pair; default 100, at most 1000. */
  lookAhead?: number;
}

/**
 * An HOTP code matched. Store `nextCounter`: codes at or below `counter` are now used.
 *
 * @example
 * ```ts
 * const result = verifyHotp(secret, code, nextCounter);
 * if (result.ok) nextCounter = result.nextCounter;
 * ```
 */
export interface HotpMatch {
  readonly ok: true;
  /** The counter the code belongs to. */
  readonly counter: number;
  /** The counter to expect next time (`counter + 1`): persist it. */
  readonly nextCounter: number;
}

/**
 * An HOTP code (or pair of codes) was refused.
 *
 * @example
 * ```ts
 * const result = verifyHotp(secret, '12345', 0); // { ok: false, reason: 'malformed' }
 * ```
 */
export interface HotpFailure {
  readonly ok: false;
  /** `'malformed'`: not `digits` digits after removing spaces and dashes; `'mismatch'`: no counter in range matches. */
  readonly reason: 'malformed' | 'mismatch';
}

/**
 * The outcome of {@link verifyHotp} or {@link resyncHotp}.
 *
 * @example
 * ```ts
 * const result: HotpVerifyResult = verifyHotp(secret, code, nextCounter);
 * ```
 */
export type HotpVerifyResult = HotpMatch | HotpFailure;

const MALFORMED: HotpFailure = Object.freeze({ ok: false, reason: 'malformed' });
const MISMATCH: HotpFailure = Object.freeze({ ok: false, reason: 'mismatch' });

function counterArgument(counter: unknown): number {
  if (typeof counter !== 'number' || !Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new MfaError('INVALID_ARGUMENT', `counter must be an integer from 0 to ${MAX_COUNTER}`);
  }
  return counter;
}

function prepare(secret: Uint8Array, options: HotpOptions | undefined): HotpValues {
  assertSecret(secret);
  const o = optionsObject(options);
  return new HotpValues(secret, algorithmOption(o.algorithm), digitsOption(o.digits));
}

/**
 * The HOTP code for `counter`.
 *
 * @example
 * ```ts
 * generateHotp(new TextEncoder().encode('12345678901234567890'), 0); // '755224' (RFC 4226 Appendix D)
 * ```
 */
export function generateHotp(secret: Uint8Array, counter: number, options?: HotpOptions): string {
  const values = prepare(secret, options);
  return formatCode(values.at(counterArgument(counter)), values.digits);
}

/**
 * Verifies a typed HOTP code against the expected `counter` and a small look-ahead. On success,
 * persist `nextCounter` (atomically: only if it is greater than the stored one).
 *
 * @example
 * ```ts
 * const result = verifyHotp(secret, '287 082', stored.nextCounter);
 * if (result.ok) await store.advanceIfGreater(result.nextCounter);
 * ```
 */
export function verifyHotp(secret: Uint8Array, code: string, counter: number, options?: HotpVerifyOptions): HotpVerifyResult {
  const values = prepare(secret, options);
  const start = counterArgument(counter);
  const lookAhead = integerOption('lookAhead', optionsObject(options).lookAhead, { fallback: 1, min: 0, max: 20 });
  const input = parseOtpCode(code, values.digits);
  if (input < 0) return MALFORMED;
  const end = Math.min(MAX_COUNTER - 1, start + lookAhead);
  for (let c = start; c <= end; c++) {
    if (values.at(c) === input) return { ok: true, counter: c, nextCounter: c + 1 };
  }
  return MISMATCH;
}

/**
 * Resynchronises an HOTP token whose counter ran ahead of the server: the user enters two
 * consecutive codes, and the first counter within `lookAhead` of `counter` at which both match
 * is accepted (RFC 4226 §7.4). On success, persist `nextCounter`.
 *
 * @example
 * ```ts
 * const result = resyncHotp(secret, ['520489', '403154'], stored.nextCounter);
 * if (result.ok) await store.advanceIfGreater(result.nextCounter);
 * ```
 */
export function resyncHotp(
  secret: Uint8Array,
  codes: readonly [string, string],
  counter: number,
  options?: HotpResyncOptions,
): HotpVerifyResult {
  const values = prepare(secret, options);
  const start = counterArgument(counter);
  const lookAhead = integerOption('lookAhead', optionsObject(options).lookAhead, { fallback: 100, min: 0, max: 1000 });
  if (!Array.isArray(codes) || codes.length !== 2) {
    throw invalidOption('codes', 'an array of two consecutive codes', codes);
  }
  const first = parseOtpCode(codes[0], values.digits);
  const second = parseOtpCode(codes[1], values.digits);
  if (first < 0 || second < 0) return MALFORMED;
  const end = Math.min(MAX_COUNTER - 2, start + lookAhead);
  for (let c = start; c <= end; c++) {
    if (values.at(c) === first && values.at(c + 1) === second) {
      return { ok: true, counter: c + 1, nextCounter: c + 2 };
    }
  }
  return MISMATCH;
}
