/**
 * The throttle (docs/security-throttle.md): attempt records in the store, charged atomically
 * before anything is checked, each under a rule (`ctx.limits`):
 *
 * - `code`: the account's code guesses (authenticator apps, backup codes, email/SMS codes), one
 *   exact shared limit with growing delays; only a success (or recovery, or `resetThrottle`)
 *   clears it, so the account sees at most `limit` consecutive failures (NIST SP 800-63B §5.2.2);
 * - `code@<requester>`: the same guesses from one source (an IP, IPv6 grouped by /64), charged
 *   first under a stricter rule, so one source runs out long before the account does;
 * - `signature@<requester>`: failed WebAuthn assertions from one source. A failed signature is not
 *   a guess at a secret: it never charges `code`, and without a requester key it charges nothing;
 * - `recovery`: phone-code guesses and SSH challenge answers, with their own hard cap.
 *
 * A refused attempt is not counted (a burst costs its sender time, not the owner access), and a
 * success with a passkey or security key is never blocked by code guessing.
 * @module
 */
import { MfaError } from '../errors.js';
import { attemptDelayMs, type MfaAttemptCharge, type MfaAttemptChargeInput, type MfaAttemptRule } from '../store/attempts.js';
import type { ServiceContext } from './context.js';

/** Outcome of charging one attempt. @internal */
export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'throttled' | 'locked'; readonly retryAt: number };

/** The account's shared code record. @internal */
export const CODE_RECORD = 'code';
/** The account's recovery record. @internal */
export const RECOVERY_RECORD = 'recovery';

const ALLOWED: ThrottleDecision = { allowed: true };

/**
 * A requester key as the app passes it, normalised: an IPv6 address becomes its /64 (one
 * subscriber usually holds a whole /64), an IPv4 address (also IPv4-mapped IPv6) stays as it is,
 * and any other string (a device or session key of the app's own) is used as given. `undefined`
 * when none was passed. @internal
 */
export function requesterKey(requester: unknown): string | undefined {
  if (requester === undefined) return undefined;
  if (typeof requester !== 'string' || requester.length === 0 || requester.length > 128) {
    throw new MfaError('INVALID_ARGUMENT', 'requester must be a string of 1 to 128 characters (an IP address, or a key of your own)');
  }
  const text = requester.trim().toLowerCase();
  const mapped = /^(?:(?:0{1,4}:){5}|::)ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped !== null) return `ip:${mapped[1]}`;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(text)) return `ip:${text}`;
  const v6 = ipv6Prefix64(text.replace(/%.*$/, ''));
  return v6 === null ? `key:${requester}` : `ip:${v6}/64`;
}

/** The first four hextets of an IPv6 address, canonical, or `null` when it is not one. */
function ipv6Prefix64(text: string): string | null {
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): string[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    for (const g of groups) if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** The records a code guess charges, in order: the requester's first, then the account's. @internal */
export function codeCharges(ctx: ServiceContext, requester: string | undefined): MfaAttemptChargeInput[] {
  const shared = { name: CODE_RECORD, rule: ctx.limits.code };
  return requester === undefined ? [shared] : [{ name: `code@${requester}`, rule: ctx.limits.requester }, shared];
}

/** The code records a success clears. @internal */
export function codeRecords(requester: string | undefined): string[] {
  return requester === undefined ? [CODE_RECORD] : [CODE_RECORD, `code@${requester}`];
}

/** What the app is told about a refused charge: when an attempt could be counted again. @internal */
export function refusal(rule: MfaAttemptRule, state: MfaAttemptCharge): ThrottleDecision & { allowed: false } {
  if (state.count >= rule.limit) return { allowed: false, reason: 'locked', retryAt: state.expiresAt };
  return { allowed: false, reason: 'throttled', retryAt: (state.lastAt ?? 0) + attemptDelayMs(rule, state.count + 1) };
}

/**
 * The decision of a charge the store made: allowed when every record let the attempt through,
 * else the first refusal (with a `throttled` event). `null` charges (not made) never decide. @internal
 */
export async function decide(
  ctx: ServiceContext,
  accountId: string,
  charges: readonly MfaAttemptChargeInput[],
  results: readonly (MfaAttemptCharge | null)[],
): Promise<ThrottleDecision> {
  for (let i = 0; i < charges.length; i++) {
    const result = results[i];
    if (result === null || result === undefined || result.allowed) continue;
    const decision = refusal(charges[i]!.rule, result);
    await ctx.emit({
      type: 'throttled',
      accountId,
      reason: decision.reason,
      details: { record: charges[i]!.name, attempts: result.count, retryAt: decision.retryAt },
    });
    return decision;
  }
  return ALLOWED;
}

/** Charges records (no factors read) and decides. @internal */
export async function charge(ctx: ServiceContext, accountId: string, charges: readonly MfaAttemptChargeInput[]): Promise<ThrottleDecision> {
  if (charges.length === 0) return ALLOWED;
  const { charges: results } = await ctx.store.chargeAttempts(accountId, charges, { now: ctx.now() });
  return decide(ctx, accountId, charges, results);
}

/** Charges one recovery attempt (phone code, SSH answer): the recovery record, after the requester's. @internal */
export function chargeRecoveryAttempt(ctx: ServiceContext, accountId: string, requester: string | undefined): Promise<ThrottleDecision> {
  const recovery = { name: RECOVERY_RECORD, rule: ctx.limits.recovery };
  return charge(ctx, accountId, requester === undefined ? [recovery] : [{ name: `code@${requester}`, rule: ctx.limits.requester }, recovery]);
}

/** Clears every attempt record of the account (support unlocking it, a completed recovery). @internal */
export function clearAllAttempts(ctx: ServiceContext, accountId: string): Promise<void> {
  return ctx.store.clearAttempts(accountId);
}
