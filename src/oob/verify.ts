/**
 * Verifying a typed out-of-band code against its record, returning the record to persist.
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { MfaError } from '../errors.js';
import { timingSafeEqualString } from '../internal/bytes.js';
import { checkOobKey, codeHashFields, keyedHash } from './keyed-hash.js';
import { canonicalDestination, canonicalRequest, checkChannel, checkPurpose } from './request.js';
import type { OobCodeRecord, OobCodeRequest } from './types.js';

/**
 * Options of {@link verifyOobCode}.
 *
 * @example
 * ```ts
 * const options: VerifyOobCodeOptions = { key, expected: { purpose: 'recovery' } };
 * ```
 */
export interface VerifyOobCodeOptions {
  /** The app key the code was issued with. */
  key: Uint8Array;
  /** Clock; `Date.now` by default. */
  now?: Clock;
  /**
   * What the caller expects the code to be for. When given, a record for another purpose, channel
   * or destination is a `mismatch` (and costs an attempt), even with the right digits.
   */
  expected?: Partial<OobCodeRequest>;
}

/**
 * Outcome of {@link verifyOobCode}; persist `record` in every case (it carries the attempt count
 * and the used mark). `malformed` input leaves the record unchanged and costs no attempt.
 *
 * @example
 * ```ts
 * const result: OobVerifyResult = verifyOobCode(input, record, { key });
 * await store.put(result.record.id, result.record);
 * ```
 */
export type OobVerifyResult =
  | { ok: true; record: OobCodeRecord }
  | { ok: false; reason: 'expired' | 'mismatch' | 'exhausted' | 'replayed' | 'malformed'; record: OobCodeRecord };

const MAX_INPUT_LENGTH = 64;
// eslint-disable-next-line no-control-regex
const HOSTILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u200B-\u200D\u2060\uFEFF]/g;
const HASH = /^[A-Za-z0-9_-]{43}$/;
const ID = /^oob_[A-Za-z0-9_-]{43}$/;

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function checkRecord(record: unknown): OobCodeRecord {
  const bad = (message: string): never => {
    throw new MfaError('INVALID_OOB_RECORD', message);
  };
  if (typeof record !== 'object' || record === null) return bad('record must be an object');
  const r = record as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID.test(r.id)) bad('record id is malformed');
  checkPurpose(r.purpose, 'INVALID_OOB_RECORD');
  const channel = checkChannel(r.channel, 'INVALID_OOB_RECORD');
  if (canonicalDestination(channel, r.destination, 'INVALID_OOB_RECORD') !== r.destination) bad('record destination is not canonical');
  if (typeof r.hash !== 'string' || !HASH.test(r.hash)) bad('record hash is malformed');
  if (!Number.isSafeInteger(r.digits) || (r.digits as number) < 6 || (r.digits as number) > 10) bad('record digits out of range');
  if (!isMs(r.issuedAt) || !isMs(r.expiresAt) || r.expiresAt <= r.issuedAt) bad('record times are malformed');
  if (!Number.isSafeInteger(r.maxAttempts) || (r.maxAttempts as number) < 1 || (r.maxAttempts as number) > 100) bad('record maxAttempts out of range');
  if (!Number.isSafeInteger(r.attempts) || (r.attempts as number) < 0 || (r.attempts as number) > 1000) bad('record attempts out of range');
  if (r.usedAt !== null && !isMs(r.usedAt)) bad('record usedAt must be null or milliseconds');
  return record as OobCodeRecord;
}

/** Reads typed digits; `null` when they cannot be this record's code. Throws for hostile input. */
function normaliseInput(input: unknown, digits: number): string | null {
  if (typeof input !== 'string') throw new MfaError('INVALID_ARGUMENT', 'code input must be a string');
  if (input.length > MAX_INPUT_LENGTH) throw new MfaError('INVALID_CODE', `code input is longer than ${MAX_INPUT_LENGTH} characters`);
  if (HOSTILE.test(input)) throw new MfaError('INVALID_CODE', 'code input contains control characters');
  const compact = input.normalize('NFKC').replace(SEPARATORS, '');
  return compact.length === digits && /^[0-9]+$/.test(compact) ? compact : null;
}

function matchesExpected(record: OobCodeRecord, expected: Partial<OobCodeRequest> | undefined): boolean {
  if (expected === undefined) return true;
  if (expected.purpose !== undefined && expected.purpose !== record.purpose) return false;
  if (expected.channel !== undefined && expected.channel !== record.channel) return false;
  if (expected.destination !== undefined) {
    const channel = expected.channel ?? record.channel;
    const wanted = canonicalRequest({ purpose: record.purpose, channel, destination: expected.destination });
    if (wanted.destination !== record.destination) return false;
  }
  return true;
}

/**
 * Checks a typed code against its stored record, in constant time. Refuses a used code, an expired
 * one (from `expiresAt` on), and one whose attempts are spent; each wrong try counts, and the
 * attempt that reaches `maxAttempts` kills the code. Returns the updated record: persist it
 * whatever the outcome (compare-and-set on `attempts` keeps parallel tries honest).
 *
 * @throws MfaError `INVALID_ARGUMENT` / `INVALID_CODE` for hostile input (not a string, over 64
 *   characters, control characters); `INVALID_OOB_RECORD` for a malformed record; `INVALID_OPTION`
 *   for a bad key.
 * @example
 * ```ts
 * const record = await store.get(oobRecordId(request, { key }));
 * const result = verifyOobCode(input, record, { key, expected: { purpose: 'login' } });
 * await store.put(result.record.id, result.record);
 * if (result.ok) signIn();
 * ```
 */
export function verifyOobCode(input: string, record: OobCodeRecord, options: VerifyOobCodeOptions): OobVerifyResult {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options with a key are required');
  const key = checkOobKey(options.key);
  const stored = checkRecord(record);
  const code = normaliseInput(input, stored.digits);
  const now = (options.now ?? systemClock)();
  if (!Number.isFinite(now)) throw new MfaError('INVALID_OPTION', 'now() must return milliseconds');
  if (code === null) return { ok: false, reason: 'malformed', record: stored };
  if (stored.usedAt !== null) return { ok: false, reason: 'replayed', record: stored };
  if (now >= stored.expiresAt) return { ok: false, reason: 'expired', record: stored };
  if (stored.attempts >= stored.maxAttempts) return { ok: false, reason: 'exhausted', record: stored };

  const attempted: OobCodeRecord = { ...stored, attempts: stored.attempts + 1 };
  const hashMatches = timingSafeEqualString(keyedHash(key, codeHashFields(stored, code)), stored.hash);
  if (!hashMatches || !matchesExpected(stored, options.expected)) return { ok: false, reason: 'mismatch', record: attempted };
  return { ok: true, record: { ...attempted, usedAt: now } };
}
