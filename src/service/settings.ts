/**
 * Resolved service settings: the options validated once, with their defaults, defined below the
 * flows (flows read them from the `ServiceContext`; this file imports no flow).
 * @module
 */
import { MfaError } from '../errors.js';
import { integerOption, invalidValue } from '../internal/assert.js';
import { assertSshNamespace, SSH_CHALLENGE_DEFAULT_TTL_SECONDS } from '../ssh/index.js';
import type { WebAuthnAttestationConveyance } from '../webauthn/index.js';
import type { AccountRecoveryAction, AccountRecoverySettings, RememberedDeviceSettings, WebAuthnServiceSettings } from './options.js';

/** Resolved settings. @internal */
export interface ResolvedRememberedDevices {
  readonly lifetimeMs: number;
  readonly maxPerAccount: number;
  readonly revokeOnFactorChange: boolean;
}

/** @internal */
export function resolveRememberedDevices(options: RememberedDeviceSettings | undefined): ResolvedRememberedDevices {
  const o = options ?? {};
  if (o.revokeOnFactorChange !== undefined && typeof o.revokeOnFactorChange !== 'boolean') {
    throw new MfaError('INVALID_OPTION', 'rememberedDevices.revokeOnFactorChange must be a boolean');
  }
  return {
    lifetimeMs: integerOption('rememberedDevices.lifetimeMs', o.lifetimeMs, { fallback: 30 * 86_400_000, min: 60_000, max: 400 * 86_400_000 }),
    maxPerAccount: integerOption('rememberedDevices.maxPerAccount', o.maxPerAccount, { fallback: 10, min: 1, max: 100 }),
    revokeOnFactorChange: o.revokeOnFactorChange ?? true,
  };
}

/** Resolved settings. @internal */
export interface ResolvedRecoverySettings {
  readonly sshNamespace: string | undefined;
  readonly sshChallengeTtlSeconds: number;
  readonly maxStartsPerHour: number;
  readonly action: AccountRecoveryAction;
}

/**
 * Validates the `recovery` option (`MfaError('INVALID_OPTION')`); every field has a default.
 * @internal
 */
export function resolveRecoverySettings(settings: AccountRecoverySettings | undefined): ResolvedRecoverySettings {
  const s = settings ?? {};
  if (typeof s !== 'object' || s === null) throw new MfaError('INVALID_OPTION', 'recovery must be an object');
  if (s.sshNamespace !== undefined) assertSshNamespace(s.sshNamespace);
  const ttl = s.sshChallengeTtlSeconds ?? SSH_CHALLENGE_DEFAULT_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 30 || ttl > 3600) throw new MfaError('INVALID_OPTION', 'recovery.sshChallengeTtlSeconds must be an integer from 30 to 3600');
  const starts = s.maxStartsPerHour ?? 10;
  if (!Number.isSafeInteger(starts) || starts < 1 || starts > 1000) throw new MfaError('INVALID_OPTION', 'recovery.maxStartsPerHour must be an integer from 1 to 1000');
  const action = s.action ?? 'reset-factors';
  if (action !== 'reset-factors' && typeof action !== 'function') throw new MfaError('INVALID_OPTION', 'recovery.action must be "reset-factors" or a function');
  return { sshNamespace: s.sshNamespace, sshChallengeTtlSeconds: ttl, maxStartsPerHour: starts, action };
}

/** The `webauthn` option, checked, with its ceremony timeout resolved. @internal */
export interface ResolvedWebAuthnSettings extends WebAuthnServiceSettings {
  readonly timeoutMs: number;
  readonly attestationConveyance: WebAuthnAttestationConveyance;
}

/**
 * Validates the `webauthn` option when the service is created (`MfaError('INVALID_OPTION')`);
 * `undefined` when it is absent (the WebAuthn methods then throw `INVALID_OPTION` when called).
 * @internal
 */
export function resolveWebAuthnSettings(settings: WebAuthnServiceSettings | undefined): ResolvedWebAuthnSettings | undefined {
  if (settings === undefined) return undefined;
  if (typeof settings !== 'object' || settings === null) throw new MfaError('INVALID_OPTION', 'webauthn must be an object');
  if (typeof settings.rpId !== 'string' || settings.rpId.length === 0 || !Array.isArray(settings.origins) || settings.origins.length === 0) {
    throw new MfaError('INVALID_OPTION', 'webauthn needs rpId and a non-empty origins list');
  }
  if (settings.relatedRpIds !== undefined && (!Array.isArray(settings.relatedRpIds) || settings.relatedRpIds.some((id) => typeof id !== 'string' || id.length === 0))) {
    throw new MfaError('INVALID_OPTION', 'webauthn.relatedRpIds must be a list of non-empty strings');
  }
  const timeoutMs = settings.timeoutMs ?? 300_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 10_000 || timeoutMs > 600_000) throw new MfaError('INVALID_OPTION', 'webauthn.timeoutMs must be 10000 to 600000');
  return Object.freeze({ ...settings, timeoutMs, attestationConveyance: resolveAttestationConveyance(settings) });
}

const CONVEYANCES: readonly WebAuthnAttestationConveyance[] = ['none', 'indirect', 'direct', 'enterprise'];

/** `webauthn.attestationConveyance`, checked; by default `direct` with metadata (to name and check the model), else `none`. */
function resolveAttestationConveyance(settings: WebAuthnServiceSettings): WebAuthnAttestationConveyance {
  const conveyance = settings.attestationConveyance;
  if (conveyance === undefined) return settings.metadata === undefined ? 'none' : 'direct';
  if (!CONVEYANCES.includes(conveyance)) {
    throw invalidValue('INVALID_OPTION', 'webauthn.attestationConveyance', '"none", "indirect", "direct" or "enterprise"', conveyance);
  }
  // Under 'none' browsers may zero the AAGUID: no registration could then pass the check.
  if (conveyance === 'none' && settings.requireListedAuthenticator === true) {
    throw new MfaError('INVALID_OPTION', 'webauthn.attestationConveyance "none" cannot go with requireListedAuthenticator (browsers may zero the AAGUID under "none")');
  }
  return conveyance;
}
