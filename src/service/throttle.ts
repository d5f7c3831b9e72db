/**
 * Attempt throttling per account, charged atomically before any code is checked, through the
 * store's `incrementCounter`, so it holds across processes. See {@link ThrottleLimits}.
 * @module
 */
import type { ServiceContext } from './context.js';

/** Outcome of charging one attempt. @internal */
export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'throttled' | 'locked'; readonly retryAt: number };

/** The counter key of an account's attempts. @internal */
export function attemptsKey(accountId: string): string {
  return `mfa-attempts:${accountId}`;
}

/** Delay the `n`-th attempt must keep from the previous one. @internal */
export function delayFor(ctx: ServiceContext, n: number): number {
  const { freeAttempts, baseDelayMs, maxDelayMs } = ctx.limits;
  if (n <= freeAttempts) return 0;
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, n - freeAttempts - 1));
}

/**
 * Charges one attempt. The store's increment is atomic, so of 200 parallel attempts exactly the
 * first `lockAfter` can be allowed, whatever the interleaving.
 * @internal
 */
export async function chargeAttempt(ctx: ServiceContext, accountId: string): Promise<ThrottleDecision> {
  const now = ctx.now();
  const state = await ctx.store.incrementCounter(attemptsKey(accountId), { ttlMs: ctx.limits.windowMs, now });
  let decision: ThrottleDecision = { allowed: true };
  if (state.count > ctx.limits.lockAfter) {
    decision = { allowed: false, reason: 'locked', retryAt: state.expiresAt };
  } else {
    const delay = delayFor(ctx, state.count);
    if (delay > 0 && state.previousAt !== null && now - state.previousAt < delay) {
      decision = { allowed: false, reason: 'throttled', retryAt: state.previousAt + delay };
    }
  }
  if (!decision.allowed) {
    await ctx.emit({ type: 'throttled', accountId, reason: decision.reason, at: now, details: { attempts: state.count, retryAt: decision.retryAt } });
  }
  return decision;
}

/** Clears the count after a success. @internal */
export async function clearAttempts(ctx: ServiceContext, accountId: string): Promise<void> {
  await ctx.store.resetCounter(attemptsKey(accountId));
}
