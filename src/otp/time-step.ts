/**
 * RFC 6238 §4.2: the time step number T = floor((now - T0) / X).
 * @module
 */
import { MfaError } from '../errors.js';
import { optionsObject } from '../internal/assert.js';
import { systemClock, type Clock } from '../clock.js';
import { MAX_COUNTER, clockOption, periodOption, readClock, t0Option } from './options.js';

/**
 * Options of {@link totpTimeStep}.
 *
 * @example
 * ```ts
 * totpTimeStep({ period: 60 });
 * ```
 */
export interface TotpTimeStepOptions {
  /** Time step in seconds; default 30. */
  period?: number;
  /** Unix time in seconds of step 0; default 0. */
  t0?: number;
  /** Clock in milliseconds; default `Date.now`. */
  now?: Clock;
}

/** The step containing `ms`, checked to be a valid HOTP counter. Internal. */
export function stepAt(ms: number, period: number, t0: number): number {
  const step = Math.floor((ms - t0 * 1000) / (period * 1000));
  if (!(step >= 0 && step <= MAX_COUNTER)) {
    throw new MfaError('INVALID_OPTION', 'the current time is before t0', { details: { option: 't0' } });
  }
  return step;
}

/**
 * The current TOTP time step: the counter the authenticator uses right now. Useful to store
 * alongside a secret at enrolment so codes from before it are refused.
 *
 * @example
 * ```ts
 * totpTimeStep({ now: () => Date.UTC(2026, 0, 1) }); // 58_907_520
 * ```
 */
export function totpTimeStep(options?: TotpTimeStepOptions): number {
  const o = optionsObject(options);
  const period = periodOption(o.period);
  const t0 = t0Option(o.t0);
  return stepAt(readClock(clockOption(o.now, systemClock)), period, t0);
}
