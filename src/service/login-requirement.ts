/**
 * What a login needs after the password: whether MFA is on, which kinds can answer, and what the
 * policy hook says (enrolment required by a deadline, or blocked).
 * @module
 */
import { assertId } from '../internal/assert.js';
import { checkDeviceToken, type RememberedDevice } from './remembered-devices.js';
import { loadFactors, loginFactorSummaries } from './accounts.js';
import type { ServiceContext } from './context.js';
import type { FactorSummary } from './factor-summary.js';
import { askPolicy } from './policy-check.js';
import { pendingReenrolment, type MfaReenrolmentRequirement } from './recovery-flows.js';
import { attemptsKey } from './throttle.js';

/**
 * Outcome of `loginRequirement`. `mfaRequired`: ask for a code (the account has login factors).
 * Without factors, `enrolmentRequiredBy` says when the policy wants one (the app may let the user
 * in until then), and `blocked` that the policy refuses login until the user enrols.
 *
 * @example
 * ```ts
 * const need: MfaLoginRequirement = await service.loginRequirement(userId);
 * if (need.mfaRequired) redirect('/mfa'); else if (need.blocked) redirect('/mfa/enrol');
 * ```
 */
export interface MfaLoginRequirement {
  readonly mfaRequired: boolean;
  readonly factors: readonly FactorSummary[];
  readonly enrolmentRequiredBy?: number;
  readonly blocked?: { readonly code: string; readonly message: string; readonly owners: readonly { id: string; name: string }[] };
  /** When the account is locked or delayed by the throttle, when it may try again. */
  readonly retryAt?: number;
  /** The account was recovered (its lost factors removed): the user must enrol a new login factor now. */
  readonly reenrolmentRequired?: MfaReenrolmentRequirement;
  /** The remembered device whose token was passed, when it is honoured (`mfaRequired` is then `false`). */
  readonly rememberedDevice?: RememberedDevice;
}

/**
 * Options of `loginRequirement`.
 *
 * @example
 * ```ts
 * const need = await service.loginRequirement(userId, { deviceToken: request.cookies['mfa_device'] });
 * if (!need.mfaRequired) finishLogin(); // also when a remembered device skipped the second step
 * ```
 */
export interface LoginRequirementOptions {
  /** The token `rememberDevice` returned for this browser, if the request carries one. */
  readonly deviceToken?: string;
}

/** @internal */
export async function loginRequirement(ctx: ServiceContext, accountId: string, options: LoginRequirementOptions = {}): Promise<MfaLoginRequirement> {
  assertId(accountId, 'accountId');
  const account = await ctx.store.getAccount(accountId);
  const factors = account === null ? [] : await loginFactorSummaries(ctx, accountId, await loadFactors(ctx, accountId));
  const real = factors.filter((f) => f.kind !== 'backup-codes');
  const decision = await askPolicy(ctx, accountId, { type: 'login' }, factors);
  const counter = await ctx.store.getCounter(attemptsKey(accountId), ctx.now());
  const locked = counter !== null && counter.count >= ctx.limits.lockAfter;
  const reenrolment = await pendingReenrolment(ctx, account, factors);
  // A remembered device skips the second step only for an account that has one and may log in.
  const device =
    options.deviceToken !== undefined && real.length > 0 && decision.allowed && reenrolment === undefined
      ? await checkDeviceToken(ctx, accountId, options.deviceToken)
      : null;
  return {
    mfaRequired: real.length > 0 && device === null,
    ...(device === null ? {} : { rememberedDevice: device }),
    factors,
    ...(decision.allowed && decision.enrolmentRequiredBy !== undefined ? { enrolmentRequiredBy: decision.enrolmentRequiredBy } : {}),
    ...(decision.allowed ? {} : { blocked: { code: decision.code, message: decision.message, owners: decision.owners } }),
    ...(locked ? { retryAt: counter.expiresAt } : {}),
    ...(reenrolment === undefined ? {} : { reenrolmentRequired: reenrolment }),
  };
}
