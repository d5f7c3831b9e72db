/**
 * Turning a confirmed enrolment into an active factor, with the first backup codes, in one atomic
 * store step: the factor never exists without its sealed secret, and backup codes are shown only
 * when the store has them.
 * @module
 */
import { createBackupCodes } from '../backup-codes/index.js';
import { revokeDevicesOnFactorChange } from './remembered-devices.js';
import { MfaError } from '../errors.js';
import { loadFactors, loginFactorSummaries } from './accounts.js';
import type { ServiceContext } from './context.js';
import { isFirstLoginFactor, recheckFirstActivation, withoutBinding } from './enrolment-binding.js';
import { requirePolicy } from './policy-check.js';
import { summariseFactor, type FactorSummary } from './factor-summary.js';
import { factorStillEnrolled, issueStepUp, type StepUpGrant } from './step-up.js';
import { MFA_RECORD_VERSION, type MfaBackupCodeRecord, type MfaEnrolmentRecord, type MfaFactorRecord } from '../store/records.js';

/**
 * A confirmed enrolment. `backupCodes` is set only when this was the account's first factor: show
 * them once, they are not retrievable later. `stepUp` is a step-up grant, given only for the
 * account's first login factor: the user has just turned MFA on, so the changes that usually follow
 * (regenerate or download backup codes, add a second device) need no second code. It is `null` for
 * any later factor (its start needed a step-up the caller still holds: confirming a factor never
 * yields more than the starter had), for recovery methods, and when the store failed to give one.
 *
 * @example
 * ```ts
 * const result = await service.confirmEnrolment(userId, enrolmentId, '492039');
 * if (result.ok && result.backupCodes) showOnce(result.backupCodes);
 * if (result.ok && result.stepUp) session.mfaStepUp = result.stepUp.token;
 * ```
 */
export type ConfirmEnrolmentResult =
  | {
      readonly ok: true;
      readonly factor: FactorSummary;
      readonly backupCodes: readonly string[] | null;
      readonly replacedFactorId: string | null;
      readonly stepUp: StepUpGrant | null;
    }
  | { readonly ok: false; readonly reason: 'malformed' | 'mismatch' | 'expired' };

/** A new backup-code set as records and the codes to show. @internal */
export async function newBackupCodeSet(ctx: ServiceContext, accountId: string): Promise<{ codes: string[]; records: MfaBackupCodeRecord[] }> {
  const settings = ctx.backupCodes;
  const set = await createBackupCodes({
    random: ctx.random,
    ...(settings.count === undefined ? {} : { count: settings.count }),
    ...(settings.kdf === undefined ? {} : { kdf: settings.kdf }),
    ...(settings.pepper === undefined ? {} : { pepper: settings.pepper }),
  });
  const now = ctx.now();
  const setId = ctx.newId('bcs');
  const records = set.records.map((r) => ({ v: MFA_RECORD_VERSION, accountId, setId, id: r.id, hash: r.hash, createdAt: now }));
  return { codes: set.codes, records };
}

/** Activates `pending` as `factor` (first backup codes included when due). @internal */
export async function activate(ctx: ServiceContext, pending: MfaEnrolmentRecord, bound: MfaFactorRecord): Promise<ConfirmEnrolmentResult> {
  const { accountId } = pending;
  const factor: MfaFactorRecord = { ...bound, data: withoutBinding(bound.data) };
  const first = factor.role === 'login' && isFirstLoginFactor(pending);
  if (factor.role === 'login' && ctx.policy !== undefined) {
    // Asked again at confirmation: a policy may have changed since the enrolment started.
    const summaries = await loginFactorSummaries(ctx, accountId, await loadFactors(ctx, accountId));
    await requirePolicy(ctx, accountId, { type: 'enrol', kind: factor.kind }, summaries);
  }
  // Creating codes costs KDF runs, so only when the account has none; the store decides atomically.
  const set = factor.role === 'login' && (await ctx.store.countBackupCodes(accountId)) === 0 ? await newBackupCodeSet(ctx, accountId) : null;
  const result = await ctx.store.activateEnrolment({
    accountId,
    enrolmentId: pending.id,
    factor,
    ...(set === null ? {} : { backupCodes: set.records }),
    replacesFactorId: pending.replacesFactorId,
    now: ctx.now(),
  });
  if (!result.activated && result.conflict === 'credential-id') {
    throw new MfaError('DUPLICATE', "this authenticator's credential is already registered (credential ids are unique across accounts)", {
      details: { enrolmentId: pending.id, conflict: 'credential-id' },
    });
  }
  if (!result.activated) {
    throw new MfaError('ENROLMENT_NOT_FOUND', 'this enrolment was already confirmed, or has expired', { details: { enrolmentId: pending.id } });
  }
  if (first) await recheckFirstActivation(ctx, pending, result.backupCodesStored);
  if (pending.replacesFactorId !== null) ctx.verifiers.forget(pending.replacesFactorId);
  const base = { accountId, factorId: factor.id, kind: factor.kind, name: factor.name };
  await ctx.emit({ type: 'enrolment-confirmed', ...base });
  if (pending.replacesFactorId !== null) {
    await ctx.emit({ type: 'factor-replaced', ...base, details: { replacedFactorId: pending.replacesFactorId } });
    await revokeDevicesOnFactorChange(ctx, accountId);
  }
  const codes = result.backupCodesStored && set !== null ? set.codes : null;
  if (codes !== null) await ctx.emit({ type: 'backup-codes-generated', accountId, details: { count: codes.length } });
  // The factor is active and the codes are stored: from here nothing may throw, or the codes would
  // be lost unseen. A grant the store cannot give now is simply not given (the user verifies later).
  // Only a first factor earns one: a later factor was started with a step-up the caller holds, and
  // confirming it must not yield more than that (enrolment-binding.ts).
  // A first grant writes the account's step-up generation: a failed write is asked once more (on
  // Redis the record and its index entry are two writes; one failing left no grant).
  const stillEnrolled = factorStillEnrolled(ctx, accountId, factor.id);
  const stepUp = first ? await issueStepUp(ctx, accountId, stillEnrolled).catch(() => issueStepUp(ctx, accountId, stillEnrolled)).catch(() => null) : null;
  return { ok: true, factor: summariseFactor(factor), backupCodes: codes, replacedFactorId: pending.replacesFactorId, stepUp };
}
