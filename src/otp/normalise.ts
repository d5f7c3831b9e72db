/**
 * Normalising what a person typed into an authenticator code. Spaces and dashes are removed
 * before anything else (replay checks and comparison alike), so "123 456" and "123-456" are the
 * same code as "123456" (a spaced code once slipped past a used-code cache: Vault CVE-2025-6014).
 * @module
 */
import { MfaError } from '../errors.js';

/** Longest input we even look at; anything longer is malformed (a code is at most 8 digits). */
export const MAX_CODE_INPUT_LENGTH = 64;

/** Whitespace and dash-like characters people and apps put inside codes. */
function isSeparator(c: number): boolean {
  return (
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x202f || c === 0x2009 ||
    c === 0x2d /* - */ || (c >= 0x2010 && c <= 0x2015) /* Unicode dashes */ || c === 0x2212 /* minus */
  );
}

/**
 * Removes spaces and dashes from a typed code. It does not check the result: a code that
 * normalises to something other than digits simply fails verification as `'malformed'`.
 *
 * @example
 * ```ts
 * normaliseOtpCode(' 123-456 '); // '123456'
 * ```
 */
export function normaliseOtpCode(input: string): string {
  if (typeof input !== 'string') throw new MfaError('INVALID_CODE', 'code must be a string');
  if (input.length > MAX_CODE_INPUT_LENGTH) throw new MfaError('INVALID_CODE', `code must be at most ${MAX_CODE_INPUT_LENGTH} characters`);
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (!isSeparator(c)) out += input[i];
  }
  return out;
}

/**
 * Parses a typed code into its numeric value after normalising, or returns -1 when it is not
 * exactly `digits` ASCII digits. Throws only when `input` is not a string. Internal: the verify
 * functions compare this number with each candidate, one integer comparison per candidate.
 */
export function parseOtpCode(input: string, digits: number): number {
  if (typeof input !== 'string') throw new MfaError('INVALID_CODE', 'code must be a string');
  const length = input.length;
  if (length > MAX_CODE_INPUT_LENGTH) return -1;
  let value = 0;
  let count = 0;
  for (let i = 0; i < length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      count++;
    } else if (!isSeparator(c)) {
      return -1;
    }
  }
  return count === digits ? value : -1;
}
