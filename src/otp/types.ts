/**
 * Option and result types shared by the TOTP functions and the reusable verifier.
 * @module
 */
import type { Clock } from '../clock.js';
import type { OtpAlgorithm } from './options.js';

export type { OtpAlgorithm } from './options.js';

/**
 * How codes are computed for one TOTP secret (RFC 6238). All optional; defaults match authenticator apps.
 *
 * @example
 * ```ts
 * const options: TotpOptions = { algorithm: 'SHA1', digits: 6, period: 30 };
 * ```
 */
export interface TotpOptions {
  /** HMAC hash: `'SHA1'` (default, what every app supports), `'SHA256'` or `'SHA512'`. */
  algorithm?: OtpAlgorithm;
  /** Code length, 6 (default) to 8. */
  digits?: number;
  /** Time step in seconds, a positive integer; default 30. */
  period?: number;
  /** Unix time in seconds at which step 0 begins (RFC 6238 T0); default 0. */
  t0?: number;
  /** Server clock in milliseconds since the epoch; default `Date.now`. Never a client's time. */
  now?: Clock;
}

/**
 * How many time steps around the current one a code may come from.
 *
 * @example
 * ```ts
 * verifyTotp(secret, code, { window: { past: 1, future: 0 } });
 * ```
 */
export interface TotpWindow {
  /** Steps before the current one to accept (a slow phone clock); default 1, at most 10. */
  past?: number;
  /** Steps after the current one to accept (a fast phone clock); default 1, at most 10. */
  future?: number;
}

/**
 * Options of one verification, besides how codes are computed.
 *
 * @example
 * ```ts
 * verifier.verify(code, { afterStep: lastStep, window: { past: 1, future: 1 } });
 * ```
 */
export interface TotpCheckOptions {
  /** Server clock in milliseconds; default the verifier's clock (`Date.now`). */
  now?: Clock;
  /** Accepted drift; default one step each way (RFC 6238 §5.2). */
  window?: TotpWindow;
  /**
   * The last time step accepted for this authenticator (store `step` from a successful result).
   * Any code from this step or an earlier one is refused with reason `'replayed'` (RFC 6238 §5.2:
   * a code is accepted only once). `null` or absent: nothing accepted yet.
   */
  afterStep?: number | null;
}

/**
 * Options of {@link verifyTotp}.
 *
 * @example
 * ```ts
 * const options: TotpVerifyOptions = { digits: 6, afterStep: lastStep };
 * ```
 */
export interface TotpVerifyOptions extends TotpOptions, TotpCheckOptions {}

/**
 * A TOTP code matched. Persist `step` and pass it as `afterStep` next time.
 *
 * @example
 * ```ts
 * const result = verifyTotp(secret, code);
 * if (result.ok) lastStep = result.step; // result.drift: -1, 0 or 1
 * ```
 */
export interface TotpMatch {
  readonly ok: true;
  /** The time step the code belongs to. */
  readonly step: number;
  /** `step` minus the current step: negative when the authenticator's clock is behind. */
  readonly drift: number;
}

/**
 * Why a TOTP code was refused.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'replayed') console.log('code already used');
 * ```
 */
export type TotpFailureReason =
  /** The input is not `digits` digits once spaces and dashes are removed. */
  | 'malformed'
  /** No step inside the window produces this code. */
  | 'mismatch'
  /** The code belongs to a step at or before `afterStep`: it was already used. */
  | 'replayed';

/**
 * A TOTP code was refused. Not an exception: a wrong code is a normal outcome.
 *
 * @example
 * ```ts
 * const result = verifyTotp(secret, '000000');
 * if (!result.ok) console.log(result.reason);
 * ```
 */
export interface TotpFailure {
  readonly ok: false;
  readonly reason: TotpFailureReason;
}

/**
 * The outcome of a TOTP verification.
 *
 * @example
 * ```ts
 * const result: TotpVerifyResult = verifyTotp(secret, code, { afterStep: lastStep });
 * ```
 */
export type TotpVerifyResult = TotpMatch | TotpFailure;
