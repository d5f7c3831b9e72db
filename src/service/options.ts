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
 * Attempt throttling, per account, across every factor and every process sharing the store. Each
 * attempt is charged before its code is checked. The first `freeAttempts` failures cost nothing;
 * after that each attempt must wait a delay doubling from `baseDelayMs` (capped at `maxDelayMs`)
 * since the previous one; from attempt `lockAfter + 1` on, nothing is checked until the window
 * (`windowMs`, counted from the first failure) ends. Only a successful verification (or
 * `resetThrottle`) clears the count; a password login does not. Attempts refused for a delay count
 * too, so a client ignoring `retryAt` locks itself.
 *
 * @example
 * ```ts
 * const limits: ThrottleLimits = { freeAttempts: 3, lockAfter: 8, windowMs: 86_400_000 };
 * ```
 */
export interface ThrottleLimits {
  /** Failed attempts allowed without delay. Default 5. */
  readonly freeAttempts?: number;
  /** Attempts after which the account is locked for the rest of the window. Default 10 (at most 100, NIST SP 800-63B §5.2.2). */
  readonly lockAfter?: number;
  /** First delay after the free attempts. Default 1000 ms. */
  readonly baseDelayMs?: number;
  /** Longest delay. Default 60 000 ms. */
  readonly maxDelayMs?: number;
  /** How long the failure count lives, from the first failure. Default 24 hours. */
  readonly windowMs?: number;
  /**
   * Attempts allowed between two successes, across windows (a window ending does not reset
   * this count; only a success, an account recovery or `resetThrottle` does). Beyond it login
   * verification is locked until then. Default 50; from `lockAfter` to 100 (NIST SP 800-63B
   * §5.2.2: no more than 100 consecutive failed attempts).
   */
  readonly maxConsecutiveFailures?: number;
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
