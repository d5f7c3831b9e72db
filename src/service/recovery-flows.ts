/**
 * Account recovery, the part shared by its two methods (a registered SSH key, the phone on file):
 * the service option, the result, and what a successful recovery does. By default it removes the
 * lost login factors, backup codes and pending enrolments, revokes every step-up grant and every
 * other outstanding recovery challenge, and marks the account so `loginRequirement` reports that a
 * new login factor must be enrolled before the user goes on, all in one atomic store step
 * (recovery methods stay). The app can replace that with its own action (open a support case, let
 * the user replace one device).
 * @module
 */
import { MfaError } from '../errors.js';
import type { SshVerificationFailureReason } from '../ssh/index.js';
import { USED_BACKUP_CODE_PURPOSE } from './backup-code-flows.js';
import type { ServiceContext } from './context.js';
import type { FactorSummary } from './factor-summary.js';
import { STEP_UP_PURPOSE } from './step-up.js';
import type { MfaAccountRecord, MfaFactorRecord, MfaJsonObject } from '../store/records.js';
import { clearAllAttempts } from './throttle.js';
import type { AccountRecoveryMethod } from './options.js';

export type { AccountRecoveryAction, AccountRecoveryMethod, AccountRecoverySettings, RecoveredAccount } from './options.js';

/**
 * Why a recovery attempt failed. Nothing changed (the challenge stays usable until it expires),
 * except that every reason but `expired`, `malformed`, `throttled` and `locked` was charged to the
 * account's attempt throttle.
 * - `expired`: the challenge or code expired, was already used, or was never issued;
 * - `malformed`: cannot be an answer at all (not a signature or code; a raw signature when no RSA
 *   or ECDSA key is registered); not charged;
 * - `throttled` / `locked`: the account's attempt limit (the one login uses); see `retryAt`;
 * - `mismatch`: a wrong phone code; `exhausted`: that code's own attempts are spent (send another);
 * - the SSH verifier's reasons: `key-mismatch` (signed by a key not registered on the account),
 *   `namespace-mismatch`, `bad-signature` (tampered text, wrong key), `weak-algorithm`, …
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'namespace-mismatch') hint(`sign with -n ${start.namespace}`);
 * ```
 */
export type AccountRecoveryFailureReason =
  | 'expired'
  | 'malformed'
  | 'throttled'
  | 'locked'
  | 'mismatch'
  | 'exhausted'
  | SshVerificationFailureReason;

/**
 * Outcome of `completeSshRecovery` / `completePhoneRecovery`.
 *
 * @example
 * ```ts
 * const result: AccountRecoveryResult = await service.completeSshRecovery(userId, challengeId, pasted);
 * if (result.ok && result.reenrolmentRequired) redirect('/mfa/enrol');
 * ```
 */
export type AccountRecoveryResult =
  | {
      readonly ok: true;
      readonly method: AccountRecoveryMethod;
      /** The key or phone that proved the recovery. */
      readonly recoveredWith: FactorSummary;
      /** `reset-factors`, or `custom` when the app's action ran instead. */
      readonly action: 'reset-factors' | 'custom';
      /** Login factors removed (0 with a custom action). */
      readonly factorsRemoved: number;
      /** The user must enrol a new login factor before going on (`reset-factors`). */
      readonly reenrolmentRequired: boolean;
    }
  | { readonly ok: false; readonly reason: AccountRecoveryFailureReason; readonly retryAt?: number };

/**
 * A pending "enrol again" mark on an account (reported by `loginRequirement`).
 *
 * @example
 * ```ts
 * const need = await service.loginRequirement(userId);
 * if (need.reenrolmentRequired) redirect('/mfa/enrol'); // recovered with need.reenrolmentRequired.method
 * ```
 */
export interface MfaReenrolmentRequirement {
  /** When the account was recovered. */
  readonly since: number;
  readonly method: AccountRecoveryMethod;
}

/** Challenge purpose of SSH recovery challenges. @internal */
export const SSH_RECOVERY_PURPOSE = 'recovery';
/** Challenge purpose of phone recovery codes. @internal */
export const PHONE_RECOVERY_PURPOSE = 'recovery-phone';

/** Account data key of the mark. */
const REENROLMENT_KEY = 'reenrolmentRequired';

function markOf(account: MfaAccountRecord): MfaReenrolmentRequirement | undefined {
  const mark = account.data[REENROLMENT_KEY];
  if (typeof mark !== 'object' || mark === null || Array.isArray(mark)) return undefined;
  const since = mark['since'];
  const method = mark['method'];
  if (typeof since !== 'number' || (method !== 'ssh-key' && method !== 'phone')) return undefined;
  return { since, method };
}

/** Replaces the account's data with `change(data)`, compare-and-set, retried. @internal */
async function updateAccountData(ctx: ServiceContext, accountId: string, change: (data: MfaJsonObject) => MfaJsonObject | null): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const account = await ctx.store.getAccount(accountId);
    if (account === null) return false;
    const data = change(account.data);
    if (data === null) return true;
    if (await ctx.store.compareAndSetAccount({ ...account, updatedAt: ctx.now(), data }, account.revision)) return true;
  }
  return false;
}

/**
 * The pending re-enrolment of an account, if any: set by a recovery, satisfied by any login
 * factor enrolled since (the mark is then cleared, best effort). For `loginRequirement`.
 * @internal
 */
export async function pendingReenrolment(
  ctx: ServiceContext,
  account: MfaAccountRecord | null,
  factors: readonly Pick<FactorSummary, 'role' | 'createdAt'>[],
): Promise<MfaReenrolmentRequirement | undefined> {
  if (account === null) return undefined;
  const mark = markOf(account);
  if (mark === undefined) return undefined;
  if (!factors.some((f) => f.role === 'login' && f.createdAt !== undefined && f.createdAt >= mark.since)) return mark;
  await updateAccountData(ctx, account.id, (data) => {
    if (!(REENROLMENT_KEY in data)) return null;
    const rest = { ...data };
    delete rest[REENROLMENT_KEY];
    return rest;
  });
  return undefined;
}

/**
 * Performs the configured recovery once the proof was checked and its challenge consumed, and
 * clears the attempt throttle. Emits `recovery-completed`.
 * @internal
 */
export async function performRecovery(
  ctx: ServiceContext,
  method: AccountRecoveryMethod,
  proof: MfaFactorRecord,
  recoveredWith: FactorSummary,
  details: Readonly<Record<string, string | number | boolean | null>> = {},
): Promise<AccountRecoveryResult> {
  const accountId = proof.accountId;
  const at = ctx.now();
  await clearAllAttempts(ctx, accountId);
  if (typeof ctx.recovery.action === 'function') {
    try {
      await ctx.recovery.action({ accountId, method, factorId: proof.id, at });
    } catch (cause) {
      throw new MfaError('INTERNAL', 'the recovery action failed (the recovery challenge was spent)', { cause });
    }
    await ctx.emit({ type: 'recovery-completed', accountId, factorId: proof.id, kind: proof.kind, name: proof.name, details: { ...details, method, action: 'custom' } });
    return { ok: true, method, recoveredWith, action: 'custom', factorsRemoved: 0, reenrolmentRequired: false };
  }
  // One atomic store step: the "enrol again" mark, the login factors, backup codes and pending
  // enrolments gone, and what depended on them revoked (step-up grants, used-code tombstones, and
  // every other outstanding recovery challenge or code: none can undo the new enrolment). A
  // failure changes nothing of it; the event follows the step.
  let factorIds: readonly string[] | undefined;
  for (let attempt = 0; attempt < 5 && factorIds === undefined; attempt++) {
    const account = await ctx.store.getAccount(accountId);
    if (account === null) throw new MfaError('ACCOUNT_NOT_FOUND', 'no MFA data for this account', { details: { accountId } });
    const outcome = await ctx.store.removeLoginFactors({
      accountId,
      revokeChallengePurposes: [STEP_UP_PURPOSE, USED_BACKUP_CODE_PURPOSE, SSH_RECOVERY_PURPOSE, PHONE_RECOVERY_PURPOSE],
      account: { data: { ...account.data, [REENROLMENT_KEY]: { since: at, method } }, updatedAt: at, expectedRevision: account.revision },
    });
    if (outcome.removed) factorIds = outcome.factorIds;
  }
  if (factorIds === undefined) throw new MfaError('STORE_ERROR', 'the account kept changing during the recovery; try again');
  for (const id of factorIds) ctx.verifiers.forget(id);
  const factorsRemoved = factorIds.length;
  await ctx.emit({
    type: 'recovery-completed',
    accountId,
    factorId: proof.id,
    kind: proof.kind,
    name: proof.name,
    details: { ...details, method, action: 'reset-factors', factorsRemoved },
  });
  return { ok: true, method, recoveredWith, action: 'reset-factors', factorsRemoved, reenrolmentRequired: true };
}

/** Emits `recovery-failed` and returns the failure. @internal */
export async function recoveryFailed(
  ctx: ServiceContext,
  accountId: string,
  method: AccountRecoveryMethod,
  reason: AccountRecoveryFailureReason,
  extra: { factorId?: string; retryAt?: number } = {},
): Promise<AccountRecoveryResult> {
  await ctx.emit({
    type: 'recovery-failed',
    accountId,
    reason,
    kind: method,
    ...(extra.factorId === undefined ? {} : { factorId: extra.factorId }),
    details: { method, ...(extra.retryAt === undefined ? {} : { retryAt: extra.retryAt }) },
  });
  return { ok: false, reason, ...(extra.retryAt === undefined ? {} : { retryAt: extra.retryAt }) };
}

/**
 * Charges one recovery start to the account (`maxStartsPerHour`): a flood of challenges or codes
 * is refused with `MfaError('THROTTLED')`.
 * @internal
 */
export async function chargeRecoveryStart(ctx: ServiceContext, accountId: string): Promise<void> {
  const state = await ctx.store.incrementCounter(`recovery-starts:${accountId}`, { ttlMs: 3_600_000, now: ctx.now() });
  if (state.count > ctx.recovery.maxStartsPerHour) {
    throw new MfaError('THROTTLED', 'too many recovery attempts started for this account; try again later', { details: { retryAt: state.expiresAt } });
  }
}
