/**
 * Listing, renaming and removing factors. Removing the last login factor is disabling MFA: it takes
 * the same confirmation and policy check as `disable`.
 * @module
 */
import { MfaError } from '../errors.js';
import { revokeDevicesOnFactorChange } from './remembered-devices.js';
import { assertId } from '../internal/assert.js';
import { loadFactors, loginFactorSummaries, requireAccount, requireFactor } from './accounts.js';
import type { ServiceContext } from './context.js';
import { disableMfa } from './disable.js';
import { summariseBackupCodes, summariseFactor, type FactorSummary } from './factor-summary.js';
import { assertRecordVersion } from '../store/records.js';
import { checkFactorName, checkNameFree } from './names.js';
import { requirePolicy } from './policy-check.js';
import { requireStepUp } from './step-up.js';

/**
 * Options of `removeFactor`. `confirmation` ("disable") is needed only when this is the last login
 * factor, because removing it disables MFA.
 *
 * @example
 * ```ts
 * await service.removeFactor(userId, factorId, { stepUpToken: session.mfaStepUp });
 * ```
 */
export interface RemoveFactorOptions {
  readonly stepUpToken: string;
  readonly confirmation?: string;
}

/**
 * Result of `removeFactor`: `mfaDisabled` when it was the last login factor. Removing the last
 * login factor disables MFA, so it needs the typed confirmation: without it (or with another word)
 * the result is `confirmation-mismatch` and nothing changed, also when another factor was removed
 * meanwhile and this one became the last.
 *
 * @example
 * ```ts
 * const result: RemoveFactorResult = await service.removeFactor(userId, id, { stepUpToken, confirmation: 'disable' });
 * if (result.ok && result.mfaDisabled) notify(userId);
 * ```
 */
export type RemoveFactorResult =
  | { readonly ok: true; readonly removed: FactorSummary; readonly mfaDisabled: boolean }
  | { readonly ok: false; readonly reason: 'confirmation-mismatch' };

/** Every factor and recovery method, plus the backup-code set. @internal */
export async function listFactors(ctx: ServiceContext, accountId: string): Promise<FactorSummary[]> {
  assertId(accountId, 'accountId');
  // An account that never enrolled has nothing to list: a security page shows it as is.
  const account = await ctx.store.getAccount(accountId);
  if (account === null) return [];
  assertRecordVersion(account, 'account');
  const factors = (await loadFactors(ctx, accountId)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const list = factors.map(summariseFactor);
  const remaining = await ctx.store.countBackupCodes(accountId);
  if (remaining > 0) list.push(summariseBackupCodes(remaining));
  return list;
}

/** Renames a factor (no step-up: a name is not a security property). @internal */
export async function renameFactor(ctx: ServiceContext, accountId: string, factorId: string, name: string): Promise<FactorSummary> {
  await requireAccount(ctx, accountId);
  const newName = checkFactorName(name, '');
  for (let attempt = 0; attempt < 5; attempt++) {
    const factor = await requireFactor(ctx, accountId, factorId);
    checkNameFree(await loadFactors(ctx, accountId), newName, factorId);
    if (await ctx.store.compareAndSetFactor({ ...factor, name: newName }, factor.revision)) {
      await ctx.emit({ type: 'factor-renamed', accountId, factorId, kind: factor.kind, name: newName, details: { previousName: factor.name } });
      return { ...summariseFactor(factor), name: newName };
    }
  }
  throw new MfaError('STORE_ERROR', 'the factor kept changing during the rename; try again');
}

/** Removes one factor; the last login factor only as "disable MFA". @internal */
export async function removeFactor(ctx: ServiceContext, accountId: string, factorId: string, options: RemoveFactorOptions): Promise<RemoveFactorResult> {
  await requireAccount(ctx, accountId);
  const factor = await requireFactor(ctx, accountId, factorId);
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'remove-factor');
  const factors = await loadFactors(ctx, accountId);
  const summaries = await loginFactorSummaries(ctx, accountId, factors);
  const otherLogins = factors.filter((f) => f.role === 'login' && f.id !== factorId).length;
  if (factor.role === 'login' && otherLogins === 0) {
    // The last login factor: this is disabling MFA (confirmation, policy 'disable').
    const disabled = await disableMfa(ctx, accountId, { stepUpToken: options.stepUpToken, confirmation: options.confirmation ?? '' });
    return disabled.ok ? { ok: true, removed: summariseFactor(factor), mfaDisabled: true } : disabled;
  }
  await requirePolicy(ctx, accountId, { type: 'remove-factor', factorId }, summaries);
  const outcome = await ctx.store.deleteFactor(accountId, factorId, factor.role === 'login' ? { minRemainingLoginFactors: 1 } : {});
  if (outcome === 'not-found') throw new MfaError('FACTOR_NOT_FOUND', 'no such factor on this account', { details: { factorId } });
  // Another factor was removed meanwhile: this is now the last one, and removing it disables MFA.
  if (outcome === 'too-few-remaining') return { ok: false, reason: 'confirmation-mismatch' };
  ctx.verifiers.forget(factorId);
  await ctx.emit({ type: 'factor-removed', accountId, factorId, kind: factor.kind, name: factor.name });
  await revokeDevicesOnFactorChange(ctx, accountId);
  return { ok: true, removed: summariseFactor(factor), mfaDisabled: false };
}
