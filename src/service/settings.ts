/**
 * Resolved service settings: the options validated once, with their defaults, defined below the
 * flows (flows read them from the `ServiceContext`; this file imports no flow).
 * @module
 */
import { MfaError } from '../errors.js';
import { integerOption } from '../internal/assert.js';
import { assertSshNamespace, SSH_CHALLENGE_DEFAULT_TTL_SECONDS } from '../ssh/index.js';
import type { AccountRecoveryAction, AccountRecoverySettings, RememberedDeviceSettings } from './options.js';

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
