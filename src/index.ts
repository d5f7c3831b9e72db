/**
 * mfakit: multi-factor authentication for Node and browser apps.
 *
 * The root entry is the front door: what most apps need to run MFA with the service (create it over
 * the in-memory store or a store from `mfakit/stores/*`, enrol, verify, manage factors), the error
 * type and its HTTP statuses, and the few OTP and backup-code functions apps call directly. It names
 * each export on purpose; the full surface of each module is in its subpath (`mfakit/otp`,
 * `mfakit/backup-codes`, `mfakit/oob`, `mfakit/webauthn`, `mfakit/ssh`, `mfakit/policy`,
 * `mfakit/service`, …), which is also the smallest import.
 * @module mfakit
 */

// Errors and time
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from './errors.js';
export { mfaErrorStatus, type MfaHttpStatus } from './http-status.js';
export { systemClock, type Clock } from './clock.js';

// The service and its options
export { MfaService, createMfaService } from './service/service.js';
export type {
  AccountRecoverySettings,
  BackupCodeSettings,
  MfaServiceOptions,
  OobSettings,
  ThrottleLimits,
  TotpSettings,
  WebAuthnServiceSettings,
} from './service/options.js';
export type { MfaKeyRing } from './service/key-ring.js';
export type { MfaEvent, MfaEventSink, MfaEventType } from './service/events.js';
export { createPolicyHook, type PolicyAdapterOptions } from './service/policy-adapter.js';
export type { PolicyHook, PolicyHookDecision } from './service/policy-hook.js';
export type { MfaStore } from './store/contract.js';
export { createMemoryStore } from './stores/memory/index.js';

// What the service's methods take and return
export type { AuthenticatorEnrolment, StartAuthenticatorOptions } from './service/authenticator-flows.js';
export type { ConfirmEnrolmentResult } from './service/activation.js';
export type { MfaVerifyOptions, MfaVerifyResult, VerifyFailureReason } from './service/login-flows.js';
export type { MfaLoginRequirement } from './service/login-requirement.js';
export type { StepUpGrant } from './service/step-up.js';
export { BACKUP_CODES_FACTOR_ID, type FactorSummary } from './service/factor-summary.js';
export type { RegeneratedBackupCodes } from './service/backup-code-flows.js';
export type { RemoveFactorOptions, RemoveFactorResult } from './service/factor-management.js';
export { DISABLE_CONFIRMATION, type DisableMfaOptions, type DisableMfaResult } from './service/disable.js';

// Policies apps hand to createPolicyHook
export type { MfaPolicy, PolicyGrace, PolicyOwner, PolicyResolver } from './policy/policy.js';

// OTP and backup codes used directly (tests, imports, apps without the service)
export { decodeBase32Secret, encodeBase32Secret, generateSecret } from './otp/secret.js';
export { generateTotp, verifyTotp } from './otp/totp.js';
export { buildKeyUri, parseKeyUri } from './otp/key-uri.js';
export { renderQrSvg } from './otp/qr.js';
export { createBackupCodes } from './backup-codes/create.js';
export { verifyBackupCode } from './backup-codes/verify.js';
export { useBackupCode } from './backup-codes/use.js';
