/**
 * The `ServiceContext`: everything a flow needs, resolved once from the options. Flows are plain
 * functions `(ctx, …args)`, so a new flow module (WebAuthn, recovery) needs only this and one line
 * in the service class.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import {
  resolveRecoverySettings,
  resolveRememberedDevices,
  resolveWebAuthnSettings,
  type ResolvedRecoverySettings,
  type ResolvedRememberedDevices,
  type ResolvedWebAuthnSettings,
} from './settings.js';
import { MfaError } from '../errors.js';
import { integerOption } from '../internal/assert.js';
import { bytesToBase64Url, secureRandom, type RandomSource } from '../internal/bytes.js';
import type { OtpAlgorithm } from '../otp/index.js';
import { deliverEvent, type MfaEvent, type MfaEventSink } from './events.js';
import { createSecretSealer, type SecretSealer } from './key-ring.js';
import type { BackupCodeSettings, MfaServiceOptions, OobSettings } from './options.js';
import type { PolicyHook } from './policy-hook.js';
import type { MfaStore } from '../store/contract.js';
import { withArgumentChecks } from '../store/arguments.js';
import { VerifierCache } from './verifier-cache.js';
import type { MfaAttemptRule } from '../store/attempts.js';

/** How long code and recovery failures are remembered without a success: one year. */
const FAILURE_MEMORY_MS = 365 * 86_400_000;

/** Resolved throttle limits: the rule of each attempt record. @internal */
export interface ResolvedLimits {
  /** The account's shared code record. */
  readonly code: MfaAttemptRule;
  /** One requester's records (its code guesses, its failed signatures). */
  readonly requester: MfaAttemptRule;
  /** The account's recovery record. */
  readonly recovery: MfaAttemptRule;
}

/** Resolved TOTP settings. @internal */
export interface ResolvedTotp {
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly period: number;
  readonly window: { readonly past: number; readonly future: number };
  readonly secretBytes: number;
}

/**
 * What every flow receives: the store, the clock, randomness, the sealer, limits and the event
 * sink. Build one with {@link createServiceContext}; flow modules take it as their first argument.
 *
 * @example
 * ```ts
 * // a new flow module
 * export async function countFactors(ctx: ServiceContext, accountId: string): Promise<number> {
 *   return (await ctx.store.listFactors(accountId)).length;
 * }
 * ```
 */
export interface ServiceContext {
  readonly issuer: string;
  readonly store: MfaStore;
  readonly now: Clock;
  readonly random: RandomSource;
  readonly sealer: SecretSealer;
  readonly limits: ResolvedLimits;
  readonly totp: ResolvedTotp;
  readonly backupCodes: BackupCodeSettings;
  readonly oob: OobSettings | undefined;
  readonly policy: PolicyHook | undefined;
  readonly enrolmentTtlMs: number;
  readonly stepUpWindowMs: number;
  readonly rememberedDevices: ResolvedRememberedDevices;
  /** The `webauthn` option, checked when the service was created; `undefined` without it. */
  readonly webauthn: ResolvedWebAuthnSettings | undefined;
  readonly recovery: ResolvedRecoverySettings;
  readonly verifiers: VerifierCache;
  /** Emits an audit event (stamped with the clock); never throws. */
  emit(event: Omit<MfaEvent, 'at'> & { at?: number }): Promise<void>;
  /** A fresh random id with a prefix (`f_…`, `e_…`). */
  newId(prefix: string): string;
}

/** The settled promise `emit` returns when there is no sink: nothing to wait for. */
const NOTHING: Promise<void> = Promise.resolve();

function resolveLimits(l: NonNullable<MfaServiceOptions['limits']>): ResolvedLimits {
  const cap = Math.min(
    integerOption('limits.maxConsecutiveFailures', l.maxConsecutiveFailures, { fallback: 100, min: 1, max: 100 }),
    integerOption('limits.lockAfter', l.lockAfter, { fallback: 100, min: 1, max: 100 }),
  );
  const freeAttempts = integerOption('limits.freeAttempts', l.freeAttempts, { fallback: Math.min(5, cap), min: 1, max: cap });
  if (l.windowMs !== undefined) integerOption('limits.windowMs', l.windowMs, { fallback: 0, min: 1000, max: 30 * 86_400_000 });
  const baseDelayMs = integerOption('limits.baseDelayMs', l.baseDelayMs, { fallback: 1000, min: 0, max: 3_600_000 });
  const maxDelayMs = integerOption('limits.maxDelayMs', l.maxDelayMs, { fallback: 900_000, min: 0, max: 86_400_000 });
  const r = l.requester ?? {};
  const requesterCap = integerOption('limits.requester.maxConsecutiveFailures', r.maxConsecutiveFailures, { fallback: Math.min(10, cap), min: 1, max: cap });
  const recoveryCap = integerOption('limits.recoveryFailures', l.recoveryFailures, { fallback: 10, min: 1, max: 100 });
  return {
    code: { limit: cap, freeAttempts, baseDelayMs, maxDelayMs, memoryMs: FAILURE_MEMORY_MS },
    requester: {
      limit: requesterCap,
      freeAttempts: integerOption('limits.requester.freeAttempts', r.freeAttempts, { fallback: Math.min(3, requesterCap), min: 0, max: requesterCap }),
      baseDelayMs,
      maxDelayMs,
      memoryMs: integerOption('limits.requester.forgetAfterMs', r.forgetAfterMs, { fallback: 86_400_000, min: 60_000, max: 30 * 86_400_000 }),
    },
    recovery: { limit: recoveryCap, freeAttempts: Math.min(5, recoveryCap), baseDelayMs, maxDelayMs, memoryMs: FAILURE_MEMORY_MS },
  };
}

/**
 * Validates the options and builds the {@link ServiceContext}. Throws `MfaError('INVALID_OPTION')`.
 *
 * @example
 * ```ts
 * const ctx = createServiceContext({ issuer: 'ACME', store, keyRing });
 * ```
 */
export function createServiceContext(options: MfaServiceOptions): ServiceContext {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  if (typeof options.issuer !== 'string' || options.issuer.length === 0 || options.issuer.includes(':')) {
    throw new MfaError('INVALID_OPTION', 'issuer must be a non-empty string without ":"');
  }
  const store = options.store;
  if (typeof store !== 'object' || store === null || typeof store.advanceFactorStep !== 'function') {
    throw new MfaError('INVALID_OPTION', 'store must implement MfaStore');
  }
  const random = options.random ?? secureRandom;
  const now = options.now ?? systemClock;
  if (typeof now !== 'function' || typeof random !== 'function') throw new MfaError('INVALID_OPTION', 'now and random must be functions');
  const limits = resolveLimits(options.limits ?? {});
  const t = options.totp ?? {};
  const algorithm = t.algorithm ?? 'SHA1';
  if (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') {
    throw new MfaError('INVALID_OPTION', 'totp.algorithm must be SHA1, SHA256 or SHA512');
  }
  const totp: ResolvedTotp = {
    algorithm,
    digits: integerOption('totp.digits', t.digits, { fallback: 6, min: 6, max: 8 }),
    period: integerOption('totp.period', t.period, { fallback: 30, min: 1, max: 300 }),
    window: {
      past: integerOption('totp.window.past', t.window?.past, { fallback: 1, min: 0, max: 10 }),
      future: integerOption('totp.window.future', t.window?.future, { fallback: 1, min: 0, max: 10 }),
    },
    secretBytes: integerOption('totp.secretBytes', t.secretBytes, { fallback: 20, min: 16, max: 64 }),
  };
  const sink: MfaEventSink | undefined = options.events;
  if (sink !== undefined && typeof sink !== 'function') throw new MfaError('INVALID_OPTION', 'events must be a function');
  if (options.oob !== undefined && (typeof options.oob.sender?.send !== 'function' || !(options.oob.key instanceof Uint8Array))) {
    throw new MfaError('INVALID_OPTION', 'oob needs { key: Uint8Array, sender: { send } }');
  }
  if (options.policy !== undefined && typeof options.policy.check !== 'function') {
    throw new MfaError('INVALID_OPTION', 'policy must have a check(action, context) method');
  }
  return {
    issuer: options.issuer,
    store: withArgumentChecks(store),
    now,
    random,
    sealer: createSecretSealer(options.keyRing, random),
    limits,
    totp,
    backupCodes: options.backupCodes ?? {},
    oob: options.oob,
    policy: options.policy,
    enrolmentTtlMs: integerOption('enrolmentTtlMs', options.enrolmentTtlMs, { fallback: 600_000, min: 30_000, max: 86_400_000 }),
    stepUpWindowMs: integerOption('stepUpWindowMs', options.stepUpWindowMs, { fallback: 600_000, min: 10_000, max: 86_400_000 }),
    rememberedDevices: resolveRememberedDevices(options.rememberedDevices),
    verifiers: new VerifierCache(integerOption('verifierCacheSize', options.verifierCacheSize, { fallback: 10_000, min: 0, max: 1_000_000 })),
    recovery: resolveRecoverySettings(options.recovery),
    webauthn: resolveWebAuthnSettings(options.webauthn),
    emit: sink === undefined ? () => NOTHING : (event) => deliverEvent(sink, { ...event, at: event.at ?? now() }),
    newId: (prefix) => `${prefix}_${bytesToBase64Url(random(16))}`,
  };
}
