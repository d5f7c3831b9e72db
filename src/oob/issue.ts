/**
 * Issuing an out-of-band code: a random numeric code, and the record (keyed hash only) to store.
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { MfaError } from '../errors.js';
import { integerOption } from '../internal/assert.js';
import { secureRandom, type RandomSource } from '../internal/bytes.js';
import { checkOobKey, codeHashFields, keyedHash, oobRecordId } from './keyed-hash.js';
import { canonicalRequest } from './request.js';
import type { OobCodeRecord, OobCodeRequest, OobMessage } from './types.js';

/**
 * Default lifetime of a code: 10 minutes, also the default maximum.
 *
 * @example
 * ```ts
 * issueOobCode(request, { key, ttlSeconds: DEFAULT_OOB_TTL_SECONDS / 2 });
 * ```
 */
export const DEFAULT_OOB_TTL_SECONDS = 600;
/**
 * Default number of attempts before a code dies.
 *
 * @example
 * ```ts
 * issueOobCode(request, { key, maxAttempts: DEFAULT_OOB_MAX_ATTEMPTS - 2 });
 * ```
 */
export const DEFAULT_OOB_MAX_ATTEMPTS = 5;

/**
 * Options of {@link issueOobCode}.
 *
 * @example
 * ```ts
 * const options: IssueOobCodeOptions = { key, ttlSeconds: 300, digits: 8 };
 * ```
 */
export interface IssueOobCodeOptions {
  /** App key for the keyed hash (16+ random bytes, 32 recommended). Keep it out of the database. */
  key: Uint8Array;
  /** Clock; `Date.now` by default. */
  now?: Clock;
  /** Lifetime in seconds, 30 to `maxTtlSeconds`. Default 600. */
  ttlSeconds?: number;
  /** Upper bound for `ttlSeconds`. Default 600 (10 minutes); raise it only deliberately. */
  maxTtlSeconds?: number;
  /** Digits, 6 to 10. Default 6. */
  digits?: number;
  /** Wrong attempts allowed before the code dies, 1 to 100. Default 5. */
  maxAttempts?: number;
  /** Randomness; `crypto.getRandomValues` by default. */
  random?: RandomSource;
}

/**
 * What {@link issueOobCode} returns: the code (send it, never store or log it), the record to store
 * (under `record.id`, replacing any earlier one), and the message to hand to an `OobSender`.
 *
 * @example
 * ```ts
 * const { record, message }: IssuedOobCode = issueOobCode(request, { key });
 * ```
 */
export interface IssuedOobCode {
  code: string;
  record: OobCodeRecord;
  message: OobMessage;
}

/** Uniform decimal digits by rejection sampling: bytes of 250 and above are drawn again. */
function randomDigits(random: RandomSource, digits: number): string {
  let out = '';
  while (out.length < digits) {
    const bytes = random(digits * 2);
    if (!(bytes instanceof Uint8Array) || bytes.length !== digits * 2) {
      throw new MfaError('INVALID_OPTION', 'random must return a Uint8Array of the requested length');
    }
    for (const byte of bytes) {
      if (byte < 250 && out.length < digits) out += String(byte % 10);
    }
  }
  return out;
}

/**
 * Issues a numeric one-time code bound to a purpose, channel and destination. Stores nothing
 * itself: store `record` under `record.id` (replacing the previous code for the same purpose and
 * destination), then send `message`. Check the send limit first (checkOobSendLimit).
 *
 * @throws MfaError `INVALID_ARGUMENT` for a bad request; `INVALID_OPTION` for a bad key, a lifetime
 *   above the maximum, digits outside 6–10.
 * @example
 * ```ts
 * const { record, message } = issueOobCode({ purpose: 'login', channel: 'email', destination: 'ada@example.com' }, { key });
 * await store.put(record.id, record);
 * await sender.send(message); // "Your code is 492039, valid until 12:10"
 * ```
 */
export function issueOobCode(request: OobCodeRequest, options: IssueOobCodeOptions): IssuedOobCode {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options with a key are required');
  const key = checkOobKey(options.key);
  const r = canonicalRequest(request);
  const maxTtl = integerOption('maxTtlSeconds', options.maxTtlSeconds, { fallback: DEFAULT_OOB_TTL_SECONDS, min: 30, max: 86_400 });
  const ttl = integerOption('ttlSeconds', options.ttlSeconds, { fallback: Math.min(DEFAULT_OOB_TTL_SECONDS, maxTtl), min: 30, max: maxTtl });
  const digits = integerOption('digits', options.digits, { fallback: 6, min: 6, max: 10 });
  const maxAttempts = integerOption('maxAttempts', options.maxAttempts, { fallback: DEFAULT_OOB_MAX_ATTEMPTS, min: 1, max: 100 });
  const issuedAt = (options.now ?? systemClock)();
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) throw new MfaError('INVALID_OPTION', 'now() must return integer milliseconds');
  const code = randomDigits(options.random ?? secureRandom, digits);
  const unsigned = {
    id: oobRecordId(request, { key }),
    purpose: r.purpose,
    channel: r.channel,
    destination: r.destination,
    digits,
    issuedAt,
    expiresAt: issuedAt + ttl * 1000,
  };
  const record: OobCodeRecord = {
    ...unsigned,
    hash: keyedHash(key, codeHashFields(unsigned, code)),
    attempts: 0,
    maxAttempts,
    usedAt: null,
  };
  const message: OobMessage = { channel: r.channel, destination: r.deliverTo, code, purpose: r.purpose, expiresAt: record.expiresAt };
  return { code, record, message };
}
