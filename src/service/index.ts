/**
 * `mfakit/service`: the MFA service (account flows over a store, step-up, throttling, events) and
 * the storage contract that stores implement.
 *
 * @example
 * ```ts
 * import { createMfaService } from 'mfakit/service';
 * import { createMemoryStore } from 'mfakit/stores/memory';
 * const service = createMfaService({ issuer: 'ACME', store: createMemoryStore(), keyRing });
 * const pending = await service.startAuthenticatorEnrolment('user-42');
 * ```
 * @module mfakit/service
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export { systemClock, type Clock } from '../clock.js';
export { mfaErrorStatus, type MfaHttpStatus } from '../http-status.js';
export * from '../store/records.js';
export * from '../store/attempts.js';
export type * from '../store/contract.js';
export { MfaService, createMfaService } from './service.js';
export type { MfaServiceOptions, ThrottleLimits, TotpSettings, BackupCodeSettings, OobSettings } from './options.js';
export { createServiceContext, type ServiceContext } from './context.js';
export type { MfaKeyRing, SealedSecret } from './key-ring.js';
export { maskDestination, type MfaEvent, type MfaEventSink, type MfaEventType } from './events.js';
export type { PolicyHook, PolicyAction, PolicyHookDecision, RememberDevicePolicyDecision } from './policy-hook.js';
export { BACKUP_CODES_FACTOR_ID, type FactorSummary } from './factor-summary.js';
export type { StepUpGrant } from './step-up.js';
export type { ConfirmEnrolmentResult } from './activation.js';
export type { StartAuthenticatorOptions, AuthenticatorEnrolment } from './authenticator-flows.js';
export type { ImportAuthenticatorOptions, ImportedAuthenticator } from './authenticator-import.js';
export type { ResealOutcome } from './key-rotation.js';
export type { RegenerateBackupCodesOptions, RegeneratedBackupCodes } from './backup-code-flows.js';
export type { MfaVerifyOptions, VerifyFailureReason, MfaVerifyResult } from './login-flows.js';
export type { CodeFactorKind } from './kinds/registry.js';
export type { LoginFactorKind, RecoveryMethodKind } from '../factor-kinds.js';
export type { LoginRequirementOptions, MfaLoginRequirement } from './login-requirement.js';
export type { RememberDeviceOptions, RememberedDevice, RememberedDeviceSettings, RememberedDeviceToken } from './remembered-devices.js';
export type { StartOobEnrolmentOptions, OobEnrolment, SendLoginCodeOptions, SentLoginCode } from './oob-flows.js';
export type { RemoveFactorOptions, RemoveFactorResult } from './factor-management.js';
export { DISABLE_CONFIRMATION, type DisableMfaOptions, type DisableMfaResult } from './disable.js';
export type { EnrolmentGuardOptions } from './enrolment-guard.js';
export { createPolicyHook, DEFAULT_POLICY_RECOVERY_KINDS, type PolicyAdapterOptions } from './policy-adapter.js';
export type {
  AccountRecoveryAction,
  AccountRecoveryFailureReason,
  AccountRecoveryMethod,
  AccountRecoveryResult,
  AccountRecoverySettings,
  MfaReenrolmentRequirement,
  RecoveredAccount,
} from './recovery-flows.js';
export type { RegisterSshKeyOptions, RegisteredSshKey, RemoveSshKeyOptions } from './ssh-key-flows.js';
export type { SshRecoveryStart, StartSshRecoveryOptions } from './ssh-recovery-flows.js';
export type { PhoneRecoveryStart, StartPhoneRecoveryOptions } from './phone-recovery-flows.js';
export type { AddRecoveryPhoneOptions, ConfirmRecoveryPhoneResult, RecoveryPhoneEnrolment } from './recovery-phone-management.js';
export type {
  StartWebAuthnLoginOptions,
  StartWebAuthnRegistrationOptions,
  WebAuthnLoginFailure,
  WebAuthnLoginFinish,
  WebAuthnLoginStart,
  WebAuthnRegistrationFinish,
  WebAuthnRegistrationStart,
  WebAuthnServiceSettings,
} from './webauthn-flows.js';
