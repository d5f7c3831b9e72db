/**
 * Resolved service settings: the options validated once, with their defaults, defined below the
 * flows (flows read them from the `ServiceContext`; this file imports no flow).
 * @module
 */
import { MfaError } from '../errors.js';
import { integerOption } from '../internal/assert.js';
import type { RememberedDeviceSettings } from './options.js';

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
