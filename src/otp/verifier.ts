/**
 * The reusable TOTP verifier: one secret, HMAC key state precomputed, nothing allocated per
 * candidate step. This is what a server should keep per authenticator when it checks many codes;
 * {@link verifyTotp} builds one for a single check.
 * @module
 */
import { MfaError } from '../errors.js';
import { integerOption, optionsObject } from '../internal/assert.js';
import { systemClock, type Clock } from '../clock.js';
import { HotpValues, formatCode } from './hotp-value.js';
import { parseOtpCode } from './normalise.js';
import {
  MAX_COUNTER,
  MAX_WINDOW,
  algorithmOption,
  assertSecret,
  clockOption,
  digitsOption,
  invalidOption,
  periodOption,
  readClock,
  t0Option,
  type OtpAlgorithm,
} from './options.js';
import { stepAt } from './time-step.js';
import type { TotpCheckOptions, TotpFailure, TotpOptions, TotpVerifyResult, TotpWindow } from './types.js';

const MALFORMED: TotpFailure = Object.freeze({ ok: false, reason: 'malformed' });
const MISMATCH: TotpFailure = Object.freeze({ ok: false, reason: 'mismatch' });
const REPLAYED: TotpFailure = Object.freeze({ ok: false, reason: 'replayed' });

/**
 * Options of {@link createTotpVerifier}: how codes are computed, and the default window.
 *
 * @example
 * ```ts
 * createTotpVerifier(secret, { digits: 6, window: { past: 1, future: 1 } });
 * ```
 */
export interface TotpVerifierOptions extends TotpOptions {
  /** Default window for every `verify`; default one step each way. */
  window?: TotpWindow;
}

/**
 * A verifier bound to one TOTP secret. See {@link createTotpVerifier}.
 *
 * @example
 * ```ts
 * const verifier: TotpVerifier = createTotpVerifier(secret);
 * const result = verifier.verify('123456', { afterStep: lastStep });
 * if (result.ok) lastStep = result.step; // persist it: that step and earlier ones are now refused
 * ```
 */
export interface TotpVerifier {
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly period: number;
  readonly t0: number;
  /** Checks a typed code; same result as {@link verifyTotp}. */
  verify(code: string, options?: TotpCheckOptions): TotpVerifyResult;
  /** The code for the current step (or the step at `options.now`). */
  generate(options?: { now?: Clock }): string;
  /** The current time step. */
  step(options?: { now?: Clock }): number;
}

function windowOption(value: unknown, fallbackPast: number, fallbackFuture: number): [number, number] {
  if (value === undefined) return [fallbackPast, fallbackFuture];
  if (value === null || typeof value !== 'object') throw invalidOption('window', 'an object { past?, future? }', value);
  const w = value as TotpWindow;
  return [
    integerOption('window.past', w.past, { fallback: fallbackPast, min: 0, max: MAX_WINDOW }),
    integerOption('window.future', w.future, { fallback: fallbackFuture, min: 0, max: MAX_WINDOW }),
  ];
}

function afterStepOption(value: unknown): number {
  if (value === undefined || value === null) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > MAX_COUNTER) {
    throw invalidOption('afterStep', 'a non-negative integer time step (or null)', value);
  }
  return value;
}

class Verifier implements TotpVerifier {
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly period: number;
  readonly t0: number;
  private readonly values: HotpValues;
  private readonly now: Clock;
  private readonly past: number;
  private readonly future: number;

  /** One-shot verification: options parsed once, no per-call options object. */
  static verifyOnce(secret: Uint8Array, code: string, options: (TotpVerifierOptions & TotpCheckOptions) | undefined): TotpVerifyResult {
    const afterStep = options === undefined ? -1 : afterStepOption(optionsObject(options).afterStep);
    const verifier = new Verifier(secret, options);
    return verifier.#check(code, verifier.now, verifier.past, verifier.future, afterStep);
  }

  constructor(secret: Uint8Array, options: TotpVerifierOptions | undefined) {
    const o = optionsObject(options);
    assertSecret(secret);
    this.algorithm = algorithmOption(o.algorithm);
    this.digits = digitsOption(o.digits);
    this.period = periodOption(o.period);
    this.t0 = t0Option(o.t0);
    this.now = clockOption(o.now, systemClock);
    [this.past, this.future] = windowOption(o.window, 1, 1);
    this.values = new HotpValues(secret, this.algorithm, this.digits);
  }

  step(options?: { now?: Clock }): number {
    const now = options === undefined ? this.now : clockOption(optionsObject(options).now, this.now);
    return stepAt(readClock(now), this.period, this.t0);
  }

  generate(options?: { now?: Clock }): string {
    return formatCode(this.values.at(this.step(options)), this.digits);
  }

  verify(code: string, options?: TotpCheckOptions): TotpVerifyResult {
    if (options === undefined) return this.#check(code, this.now, this.past, this.future, -1);
    const o = optionsObject(options);
    const now = clockOption(o.now, this.now);
    const afterStep = afterStepOption(o.afterStep);
    // No window override (the service's case): no pair to build.
    if (o.window === undefined) return this.#check(code, now, this.past, this.future, afterStep);
    const [past, future] = windowOption(o.window, this.past, this.future);
    return this.#check(code, now, past, future, afterStep);
  }

  /** The verification itself, options already checked. `afterStep` -1 means none. */
  #check(code: string, now: Clock, past: number, future: number, afterStep: number): TotpVerifyResult {
    // Normalise and parse first: every later decision sees the canonical code.
    const input = parseOtpCode(code, this.digits);
    const current = stepAt(readClock(now), this.period, this.t0);
    if (input < 0) return MALFORMED;

    const values = this.values;
    // Steps after afterStep are candidates; try the current step first, then outwards, so the
    // usual case (a code from the current step) costs one HMAC.
    const fresh = afterStep + 1;
    const span = past > future ? past : future;
    for (let d = 0; d <= span; d++) {
      const before = current - d;
      // Integer comparison of the whole code: one operation, no early exit per digit.
      if (d <= past && before >= fresh && values.at(before) === input) return { ok: true, step: before, drift: before - current };
      const after = current + d;
      if (d > 0 && d <= future && after >= fresh && after <= MAX_COUNTER && values.at(after) === input) {
        return { ok: true, step: after, drift: d };
      }
    }
    // No usable step matched. A match among the refused steps is a replay, worth telling apart.
    const lowest = current - past > 0 ? current - past : 0;
    const highest = current + future;
    for (let s = lowest; s < fresh && s <= highest; s++) {
      if (values.at(s) === input) return REPLAYED;
    }
    return MISMATCH;
  }
}

/** One-shot verification for {@link verifyTotp}: options parsed once, no per-call object. Internal. */
export function verifyOnce(secret: Uint8Array, code: string, options: (TotpVerifierOptions & TotpCheckOptions) | undefined): TotpVerifyResult {
  return Verifier.verifyOnce(secret, code, options);
}

/**
 * Creates a verifier for one TOTP secret. The HMAC inner and outer key states are computed once
 * and cloned for each candidate step, so checking a code costs two hash compressions per step in
 * the window and no allocation per step: keep one per authenticator on a busy server.
 *
 * The secret bytes are absorbed into the hash states at creation; later changes to the array do
 * not affect the verifier.
 *
 * @example
 * ```ts
 * const verifier = createTotpVerifier(secret, { digits: 6, period: 30 });
 * const result = verifier.verify('123 456', { afterStep: stored.lastStep });
 * if (result.ok) await store.saveLastStep(result.step); // refuse this code from now on
 * ```
 */
export function createTotpVerifier(secret: Uint8Array, options?: TotpVerifierOptions): TotpVerifier {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new MfaError('INVALID_ARGUMENT', 'options must be an object');
  }
  return new Verifier(secret, options);
}
