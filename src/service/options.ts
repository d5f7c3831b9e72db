/**
 * The service's options, and the defaults that make them safe.
 * @module
 */
import type { Clock } from '../clock.js';
import type { RandomSource } from '../internal/bytes.js';
import type { BackupCodeKdf } from '../backup-codes/index.js';
import type { OtpAlgorithm } from '../otp/index.js';
import type { OobChannel, OobSender } from '../oob/index.js';
import type { MfaEventSink } from './events.js';
import type { MfaKeyRing } from './key-ring.js';
import type { PolicyHook } from './policy-hook.js';
import type { MfaStore } from '../store/contract.js';
import type { WebAuthnServiceSettings } from './webauthn-flows.js';
import type { AccountRecoverySettings } from './recovery-flows.js';

/**
 * Attempt throttling (docs/security-throttle.md). Code guesses (authenticator apps, backup codes,
 * email/SMS codes) share one record per account, charged atomically before the code is checked:
 * the first `freeAttempts` failures cost nothing, each later one must wait a delay doubling from
 * `baseDelayMs` up to `maxDelayMs` after the previous one (an attempt sent earlier is refused and
 * not counted, so a burst costs its sender time, not the owner access), and after
 * `maxConsecutiveFailures` failures nothing is checked until a success with a passkey or security
 * key, an account recovery or `resetThrottle`. A failed signature (WebAuthn, SSH) is not a guess
 * and never charges that record. With a requester key (`verify(…, { requester })`), each source
 * also has its own, stricter record (`requester`). Recovery attempts have their own hard cap.
 *
 * @example
 * ```ts
 * const limits: ThrottleLimits = { freeAttempts: 5, maxDelayMs: 600_000, maxConsecutiveFailures: 100, requester: { maxConsecutiveFailures: 10 } };
 * ```
 */
export interface ThrottleLimits {
  /** Failed code attempts allowed without delay. Default 5. */
  readonly freeAttempts?: number;
  /** First delay after the free attempts; doubles with each failure. Default 1000 ms. */
  readonly baseDelayMs?: number;
  /** Longest delay. Default 900 000 ms (15 minutes). */
  readonly maxDelayMs?: number;
  /**
   * Consecutive failed code attempts after which no code is checked until a success with a
   * phishing-resistant factor, a recovery or `resetThrottle`. Default 100, at most 100 (NIST SP
   * 800-63B §5.2.2); the growing delays make reaching it take about a day.
   */
  readonly maxConsecutiveFailures?: number;
  /**
   * @deprecated The old per-window lock. Read as a cap on consecutive failures: the lower of it
   * and `maxConsecutiveFailures` applies.
   */
  readonly lockAfter?: number;
  /** @deprecated Ignored: there is no window any more; failures count until a success. */
  readonly windowMs?: number;
  /**
   * One source's own record (when the app passes a requester key): fewer free attempts and a
   * lower cap than the account as a whole; also limits failed signatures from that source.
   * Defaults: 3 free attempts, 10 consecutive failures, forgotten after 24 hours.
   */
  readonly requester?: {
    readonly freeAttempts?: number;
    readonly maxConsecutiveFailures?: number;
    readonly forgetAfterMs?: number;
  };
  /** Consecutive failed recovery attempts (phone codes, SSH signatures) before recovery locks. Default 10, at most 100. */
  readonly recoveryFailures?: number;
}

/**
 * TOTP parameters for new authenticator apps. Defaults are what every app supports.
 *
 * @example
 * ```ts
 * const totp: TotpSettings = { digits: 6, period: 30, algorithm: 'SHA1', window: { past: 1, future: 1 } };
 * ```
 */
export interface TotpSettings {
  readonly algorithm?: OtpAlgorithm;
  readonly digits?: number;
  readonly period?: number;
  /** Accepted drift in steps; default one each way (RFC 6238 §5.2). */
  readonly window?: { readonly past?: number; readonly future?: number };
  /** Secret length in bytes; default 20 (160 bits). */
  readonly secretBytes?: number;
}

/**
 * Backup-code settings.
 *
 * @example
 * ```ts
 * const backupCodes: BackupCodeSettings = { count: 10, pepper: env.BACKUP_CODE_PEPPER };
 * ```
 */
export interface BackupCodeSettings {
  /** Codes per set; default 10. */
  readonly count?: number;
  /** KDF for new sets; default PBKDF2-SHA256, 10,000 iterations for 80-bit codes (`defaultBackupCodeKdf` in `mfakit/backup-codes`). Existing sets keep verifying with the parameters in their hashes and move to this setting only when regenerated. */
  readonly kdf?: BackupCodeKdf;
  /** Server-side pepper (16+ bytes), kept out of the database. */
  readonly pepper?: Uint8Array;
}

/**
 * Email/SMS codes. Without this option the service offers no email/SMS factor.
 *
 * @example
 * ```ts
 * const oob: OobSettings = { key: env.OOB_KEY, sender: smtpSender, channels: ['email'], allowFallback: true };
 * ```
 */
export interface OobSettings {
  /** Key for the codes' keyed hashes (32 random bytes), kept out of the database. */
  readonly key: Uint8Array;
  /** Delivers codes. */
  readonly sender: OobSender;
  /** Channels allowed as factors; default both. */
  readonly channels?: readonly OobChannel[];
  /**
   * Allow `sendLoginCode` to a destination the app names (a verified address the account has
   * outside MFA) as a fallback login, not only to enrolled email/SMS factors. Default false.
   */
  readonly allowFallback?: boolean;
  /** Code lifetime; default 600 s (the maximum). */
  readonly ttlSeconds?: number;
  /** Codes sent per destination per hour; default 5. */
  readonly maxSendsPerHour?: number;
}

/**
 * Options of {@link createMfaService}. Configure once at start-up.
 *
 * @example
 * ```ts
 * const options: MfaServiceOptions = {
 *   issuer: 'ACME Cloud',
 *   store: createMemoryStore(),
 *   keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 *   events: (event) => console.log(event.type, event.accountId),
 * };
 * ```
 */
export interface MfaServiceOptions {
  /** Shown in authenticator apps (the key URI issuer). */
  readonly issuer: string;
  readonly store: MfaStore;
  /** Encrypts TOTP secrets at rest. */
  readonly keyRing: MfaKeyRing;
  /** Clock; default `Date.now`. */
  readonly now?: Clock;
  /** Randomness; default `crypto.getRandomValues`. */
  readonly random?: RandomSource;
  readonly limits?: ThrottleLimits;
  readonly totp?: TotpSettings;
  readonly backupCodes?: BackupCodeSettings;
  readonly oob?: OobSettings;
  /** Audit events. */
  readonly events?: MfaEventSink;
  /** Refuses enrolments, removals, disabling; states login requirements. */
  readonly policy?: PolicyHook;
  /** How long a pending enrolment lives; default 10 minutes. */
  readonly enrolmentTtlMs?: number;
  /** How long a successful verification counts as a step-up; default 10 minutes. */
  readonly stepUpWindowMs?: number;
  /**
   * How many TOTP verifiers (opened secrets with precomputed HMAC state) to keep in memory, so a
   * verification does not decrypt the secret each time. Default 10 000 (a few MB); 0 turns the cache off.
   */
  readonly verifierCacheSize?: number;
  /** Security keys, platform authenticators and passkeys (RP ID, origins); needed by the WebAuthn methods. */
  readonly webauthn?: WebAuthnServiceSettings;
  /** Account recovery by a registered SSH key or the phone on file (SSH needs `sshNamespace`). */
  readonly recovery?: AccountRecoverySettings;
}
