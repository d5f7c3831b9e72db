/**
 * Asking the policy hook, and turning a refusal into an `MfaError` that names the owners.
 * @module
 */
import { MfaError } from '../errors.js';
import type { ServiceContext } from './context.js';
import type { FactorSummary } from './factor-summary.js';
import type { PolicyAction, PolicyHookDecision } from './policy-hook.js';

/** Asks the hook (allowed when there is none). @internal */
export async function askPolicy(
  ctx: ServiceContext,
  accountId: string,
  action: PolicyAction,
  factors: readonly FactorSummary[],
): Promise<PolicyHookDecision> {
  if (ctx.policy === undefined) return { allowed: true };
  return ctx.policy.check(action, { accountId, factors, now: ctx.now() });
}

/** Throws the refusal's code with `details.owners` when the policy refuses. @internal */
export async function requirePolicy(
  ctx: ServiceContext,
  accountId: string,
  action: PolicyAction,
  factors: readonly FactorSummary[],
): Promise<void> {
  const decision = await askPolicy(ctx, accountId, action, factors);
  if (decision.allowed) return;
  await ctx.emit({ type: 'policy-refused', accountId, reason: decision.code, details: { action: action.type, owners: decision.owners.map((b) => b.id).join(',') } });
  throw new MfaError(decision.code, decision.message, {
    details: { action: action.type, owners: decision.owners.map((b) => ({ id: b.id, name: b.name })) },
  });
}
