/**
 * The service's options, and the defaults that make them safe.
 * @module
 */
import type { Clock } from '../clock.js';
import type { RandomSource } from '../internal/bytes.js';
import type { BackupCodeKdf } from '../backup-codes/index.js';
import type { OtpAlgorithm } from '../otp/index.js';
import type { OobChannel, OobSender } from '../oob/index.js';
import type { RecoveryMethodKind } from '../factor-kinds.js';
import type { MfaEventSink } from './events.js';
import type { MfaKeyRing } from './key-ring.js';
import type { PolicyHook } from './policy-hook.js';
import type { MfaStore } from '../store/contract.js';
import type { FidoMetadata, WebAuthnAttestationConveyance, WebAuthnAttestationFormat } from '../webauthn/index.js';

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
  /** Codes sent per destination per hour (the destination normalised, see `oobSendLimitKey`); default 5. */
  readonly maxSendsPerHour?: number;
  /**
   * Codes sent for one account per hour, across all its destinations (enrolment, login and
   * recovery codes); default 10. Stops one account from making the service send to many
   * destinations (SMS pumping, mail flooding) while each stays under its own limit.
   */
  readonly maxSendsPerAccountPerHour?: number;
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
  /** Remembered devices ("don't ask again on this browser"): life, per-account limit, revocation. */
  readonly rememberedDevices?: RememberedDeviceSettings;
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

/**
 * WebAuthn settings of the service (option `webauthn`).
 *
 * @example
 * ```ts
 * const webauthn: WebAuthnServiceSettings = { rpId: 'example.org', rpName: 'Example', origins: ['https://example.org'] };
 * ```
 */
export interface WebAuthnServiceSettings {
  /** The RP ID (registrable domain of the site); put in ceremony options unless a start call names another. */
  readonly rpId: string;
  /**
   * More RP IDs whose credentials are accepted (related origins, WebAuthn L3 §5.11: sister sites,
   * or a move to a new domain). A response verifies when its rpIdHash is that of `rpId` or of one
   * of these; list their origins in `origins` too. Default: `rpId` alone.
   */
  readonly relatedRpIds?: readonly string[];
  /** Shown by the browser; default the service issuer. */
  readonly rpName?: string;
  /** Allowed origins, e.g. `https://example.org`. */
  readonly origins: readonly string[];
  /** COSE algorithms (default Ed25519, ES256, RS256). */
  readonly algorithms?: readonly number[];
  /** Require UV for second-factor use too (passkey login always requires it); default false. */
  readonly requireUserVerification?: boolean;
  /** Ceremony timeout and challenge lifetime, ms; default 300000. */
  readonly timeoutMs?: number;
  /** Attestation: roots, and whether only trusted attestation is accepted (default: any). */
  readonly attestationRoots?: readonly Uint8Array[] | Partial<Record<WebAuthnAttestationFormat, readonly Uint8Array[]>>;
  readonly requireTrustedAttestation?: boolean;
  /**
   * A verified FIDO metadata blob (`verifyFidoMetadataBlob` of `mfakit/webauthn`): factors
   * registered while it is set carry the authenticator's name (`authenticatorName` in summaries),
   * and `packed`/`tpm`/`android-key` chains to the listed roots count as trusted. Registrations
   * then ask for `direct` attestation unless `attestationConveyance` says otherwise (under `none`
   * browsers may zero the AAGUID).
   */
  readonly metadata?: FidoMetadata;
  /**
   * The attestation conveyance preference registrations ask the browser for (`attestation` in the
   * creation options). Default: `direct` when `metadata` is given, so the model can be named and
   * checked, else `none`. Set `none` to ask no attestation even with metadata (fewer prompts, less
   * identifying data; browsers may then zero the AAGUID, so factors often carry no model name);
   * `none` together with `requireListedAuthenticator` is refused (`MfaError('INVALID_OPTION')`),
   * as is any value but the four preferences.
   *
   * @example
   * ```ts
   * const webauthn: WebAuthnServiceSettings = {
   *   rpId: 'example.org',
   *   origins: ['https://example.org'],
   *   metadata: await verifyFidoMetadataBlob(blob, fidoRoot),
   *   attestationConveyance: 'none', // name models when the browser passes the AAGUID, never ask for attestation
   * };
   * ```
   */
  readonly attestationConveyance?: WebAuthnAttestationConveyance;
  /**
   * Register only authenticators the metadata lists, with no revoked or compromise status, whose
   * attestation chains to the listed roots (a policy for organisations that allow certain keys only).
   */
  readonly requireListedAuthenticator?: boolean;
  /** A counter that does not increase (possible clone): `reject` (default) or `accept` (reported in the event). */
  readonly onCounterRegression?: 'reject' | 'accept';
}

/**
 * How an account is recovered: `ssh-key` (a signed challenge) or `phone` (a code by SMS).
 *
 * @example
 * ```ts
 * const method: AccountRecoveryMethod = 'ssh-key';
 * ```
 */
export type AccountRecoveryMethod = RecoveryMethodKind;

/**
 * What the service was told about a completed recovery (input of a custom
 * {@link AccountRecoveryAction}).
 *
 * @example
 * ```ts
 * const recovered: RecoveredAccount = { accountId: 'user-42', method: 'ssh-key', factorId: 'ssh_…', at: Date.now() };
 * ```
 */
export interface RecoveredAccount {
  readonly accountId: string;
  readonly method: AccountRecoveryMethod;
  /** The SSH key or phone (recovery method or SMS factor) that proved the recovery. */
  readonly factorId: string;
  readonly at: number;
}

/**
 * What a successful recovery does:
 * - `reset-factors` (default): removes every login factor, backup code and pending enrolment
 *   (recovery methods stay), revokes step-up grants, and requires a new enrolment at next login
 *   (`loginRequirement(...).reenrolmentRequired`);
 * - a function: the app's own action instead (nothing is removed; the challenge is spent and the
 *   events are emitted either way). A throwing action surfaces as `MfaError('INTERNAL')`.
 *
 * @example
 * ```ts
 * const action: AccountRecoveryAction = async ({ accountId, method }) => { await tickets.open(accountId, method); };
 * ```
 */
export type AccountRecoveryAction = 'reset-factors' | ((recovered: RecoveredAccount) => void | Promise<void>);

/**
 * Account recovery settings (service option `recovery`).
 *
 * @example
 * ```ts
 * const recovery: AccountRecoverySettings = { sshNamespace: 'recovery@example.com' };
 * ```
 */
export interface AccountRecoverySettings {
  /**
   * The SSHSIG namespace users sign recovery challenges for (`ssh-keygen -Y sign -n …`): app
   * specific, e.g. `recovery@example.com`; never `file`, `git` or `email`. Needed for SSH recovery.
   */
  readonly sshNamespace?: string;
  /** Lifetime of an SSH recovery challenge, 30 to 3600 s; default 900 (15 minutes). */
  readonly sshChallengeTtlSeconds?: number;
  /** Recovery challenges (SSH or phone) an account may start per hour; default 10. */
  readonly maxStartsPerHour?: number;
  /** What a successful recovery does; default `reset-factors`. */
  readonly action?: AccountRecoveryAction;
}

/**
 * Settings of remembered devices (`createMfaService({ rememberedDevices })`).
 *
 * @example
 * ```ts
 * const settings: RememberedDeviceSettings = { lifetimeMs: 30 * 86_400_000, maxPerAccount: 10, revokeOnFactorChange: true };
 * ```
 */
export interface RememberedDeviceSettings {
  /** How long a device is remembered, from its creation (fixed, not sliding); default 30 days, at most 400 days. */
  readonly lifetimeMs?: number;
  /** How many devices one account keeps; remembering one more forgets the least recently used. Default 10. */
  readonly maxPerAccount?: number;
  /** Forget every device when a login factor is removed or replaced (default `true`). */
  readonly revokeOnFactorChange?: boolean;
}
