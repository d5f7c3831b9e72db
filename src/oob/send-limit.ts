/**
 * How often codes may be sent to one destination: a sliding one-hour window, as a pure function
 * over a small state the caller stores (under oobDestinationKey).
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { MfaError } from '../errors.js';
import { checkOobKey, keyedHash } from './keyed-hash.js';
import { canonicalDestination, checkChannel } from './request.js';
import type { OobChannel } from './types.js';

/**
 * The send history of one destination: times of the sends within the last hour, oldest first.
 *
 * @example
 * ```ts
 * const state: OobSendLimitState = { sentAt: [] };
 * ```
 */
export interface OobSendLimitState {
  sentAt: number[];
}

/**
 * Options of {@link checkOobSendLimit}.
 *
 * @example
 * ```ts
 * const options: OobSendLimitOptions = { maxPerHour: 3, minIntervalSeconds: 30 };
 * ```
 */
export interface OobSendLimitOptions {
  /** Clock; `Date.now` by default. */
  now?: Clock;
  /** Sends allowed per destination in any hour, 1 to 100. Default 5. */
  maxPerHour?: number;
  /** Least time between two sends, 0 to 3600 s. Default 0 (off). */
  minIntervalSeconds?: number;
}

/**
 * Outcome of {@link checkOobSendLimit}. When allowed, `state` already counts this send: persist it,
 * then send. When refused, `retryAt` says when the next send will be allowed (ms since epoch).
 *
 * @example
 * ```ts
 * const result: OobSendLimitResult = checkOobSendLimit(state, { maxPerHour: 3 });
 * ```
 */
export type OobSendLimitResult =
  | { allowed: true; state: OobSendLimitState }
  | { allowed: false; retryAt: number; state: OobSendLimitState };

const HOUR_MS = 3_600_000;

/**
 * Decides whether one more code may be sent to a destination (against SMS pumping and mail
 * flooding), returning the new window state to store. Pure: the caller loads the state, calls this,
 * and stores the result atomically (compare-and-set, or a store's increment with TTL across
 * processes).
 *
 * @throws MfaError `INVALID_ARGUMENT` for a corrupt state, `INVALID_OPTION` for bad limits.
 * @example
 * ```ts
 * const limitKey = oobDestinationKey(request, { key });
 * const check = checkOobSendLimit(await store.get(limitKey), { maxPerHour: 5 });
 * if (!check.allowed) throw new MfaError('SEND_LIMIT_EXCEEDED', 'try again later', { details: { retryAt: check.retryAt } });
 * await store.put(limitKey, check.state, { ttlMs: 3_600_000 });
 * ```
 */
export function checkOobSendLimit(state: OobSendLimitState | undefined | null, optionsInput?: OobSendLimitOptions): OobSendLimitResult {
  if (optionsInput !== undefined && (typeof optionsInput !== 'object' || optionsInput === null)) {
    throw new MfaError('INVALID_OPTION', 'options must be an object');
  }
  const options = optionsInput ?? {};
  const maxPerHour = options.maxPerHour ?? 5;
  if (!Number.isSafeInteger(maxPerHour) || maxPerHour < 1 || maxPerHour > 100) {
    throw new MfaError('INVALID_OPTION', 'maxPerHour must be an integer from 1 to 100');
  }
  const minInterval = options.minIntervalSeconds ?? 0;
  if (!Number.isSafeInteger(minInterval) || minInterval < 0 || minInterval > 3600) {
    throw new MfaError('INVALID_OPTION', 'minIntervalSeconds must be an integer from 0 to 3600');
  }
  const now = (options.now ?? systemClock)();
  if (!Number.isFinite(now)) throw new MfaError('INVALID_OPTION', 'now() must return milliseconds');
  let sentAt: number[] = [];
  if (state !== undefined && state !== null) {
    if (typeof state !== 'object' || !Array.isArray(state.sentAt) || state.sentAt.length > 1000) {
      throw new MfaError('INVALID_ARGUMENT', 'send-limit state must be { sentAt: number[] }');
    }
    for (const t of state.sentAt) {
      if (typeof t !== 'number' || !Number.isFinite(t)) throw new MfaError('INVALID_ARGUMENT', 'send-limit state holds a non-number');
    }
    // Keep the last hour only; a time in the future (clock moved back) still counts.
    sentAt = state.sentAt.filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
  }
  const kept = { sentAt };
  if (sentAt.length >= maxPerHour) {
    return { allowed: false, retryAt: sentAt[sentAt.length - maxPerHour]! + HOUR_MS, state: kept };
  }
  const last = sentAt[sentAt.length - 1];
  if (last !== undefined && minInterval > 0 && now < last + minInterval * 1000) {
    return { allowed: false, retryAt: last + minInterval * 1000, state: kept };
  }
  return { allowed: true, state: { sentAt: [...sentAt, now] } };
}

/**
 * The key under which a destination's sends are counted: the destination normalised fully, so one
 * mailbox or phone has one limit. Email: trimmed, lower case, trailing dots of the domain dropped
 * (`example.com.` is `example.com` in DNS), and a `+tag` dropped from the local part (RFC 5233
 * subaddresses reach the same mailbox at most providers; where `+` is an ordinary character, two
 * mailboxes share a limit, which only makes it stricter). Dots in the local part are kept: only
 * some providers ignore them, and merging them would tie unrelated mailboxes together. Phone:
 * E.164 without separators. Keyed (HMAC with the app's OOB key), so the key does not reveal the
 * address.
 *
 * @throws MfaError `INVALID_ARGUMENT` for a bad destination, `INVALID_OPTION` for a bad key.
 * @example
 * ```ts
 * const limitKey = oobSendLimitKey({ channel: 'email', destination: 'Ada+mfa@Example.com.' }, { key });
 * // the same key as for 'ada@example.com'
 * ```
 */
export function oobSendLimitKey(request: { readonly channel: OobChannel; readonly destination: string }, options: { key: Uint8Array }): string {
  const key = checkOobKey(options?.key);
  const channel = checkChannel(request?.channel, 'INVALID_ARGUMENT');
  const canonical = canonicalDestination(channel, request.destination, 'INVALID_ARGUMENT');
  return 'oobsend_' + keyedHash(key, ['mfakit/oob/send-limit/v1', channel, channel === 'email' ? mailbox(canonical) : canonical]);
}

/** A canonical (lower-case) address without its subaddress and the domain's trailing dots. */
function mailbox(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).replace(/\.+$/, '');
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${domain}`;
}
