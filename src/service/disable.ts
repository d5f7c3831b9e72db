/**
 * Disabling MFA: the typed confirmation the consoles use ("disable", any case, trimmed), a recent
 * step-up, and the policy hook, which can refuse and name what blocks it (organisations enforcing
 * MFA). Then every login factor, backup code and pending enrolment goes, and every step-up grant
 * and used-code tombstone is revoked, in one atomic store step (`removeLoginFactors`): a failure
 * leaves MFA on, never off with old grants still valid. Recovery methods stay. The event follows
 * the step, so it is emitted exactly when MFA went off.
 * @module
 */
import { MfaError } from '../errors.js';
import { loadFactors, loginFactorSummaries, requireAccount } from './accounts.js';
import { USED_BACKUP_CODE_PURPOSE } from './backup-code-flows.js';
import type { ServiceContext } from './context.js';
import { requirePolicy } from './policy-check.js';
import { STEP_UP_PURPOSE, requireStepUp } from './step-up.js';

/**
 * Options of `disable`.
 *
 * @example
 * ```ts
 * await service.disable(userId, { confirmation: form.confirm, stepUpToken: session.mfaStepUp });
 * ```
 */
export interface DisableMfaOptions {
  /** What the user typed; must be "disable" in any case, surrounding spaces ignored. */
  readonly confirmation: string;
  readonly stepUpToken: string;
}

/**
 * Result of `disable`. A wrong confirmation word is what the user typed, so it is a result
 * (`confirmation-mismatch`: nothing changed, ask again); a missing step-up or a policy refusal is
 * an `MfaError`.
 *
 * @example
 * ```ts
 * const result: DisableMfaResult = await service.disable(userId, options);
 * if (!result.ok) return form.error(`Type "${DISABLE_CONFIRMATION}" to confirm`);
 * console.log(result.factorsRemoved);
 * ```
 */
export type DisableMfaResult =
  | { readonly ok: true; readonly factorsRemoved: number }
  | { readonly ok: false; readonly reason: 'confirmation-mismatch' };

/**
 * The word a user types to confirm disabling MFA (compared case-insensitively, trimmed).
 *
 * @example
 * ```ts
 * const label = `Type ${DISABLE_CONFIRMATION.toUpperCase()} to confirm`;
 * ```
 */
export const DISABLE_CONFIRMATION = 'disable';

/** Disables MFA for an account. @internal */
export async function disableMfa(ctx: ServiceContext, accountId: string, options: DisableMfaOptions): Promise<DisableMfaResult> {
  await requireAccount(ctx, accountId);
  const confirmation = options?.confirmation;
  if (typeof confirmation !== 'string') throw new MfaError('INVALID_ARGUMENT', 'confirmation must be the string the user typed');
  if (confirmation.trim().toLowerCase() !== DISABLE_CONFIRMATION) return { ok: false, reason: 'confirmation-mismatch' };
  await requireStepUp(ctx, accountId, options.stepUpToken, 'disable');
  const factors = await loadFactors(ctx, accountId);
  await requirePolicy(ctx, accountId, { type: 'disable' }, await loginFactorSummaries(ctx, accountId, factors));
  const outcome = await ctx.store.removeLoginFactors({ accountId, revokeChallengePurposes: [STEP_UP_PURPOSE, USED_BACKUP_CODE_PURPOSE] });
  if (!outcome.removed) throw new MfaError('STORE_ERROR', 'the store did not disable MFA; try again');
  const factorsRemoved = outcome.factorIds.length;
  for (const f of factors) ctx.verifiers.forget(f.id);
  await ctx.emit({ type: 'mfa-disabled', accountId, details: { factorsRemoved } });
  return { ok: true, factorsRemoved };
}
