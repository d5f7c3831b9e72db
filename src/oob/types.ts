/**
 * The shapes shared by out-of-band (email and SMS) codes: requests, stored records, messages and
 * the sender interface an app implements.
 * @module
 */

/**
 * Where an out-of-band code goes.
 *
 * @example
 * ```ts
 * const channel: OobChannel = 'email';
 * ```
 */
export type OobChannel = 'email' | 'sms';

/**
 * What a code is for. A code issued for one purpose never verifies for another. The three named
 * purposes are the usual ones; any short identifier (`[A-Za-z0-9._:-]`, at most 64 characters) works.
 *
 * @example
 * ```ts
 * const purpose: OobPurpose = 'phone-verification';
 * ```
 */
export type OobPurpose = 'login' | 'recovery' | 'phone-verification' | (string & {});

/**
 * A request for a code: what for, over which channel, to which destination. Email addresses are
 * compared case-insensitively; phone numbers must be E.164 (`+` and 6 to 15 digits; spaces, dots,
 * dashes and parentheses are ignored).
 *
 * @example
 * ```ts
 * const request: OobCodeRequest = { purpose: 'login', channel: 'email', destination: 'ada@example.com' };
 * ```
 */
export interface OobCodeRequest {
  purpose: OobPurpose;
  channel: OobChannel;
  destination: string;
}

/**
 * What a store keeps for one issued code. Holds no code, only a keyed hash (HMAC-SHA256 over the
 * purpose, channel, destination, length, issue and expiry times, and the code). `id` derives from
 * purpose, channel and destination, so storing a new record under it replaces the previous code.
 * Persist the record `verifyOobCode` returns after every attempt.
 *
 * @example
 * ```ts
 * await store.put(record.id, record); // replaces any earlier code for this purpose and destination
 * ```
 */
export interface OobCodeRecord {
  /** `oob_` + keyed hash of purpose, channel and destination (no personal data in clear). */
  id: string;
  purpose: string;
  channel: OobChannel;
  /** The destination in canonical form (lower-case email, E.164 phone number). */
  destination: string;
  /** base64url HMAC-SHA256 of the code and everything above. */
  hash: string;
  /** Number of digits of the code. */
  digits: number;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  /** Milliseconds since the epoch; the code is refused from this instant on. */
  expiresAt: number;
  /** Wrong (and right) attempts so far. */
  attempts: number;
  /** Attempts allowed before the code dies. */
  maxAttempts: number;
  /** When the code was accepted; a used code never verifies again. */
  usedAt: number | null;
}

/**
 * What a sender delivers. `destination` is as the request gave it (trimmed); `expiresAt` is in
 * milliseconds since the epoch.
 *
 * @example
 * ```ts
 * const message: OobMessage = { channel: 'sms', destination: '+33612345678', code: '492039',
 *   purpose: 'login', expiresAt: Date.now() + 600_000 };
 * ```
 */
export interface OobMessage {
  channel: OobChannel;
  destination: string;
  code: string;
  purpose: string;
  expiresAt: number;
}

/**
 * Delivers codes; the app implements it (or uses `mfakit/adapters/smtp` for email). Throw
 * `MfaError('DELIVERY_FAILED')` when delivery fails. Never log `message.code`.
 *
 * @example
 * ```ts
 * const smsSender: OobSender = {
 *   async send({ destination, code }) { await smsApi.send(destination, `Your code: ${code}`); },
 * };
 * ```
 */
export interface OobSender {
  /** Delivers one message: resolve once the provider has accepted it, reject with `MfaError('DELIVERY_FAILED')` otherwise. */
  send(message: OobMessage): Promise<void>;
}

/**
 * Assurance of each out-of-band channel. Both are low: NIST SP 800-63B restricts SMS (SIM swap,
 * SS7 interception) and does not count email as an authenticator at all. Policies may exclude them.
 *
 * @example
 * ```ts
 * if (OOB_ASSURANCE[factor.channel] === 'low' && policy.requireHighAssurance) deny();
 * ```
 */
export const OOB_ASSURANCE: Readonly<Record<OobChannel, 'low'>> = Object.freeze({ email: 'low', sms: 'low' });
