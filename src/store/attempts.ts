/**
 * Attempt records: the one record per account and purpose that throttles guesses (the service's
 * `code` record, a record per requester, the recovery record). Each record counts the attempts it
 * let through since it was last cleared; charging it is one atomic step that either counts the
 * attempt or refuses it without changing anything, under a rule passed with the charge:
 *
 * - `limit`: once `count` reaches it, every attempt is refused (`locked`) until the record is
 *   cleared or forgotten;
 * - growing delays: the first `freeAttempts` attempts pass at once; attempt `n` after them must
 *   come at least `min(maxDelayMs, baseDelayMs · 2^(n − freeAttempts − 1))` after attempt `n − 1`,
 *   or it is refused (`throttled`) and not counted, so a burst only costs its sender time (a free
 *   attempt is never refused for its timing; `lastAt` never moves back);
 * - `memoryMs`: the record is forgotten that long after the last attempt it counted.
 *
 * Every store implements the same arithmetic (one SQL statement, one Lua script, the memory store
 * through {@link applyAttemptCharge}); the conformance suite checks them against each other.
 * @module
 */
import { MfaError } from '../errors.js';

/**
 * How an attempt record admits attempts. See the module notes.
 *
 * @example
 * ```ts
 * const rule: MfaAttemptRule = { limit: 100, freeAttempts: 5, baseDelayMs: 1000, maxDelayMs: 900_000, memoryMs: 365 * 86_400_000 };
 * ```
 */
export interface MfaAttemptRule {
  /** Counted attempts after which every attempt is refused until a clear (1 to 1000). */
  readonly limit: number;
  /** Attempts counted without any delay (0 to `limit`). */
  readonly freeAttempts: number;
  /** The delay before the first attempt after the free ones; doubles with each attempt. */
  readonly baseDelayMs: number;
  /** The longest delay. */
  readonly maxDelayMs: number;
  /** How long the record lives after the last attempt it counted. */
  readonly memoryMs: number;
}

/**
 * The state of one attempt record.
 *
 * @example
 * ```ts
 * const state: MfaAttemptState | null = await store.getAttempts('user-42', 'code', Date.now());
 * if (state !== null && state.count > 0) showWarning(state.count);
 * ```
 */
export interface MfaAttemptState {
  /** Attempts counted since the record was last cleared. */
  readonly count: number;
  /** When the latest counted attempt was made (`null` when none since the last clear). */
  readonly lastAt: number | null;
  /** When the record is forgotten. */
  readonly expiresAt: number;
}

/**
 * One attempt to charge: the record's name and its rule.
 *
 * @example
 * ```ts
 * const charge: MfaAttemptChargeInput = { name: 'code', rule };
 * ```
 */
export interface MfaAttemptChargeInput {
  /** The record's name within the account (1 to 200 characters). */
  readonly name: string;
  readonly rule: MfaAttemptRule;
}

/**
 * Outcome of charging one record: whether the attempt was counted (and may be checked), and the
 * record's state after the charge.
 *
 * @example
 * ```ts
 * const [charged] = (await store.chargeAttempts('user-42', [{ name: 'code', rule }], { now })).charges;
 * if (charged === null || !charged.allowed) refuse();
 * ```
 */
export interface MfaAttemptCharge extends MfaAttemptState {
  readonly allowed: boolean;
}

/**
 * The delay attempt number `n` (1 for the first) must keep from attempt `n − 1` under `rule`.
 *
 * @example
 * ```ts
 * attemptDelayMs({ limit: 100, freeAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, memoryMs: 86_400_000 }, 7); // 2000
 * ```
 */
export function attemptDelayMs(rule: MfaAttemptRule, n: number): number {
  if (n <= rule.freeAttempts) return 0;
  return Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** Math.min(30, n - rule.freeAttempts - 1));
}

function ruleInteger(value: unknown, name: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new MfaError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}`, { details: { argument: name } });
  }
}

/** Longest delay or memory a rule may name: ten years. */
const MAX_RULE_MS = 10 * 366 * 86_400_000;

/**
 * Throws `MfaError('INVALID_ARGUMENT')` unless `rule` is a valid {@link MfaAttemptRule}. Stores
 * call it on every charge.
 *
 * @example
 * ```ts
 * checkAttemptRule(rule);
 * ```
 */
export function checkAttemptRule(rule: MfaAttemptRule): void {
  if (typeof rule !== 'object' || rule === null) throw new MfaError('INVALID_ARGUMENT', 'rule must be an object');
  ruleInteger(rule.limit, 'rule.limit', 1, 1000);
  ruleInteger(rule.freeAttempts, 'rule.freeAttempts', 0, rule.limit);
  ruleInteger(rule.baseDelayMs, 'rule.baseDelayMs', 0, MAX_RULE_MS);
  ruleInteger(rule.maxDelayMs, 'rule.maxDelayMs', 0, MAX_RULE_MS);
  ruleInteger(rule.memoryMs, 'rule.memoryMs', 1, MAX_RULE_MS);
}

/**
 * Throws `MfaError('INVALID_ARGUMENT')` unless `name` can name an attempt record.
 *
 * @example
 * ```ts
 * checkAttemptName('code@203.0.113.7');
 * ```
 */
export function checkAttemptName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new MfaError('INVALID_ARGUMENT', 'an attempt record name must be a string of 1 to 200 characters');
  }
}

/**
 * The reference arithmetic of one charge: the stored state (or `null` when absent), the rule and
 * the time give the outcome, whose state is what the store keeps (unchanged when refused). An
 * expired record counts as absent.
 *
 * @example
 * ```ts
 * const outcome = applyAttemptCharge(stored, rule, now);
 * if (outcome.allowed) save(outcome);
 * ```
 */
export function applyAttemptCharge(stored: MfaAttemptState | null, rule: MfaAttemptRule, now: number): MfaAttemptCharge {
  const live = stored !== null && stored.expiresAt > now ? stored : null;
  const count = live === null ? 0 : live.count;
  const lastAt = live === null ? null : live.lastAt;
  // A free attempt (no delay) is never refused for its timing: concurrent requests from several
  // processes read slightly different clocks, and one a millisecond behind must not be "early".
  const delay = attemptDelayMs(rule, count + 1);
  const refused = count >= rule.limit || (delay > 0 && lastAt !== null && now < lastAt + delay);
  if (refused) return { allowed: false, count, lastAt, expiresAt: live!.expiresAt };
  // The latest counted attempt never moves back in time (a charge with a slightly older clock).
  const at = lastAt !== null && lastAt > now ? lastAt : now;
  return { allowed: true, count: count + 1, lastAt: at, expiresAt: now + rule.memoryMs };
}
