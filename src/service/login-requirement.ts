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
import { codeCharges, refusal, requesterKey, type ThrottleDecision } from './throttle.js';
import { applyAttemptCharge } from '../store/attempts.js';

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
  /**
   * Set exactly when `verify` would now refuse a code without checking it (the same answer, from
   * the same records): when it may try again.
   */
  readonly retryAt?: number;
  /** With `retryAt`: whether code entry is delayed (`throttled`) or `locked` until then. */
  readonly throttled?: 'throttled' | 'locked';
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
  /** Who is asking (an IP, IPv6 grouped by /64, or a key of your own), as passed to `verify`: its own record is consulted too. */
  readonly requester?: string;
}

/** @internal */
export async function loginRequirement(ctx: ServiceContext, accountId: string, options: LoginRequirementOptions = {}): Promise<MfaLoginRequirement> {
  assertId(accountId, 'accountId');
  const requester = requesterKey(options.requester);
  const account = await ctx.store.getAccount(accountId);
  const factors = account === null ? [] : await loginFactorSummaries(ctx, accountId, await loadFactors(ctx, accountId));
  const real = factors.filter((f) => f.kind !== 'backup-codes');
  const decision = await askPolicy(ctx, accountId, { type: 'login' }, factors);
  const gate = await codeGate(ctx, accountId, requester);
  const reenrolment = await pendingReenrolment(ctx, account, factors);
  // A remembered device skips the second step only for an account that has one and may log in.
  const device =
    options.deviceToken !== undefined && real.length > 0 && decision.allowed && reenrolment === undefined
      ? await checkDeviceToken(ctx, accountId, options.deviceToken, decision.allowed ? decision.rememberDevice : undefined)
      : null;
  return {
    mfaRequired: real.length > 0 && device === null,
    ...(device === null ? {} : { rememberedDevice: device }),
    factors,
    ...(decision.allowed && decision.enrolmentRequiredBy !== undefined ? { enrolmentRequiredBy: decision.enrolmentRequiredBy } : {}),
    ...(decision.allowed ? {} : { blocked: { code: decision.code, message: decision.message, owners: decision.owners } }),
    ...(gate.allowed ? {} : { retryAt: gate.retryAt, throttled: gate.reason }),
    ...(reenrolment === undefined ? {} : { reenrolmentRequired: reenrolment }),
  };
}

/** What a code attempt now would meet, from the records `verify` charges (read, not charged). */
async function codeGate(ctx: ServiceContext, accountId: string, requester: string | undefined): Promise<ThrottleDecision> {
  const now = ctx.now();
  for (const { name, rule } of codeCharges(ctx, requester)) {
    const state = await ctx.store.getAttempts(accountId, name, now);
    const outcome = applyAttemptCharge(state, rule, now);
    if (!outcome.allowed) return refusal(rule, outcome);
  }
  return { allowed: true };
}
