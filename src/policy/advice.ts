/**
 * Advice that keeps an account out of lockout and its factors healthy.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { MfaError } from '../errors.js';
import { factorKindAssurance } from './factor-kind.js';
import { checkPolicyFactors } from './factors.js';
import type { PolicyFactor } from './policy.js';

/**
 * One piece of advice:
 * - `'add-second-factor'`: only one factor besides backup codes; losing the device locks the
 *   user out (OUTSCALE recommends several methods "to avoid getting locked out");
 * - `'backup-codes-low'`: `remaining` unused backup codes, at or below the threshold;
 * - `'factor-unused'`: not used (or, never used, enrolled) for `unusedForMs`; check it still works.
 *
 * @example
 * ```ts
 * for (const advice of adviseMfaAccount(factors, { backupCodesRemaining: 2 })) notify(advice.type);
 * ```
 */
export type MfaAdvice =
  | { readonly type: 'add-second-factor'; readonly factorId: string }
  | { readonly type: 'backup-codes-low'; readonly remaining: number; readonly threshold: number }
  | { readonly type: 'factor-unused'; readonly factorId: string; readonly since: number; readonly unusedForMs: number };

/**
 * Options of {@link adviseMfaAccount}.
 *
 * @example
 * ```ts
 * const options: MfaAdviceOptions = { backupCodesRemaining: 3, unusedAfterMs: 90 * 86_400_000 };
 * ```
 */
export interface MfaAdviceOptions {
  /** The clock (default `Date.now`). */
  now?: Clock;
  /** Unused backup codes left; without it, no backup-code advice. */
  backupCodesRemaining?: number;
  /** Advise when `backupCodesRemaining` is at or below this (default 3). */
  lowBackupCodesThreshold?: number;
  /** A factor unused this long gets advice (default 180 days). */
  unusedAfterMs?: number;
}

/**
 * Default {@link MfaAdviceOptions.unusedAfterMs}: 180 days.
 *
 * @example
 * ```ts
 * adviseMfaAccount(factors, { unusedAfterMs: DEFAULT_UNUSED_FACTOR_MS / 2 }); // stricter: 90 days
 * ```
 */
export const DEFAULT_UNUSED_FACTOR_MS = 180 * 86_400_000;
/**
 * Default {@link MfaAdviceOptions.lowBackupCodesThreshold}: advise at 3 codes or fewer.
 *
 * @example
 * ```ts
 * if (remaining <= DEFAULT_LOW_BACKUP_CODES) showBanner('Regenerate your backup codes');
 * ```
 */
export const DEFAULT_LOW_BACKUP_CODES = 3;

function nonNegativeInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MfaError('INVALID_OPTION', `${name} must be a non-negative integer`);
  }
  return value;
}

/**
 * Advice for an account: a second factor when it has only one (backup codes do not count), fresh
 * backup codes when few are left, and a check of factors unused for a long time (backup codes are
 * exempt: they are meant to sit unused). Advice comes in that order, factors in input order.
 *
 * @example
 * ```ts
 * adviseMfaAccount([{ id: 'f1', kind: 'totp', lastUsedAt: Date.UTC(2025, 0, 1) }], {
 *   now: () => Date.UTC(2026, 0, 1),
 *   backupCodesRemaining: 1,
 * });
 * // [{ type: 'add-second-factor', factorId: 'f1' },
 * //  { type: 'backup-codes-low', remaining: 1, threshold: 3 },
 * //  { type: 'factor-unused', factorId: 'f1', since: ..., unusedForMs: ... }]
 * ```
 */
export function adviseMfaAccount(factors: readonly PolicyFactor[], options: MfaAdviceOptions = {}): readonly MfaAdvice[] {
  checkPolicyFactors(factors);
  const now = (options.now ?? systemClock)();
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new MfaError('INVALID_OPTION', 'now() must return a finite number');
  const threshold = nonNegativeInteger(options.lowBackupCodesThreshold ?? DEFAULT_LOW_BACKUP_CODES, 'lowBackupCodesThreshold');
  const unusedAfterMs = nonNegativeInteger(options.unusedAfterMs ?? DEFAULT_UNUSED_FACTOR_MS, 'unusedAfterMs');
  const advice: MfaAdvice[] = [];

  const loginFactors = factors.filter((f) => f.kind !== 'backup-codes');
  if (loginFactors.length === 1 && factorKindAssurance(loginFactors[0]!.kind).countsAsFactor) {
    advice.push({ type: 'add-second-factor', factorId: loginFactors[0]!.id });
  }
  if (options.backupCodesRemaining !== undefined) {
    const remaining = nonNegativeInteger(options.backupCodesRemaining, 'backupCodesRemaining');
    if (remaining <= threshold) advice.push({ type: 'backup-codes-low', remaining, threshold });
  }
  for (const factor of loginFactors) {
    const since = factor.lastUsedAt ?? factor.createdAt;
    if (since === undefined) continue;
    const unusedForMs = now - since;
    if (unusedForMs >= unusedAfterMs) advice.push({ type: 'factor-unused', factorId: factor.id, since, unusedForMs });
  }
  return Object.freeze(advice.map((a) => Object.freeze(a)));
}
