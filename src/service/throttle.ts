/**
 * Attempt throttling per account, charged atomically before any code is checked, through the
 * store's `incrementCounter`, so it holds across processes. See {@link ThrottleLimits}.
 *
 * Two counters: the window count (delays, then a lock for the rest of the window) and the
 * failure streak, which only a success clears and which does not end with the window. Without
 * the streak an attacker could make `lockAfter` guesses per window forever; with it an account
 * sees at most `maxConsecutiveFailures` attempts between two successes (NIST SP 800-63B §5.2.2:
 * at most 100 consecutive failed attempts), however long the attack lasts. Recovery flows may
 * still run when the streak is spent, since a success through them is how the user gets back in.
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

/** The counter key of an account's failure streak. @internal */
export function streakKey(accountId: string): string {
  return `mfa-failure-streak:${accountId}`;
}

/** How long a failure streak is remembered without any attempt succeeding: one year. @internal */
export const STREAK_MEMORY_MS = 365 * 86_400_000;

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
export async function chargeAttempt(ctx: ServiceContext, accountId: string, options: { readonly recovery?: boolean } = {}): Promise<ThrottleDecision> {
  const now = ctx.now();
  const state = await ctx.store.incrementCounter(attemptsKey(accountId), { ttlMs: ctx.limits.windowMs, now });
  let decision: ThrottleDecision = { allowed: true };
  let streak = 0;
  if (state.count > ctx.limits.lockAfter) {
    decision = { allowed: false, reason: 'locked', retryAt: state.expiresAt };
  } else {
    const delay = delayFor(ctx, state.count);
    if (delay > 0 && state.previousAt !== null && now - state.previousAt < delay) {
      // This refused attempt counted too, and the store now measures the next delay from it:
      // the next attempt is number count + 1, allowed once its own (longer) delay has passed, or
      // only after the window if it would pass lockAfter. Telling the client anything earlier
      // would send it into another refusal.
      const next = state.count + 1;
      const retryAt = next > ctx.limits.lockAfter ? state.expiresAt : now + delayFor(ctx, next);
      decision = { allowed: false, reason: 'throttled', retryAt };
    } else {
      // Only attempts the window lets through are guesses: refused ones do not lengthen the streak.
      const counted = await ctx.store.incrementCounter(streakKey(accountId), { ttlMs: STREAK_MEMORY_MS, now });
      streak = counted.count;
      if (streak > ctx.limits.maxConsecutiveFailures && options.recovery !== true) {
        decision = { allowed: false, reason: 'locked', retryAt: counted.expiresAt };
      }
    }
  }
  if (!decision.allowed) {
    const details = { attempts: state.count, retryAt: decision.retryAt, ...(streak > 0 ? { consecutiveAttempts: streak } : {}) };
    await ctx.emit({ type: 'throttled', accountId, reason: decision.reason, at: now, details });
  }
  return decision;
}

/** Clears both counts after a success (or when support unlocks the account). @internal */
export function clearAttempts(ctx: ServiceContext, accountId: string): Promise<unknown> {
  // One promise for both resets (no async wrapper: this is on every successful login).
  return Promise.all([ctx.store.resetCounter(attemptsKey(accountId)), ctx.store.resetCounter(streakKey(accountId))]);
}
