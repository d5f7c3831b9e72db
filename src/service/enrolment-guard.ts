/**
 * What every enrolment start checks: a recent step-up once the account has any login factor (the
 * very first enrolment has nothing to step up with: the app re-checks the password), the policy,
 * and the replaced factor when replacing a lost device.
 * @module
 */
import { MfaError } from '../errors.js';
import { ensureAccount, loadFactors, loginFactorSummaries, requireFactor } from './accounts.js';
import type { ServiceContext } from './context.js';
import { bindEnrolment, type EnrolmentBinding } from './enrolment-binding.js';
import { requirePolicy } from './policy-check.js';
import { requireStepUp } from './step-up.js';
import type { MfaFactorKind, MfaFactorRecord } from '../store/records.js';

/**
 * Options every enrolment start takes: the step-up token (required once the account has a login
 * factor) and, when replacing a lost device, the factor it replaces.
 *
 * @example
 * ```ts
 * const options: EnrolmentGuardOptions = { stepUpToken: session.mfaStepUp, replacesFactorId: lostId };
 * ```
 */
export interface EnrolmentGuardOptions {
  readonly stepUpToken?: string;
  readonly replacesFactorId?: string;
}

/** What a guarded start goes on with: the account's factors and the binding to store. @internal */
export interface GuardedEnrolment {
  readonly factors: MfaFactorRecord[];
  /** Spread into the enrolment's `data` (see enrolment-binding.ts). */
  readonly binding: EnrolmentBinding;
}

/** Runs the checks; returns the account's factors and the enrolment's binding. @internal */
export async function guardEnrolment(
  ctx: ServiceContext,
  accountId: string,
  kind: MfaFactorKind,
  options: EnrolmentGuardOptions,
): Promise<GuardedEnrolment> {
  await ensureAccount(ctx, accountId);
  const factors = await loadFactors(ctx, accountId);
  const summaries = await loginFactorSummaries(ctx, accountId, factors);
  if (summaries.length > 0) await requireStepUp(ctx, accountId, options.stepUpToken, 'enrol');
  if (options.replacesFactorId !== undefined) {
    const replaced = await requireFactor(ctx, accountId, options.replacesFactorId);
    if (replaced.role !== 'login') throw new MfaError('INVALID_ARGUMENT', 'only a login factor can be replaced this way');
  }
  await requirePolicy(ctx, accountId, { type: 'enrol', kind }, summaries);
  return { factors, binding: await bindEnrolment(ctx, accountId, factors) };
}
