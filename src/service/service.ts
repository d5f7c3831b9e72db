/**
 * The MFA service: one object, configured once, whose methods are one-line delegations to the flow
 * modules. To add a flow (WebAuthn, recovery), write a module of functions taking the
 * `ServiceContext` and add one line per method here.
 * @module
 */
import { resealSecrets, type ResealOutcome } from './key-rotation.js';
import { forgetAllDevices, forgetDevice, listRememberedDevices, rememberDevice, type RememberDeviceOptions, type RememberedDevice, type RememberedDeviceToken } from './remembered-devices.js';
import { importAuthenticator, type ImportAuthenticatorOptions, type ImportedAuthenticator } from './authenticator-import.js';
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { requireAccount } from './accounts.js';
import type { ConfirmEnrolmentResult } from './activation.js';
import { startAuthenticatorEnrolment, type AuthenticatorEnrolment, type StartAuthenticatorOptions } from './authenticator-flows.js';
import { regenerateBackupCodes, type RegenerateBackupCodesOptions, type RegeneratedBackupCodes } from './backup-code-flows.js';
import { createServiceContext, type ServiceContext } from './context.js';
import { disableMfa, type DisableMfaOptions, type DisableMfaResult } from './disable.js';
import { cancelEnrolment, confirmEnrolment } from './enrolment-flows.js';
import { listFactors, removeFactor, renameFactor, type RemoveFactorOptions, type RemoveFactorResult } from './factor-management.js';
import type { FactorSummary } from './factor-summary.js';
import { verifyCode, type MfaVerifyResult, type MfaVerifyOptions } from './login-flows.js';
import { loginRequirement, type LoginRequirementOptions, type MfaLoginRequirement } from './login-requirement.js';
import {
  sendLoginCode,
  startOobEnrolment,
  type OobEnrolment,
  type SendLoginCodeOptions,
  type SentLoginCode,
  type StartOobEnrolmentOptions,
} from './oob-flows.js';
import type { MfaServiceOptions } from './options.js';
import { hasStepUp } from './step-up.js';
import { clearAllAttempts } from './throttle.js';
import {
  finishWebAuthnLoginFlow,
  finishWebAuthnRegistrationFlow,
  startWebAuthnLoginFlow,
  startWebAuthnRegistrationFlow,
  type StartWebAuthnLoginOptions,
  type StartWebAuthnRegistrationOptions,
  type WebAuthnLoginFinish,
  type WebAuthnLoginStart,
  type WebAuthnRegistrationFinish,
  type WebAuthnRegistrationStart,
} from './webauthn-flows.js';
import type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON } from '../webauthn/index.js';
import type { AccountRecoveryResult } from './recovery-flows.js';
import { listSshKeys, registerSshKey, removeSshKey, type RegisterSshKeyOptions, type RegisteredSshKey, type RemoveSshKeyOptions } from './ssh-key-flows.js';
import { completeSshRecovery, startSshRecovery, type SshRecoveryStart, type StartSshRecoveryOptions } from './ssh-recovery-flows.js';
import { completePhoneRecovery, startPhoneRecovery, type PhoneRecoveryStart, type StartPhoneRecoveryOptions } from './phone-recovery-flows.js';
import {
  addRecoveryPhone,
  confirmRecoveryPhone,
  type AddRecoveryPhoneOptions,
  type ConfirmRecoveryPhoneResult,
  type RecoveryPhoneEnrolment,
} from './recovery-phone-management.js';

/**
 * The MFA service. Create one per app with {@link createMfaService}; it holds no per-user state
 * (everything lives in the store), so any number of processes can share one store.
 *
 * @example
 * ```ts
 * const service = new MfaService({ issuer: 'ACME', store: createMemoryStore(), keyRing });
 * const pending = await service.startAuthenticatorEnrolment('user-42', { accountName: 'ada@example.com' });
 * ```
 */
export class MfaService {
  /** The resolved context the flows run on (for flow modules added later). */
  readonly context: ServiceContext;

  constructor(options: MfaServiceOptions) {
    this.context = createServiceContext(options);
  }

  // --- enrolment ------------------------------------------------------------------------------

  /** Starts an authenticator-app enrolment: secret, key URI, QR SVG and manual key. Step-up needed once MFA is on. */
  startAuthenticatorEnrolment(accountId: string, options?: StartAuthenticatorOptions): Promise<AuthenticatorEnrolment> {
    return startAuthenticatorEnrolment(this.context, accountId, options);
  }

  /** Replaces a lost device: a new authenticator enrolment that removes `lostFactorId` when confirmed. */
  replaceAuthenticator(accountId: string, lostFactorId: string, options: Omit<StartAuthenticatorOptions, 'replacesFactorId'> & { stepUpToken: string }): Promise<AuthenticatorEnrolment> {
    return startAuthenticatorEnrolment(this.context, accountId, { ...options, replacesFactorId: lostFactorId });
  }

  /**
   * Imports an authenticator app the user already has (migrating from another TOTP system): the
   * secret is sealed and the factor is active at once. A server-side migration step, never a
   * user action: it takes no code and no step-up, so never expose it to users. Backup codes are
   * not created; offer them after the user's next verification (`regenerateBackupCodes`).
   *
   * @example
   * ```ts
   * for (const row of legacyRows) {
   *   await service.importAuthenticator(row.userId, row.base32Secret, { name: 'Phone', lastStep: row.lastStep });
   * }
   * ```
   */
  importAuthenticator(accountId: string, secret: Uint8Array | string, options?: ImportAuthenticatorOptions): Promise<ImportedAuthenticator> {
    return importAuthenticator(this.context, accountId, secret, options);
  }

  /**
   * Re-seals the account's stored TOTP secrets under the key ring's current key (rotation). Secrets
   * are also re-sealed on their next successful use; run this over your accounts to drop an old
   * key without waiting for every user to log in. Emits `secret-resealed` per secret.
   *
   * @example
   * ```ts
   * for (const userId of await allUserIds()) await service.resealSecrets(userId);
   * ```
   */
  resealSecrets(accountId: string): Promise<ResealOutcome> {
    return resealSecrets(this.context, accountId);
  }

  /** Starts an email/SMS factor enrolment (sends a code). Needs the `oob` option. */
  startOobEnrolment(accountId: string, options: StartOobEnrolmentOptions): Promise<OobEnrolment> {
    return startOobEnrolment(this.context, accountId, options);
  }

  /** Confirms a pending enrolment with its first code; returns the first backup codes once. */
  confirmEnrolment(accountId: string, enrolmentId: string, code: string): Promise<ConfirmEnrolmentResult> {
    return confirmEnrolment(this.context, accountId, enrolmentId, code);
  }

  /** Cancels a pending enrolment. */
  cancelEnrolment(accountId: string, enrolmentId: string): Promise<boolean> {
    return cancelEnrolment(this.context, accountId, enrolmentId);
  }

  // --- WebAuthn (security keys, platform authenticators, passkeys) ----------------------------

  /** Starts registering a security key or platform authenticator; pass `options` to the browser. Step-up needed once MFA is on. */
  startWebAuthnRegistration(accountId: string, options?: StartWebAuthnRegistrationOptions): Promise<WebAuthnRegistrationStart> {
    return startWebAuthnRegistrationFlow(this.context, accountId, options);
  }

  /** Completes a WebAuthn registration with the browser's response; returns the first backup codes once. */
  finishWebAuthnRegistration(accountId: string, enrolmentId: string, response: WebAuthnRegistrationResponseJSON): Promise<WebAuthnRegistrationFinish> {
    return finishWebAuthnRegistrationFlow(this.context, accountId, enrolmentId, response);
  }

  /** Starts a WebAuthn login for the account, or with `null` a usernameless passkey login. */
  startWebAuthnLogin(accountId: string | null, options?: StartWebAuthnLoginOptions): Promise<WebAuthnLoginStart> {
    return startWebAuthnLoginFlow(this.context, accountId, options);
  }

  /** Completes a WebAuthn login (challenge spent once); without `accountId` the account comes from the passkey's user handle. */
  finishWebAuthnLogin(response: WebAuthnAuthenticationResponseJSON, options?: { readonly accountId?: string; readonly requester?: string }): Promise<WebAuthnLoginFinish> {
    return finishWebAuthnLoginFlow(this.context, response, options);
  }

  // --- login and step-up ----------------------------------------------------------------------

  /**
   * What a login needs after the password (MFA on? policy deadline? locked?). With the
   * `deviceToken` of a remembered device that is still honoured, `mfaRequired` is `false` and
   * `rememberedDevice` names it.
   */
  loginRequirement(accountId: string, options?: LoginRequirementOptions): Promise<MfaLoginRequirement> {
    return loginRequirement(this.context, accountId, options);
  }

  /** Verifies a code (authenticator apps, then backup codes, then a pending email/SMS code). */
  verify(accountId: string, code: string, options?: MfaVerifyOptions): Promise<MfaVerifyResult> {
    return verifyCode(this.context, accountId, code, options);
  }

  /** Sends an email/SMS login code. */
  sendLoginCode(accountId: string, options?: SendLoginCodeOptions): Promise<SentLoginCode> {
    return sendLoginCode(this.context, accountId, options);
  }

  /** Whether a step-up token is live for the account (for the app's own sensitive actions). */
  async hasRecentStepUp(accountId: string, stepUpToken: string): Promise<boolean> {
    assertId(accountId, 'accountId');
    return hasStepUp(this.context, accountId, stepUpToken);
  }

  /** Clears every attempt record of the account: codes, requesters, recovery (support unlocking an account). Emits `throttle-reset`. */
  async resetThrottle(accountId: string): Promise<void> {
    assertId(accountId, 'accountId');
    await clearAllAttempts(this.context, accountId);
    await this.context.emit({ type: 'throttle-reset', accountId });
  }

  // --- remembered devices ---------------------------------------------------------------------

  /**
   * After a successful second factor: a token that lets this device skip the second factor until
   * it expires (default 30 days) or is revoked. Needs the step-up token of that verification.
   * Throws `REMEMBERED_DEVICES_FORBIDDEN` when a policy requires a second factor at every login.
   */
  rememberDevice(accountId: string, options: RememberDeviceOptions): Promise<RememberedDeviceToken> {
    return rememberDevice(this.context, accountId, options);
  }

  /** The account's remembered devices, newest first (never their tokens). */
  listRememberedDevices(accountId: string): Promise<RememberedDevice[]> {
    return listRememberedDevices(this.context, accountId);
  }

  /** Forgets one remembered device, at once. Returns whether it existed. */
  forgetRememberedDevice(accountId: string, deviceId: string): Promise<boolean> {
    return forgetDevice(this.context, accountId, deviceId);
  }

  /** Forgets every remembered device of the account, at once. Returns how many. */
  forgetAllRememberedDevices(accountId: string): Promise<number> {
    return forgetAllDevices(this.context, accountId);
  }

  // --- managing factors -----------------------------------------------------------------------

  /** Every factor and recovery method, and the backup-code set with its remaining count; `[]` for an account that never enrolled. */
  listFactors(accountId: string): Promise<FactorSummary[]> {
    return listFactors(this.context, accountId);
  }

  /** Renames a factor (names are unique per account). */
  renameFactor(accountId: string, factorId: string, name: string): Promise<FactorSummary> {
    return renameFactor(this.context, accountId, factorId, name);
  }

  /** Removes a factor (step-up; the last login factor only with the "disable" confirmation). */
  removeFactor(accountId: string, factorId: string, options: RemoveFactorOptions): Promise<RemoveFactorResult> {
    return removeFactor(this.context, accountId, factorId, options);
  }

  /** Replaces the backup codes (step-up); the old set dies. Show the new codes once. */
  regenerateBackupCodes(accountId: string, options: RegenerateBackupCodesOptions): Promise<RegeneratedBackupCodes> {
    return regenerateBackupCodes(this.context, accountId, options);
  }

  /** Disables MFA: confirmation "disable", step-up, policy. */
  disable(accountId: string, options: DisableMfaOptions): Promise<DisableMfaResult> {
    return disableMfa(this.context, accountId, options);
  }

  // --- account recovery: registered SSH keys, the phone on file ------------------------------

  /** Registers an SSH public key (as pasted) as a recovery method, not a login factor. Step-up needed. */
  registerSshKey(accountId: string, publicKey: string, options: RegisterSshKeyOptions): Promise<RegisteredSshKey> {
    return registerSshKey(this.context, accountId, publicKey, options);
  }

  /** The account's recovery SSH keys, oldest first. */
  listSshKeys(accountId: string): Promise<RegisteredSshKey[]> {
    return listSshKeys(this.context, accountId);
  }

  /** Removes a recovery SSH key. Step-up needed. */
  removeSshKey(accountId: string, keyId: string, options: RemoveSshKeyOptions): Promise<RegisteredSshKey> {
    return removeSshKey(this.context, accountId, keyId, options);
  }

  /** Issues an SSH recovery challenge: the text, the `ssh-keygen -Y sign` command, the namespace and expiry. */
  startSshRecovery(accountId: string, options?: StartSshRecoveryOptions): Promise<SshRecoveryStart> {
    return startSshRecovery(this.context, accountId, options);
  }

  /** Completes an SSH recovery with the pasted signature (armored, or raw openssl base64 for RSA/ECDSA keys). */
  completeSshRecovery(accountId: string, challengeId: string, signature: string, options?: { readonly requester?: string }): Promise<AccountRecoveryResult> {
    return completeSshRecovery(this.context, accountId, challengeId, signature, options);
  }

  /** Adds (or, with `replacesPhoneId`, changes) a recovery phone: step-up, then a code to the number. */
  addRecoveryPhone(accountId: string, options: AddRecoveryPhoneOptions): Promise<RecoveryPhoneEnrolment> {
    return addRecoveryPhone(this.context, accountId, options);
  }

  /** Confirms a recovery phone with the code sent to it. */
  confirmRecoveryPhone(accountId: string, enrolmentId: string, code: string): Promise<ConfirmRecoveryPhoneResult> {
    return confirmRecoveryPhone(this.context, accountId, enrolmentId, code);
  }

  /** Sends a recovery code by SMS to the phone on file (a recovery phone, else an SMS factor). */
  startPhoneRecovery(accountId: string, options?: StartPhoneRecoveryOptions): Promise<PhoneRecoveryStart> {
    return startPhoneRecovery(this.context, accountId, options);
  }

  /** Completes a phone recovery with the code the user received. */
  completePhoneRecovery(accountId: string, code: string, options?: { readonly requester?: string }): Promise<AccountRecoveryResult> {
    return completePhoneRecovery(this.context, accountId, code, options);
  }

  /** Forgets everything about an account (the app deleted the user). */
  async deleteAccount(accountId: string): Promise<boolean> {
    await requireAccount(this.context, accountId).catch((error: unknown) => {
      if (!(error instanceof MfaError && error.code === 'ACCOUNT_NOT_FOUND')) throw error;
    });
    return this.context.store.deleteAccount(accountId);
  }
}

/**
 * Creates the MFA service. See {@link MfaServiceOptions}.
 *
 * @example
 * ```ts
 * import { createMfaService } from 'mfakit/service';
 * import { createMemoryStore } from 'mfakit/stores/memory';
 * const service = createMfaService({
 *   issuer: 'ACME Cloud',
 *   store: createMemoryStore(),
 *   keyRing: { currentKeyId: 'k1', keys: { k1: crypto.getRandomValues(new Uint8Array(32)) } },
 * });
 * ```
 */
export function createMfaService(options: MfaServiceOptions): MfaService {
  return new MfaService(options);
}
