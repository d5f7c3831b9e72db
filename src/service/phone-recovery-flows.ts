/**
 * Account recovery by the phone on file: a recovery phone (preferred) or an SMS factor receives a
 * one-time code (`mfakit/oob`, SMS channel, purpose `recovery`); the right code within its
 * lifetime completes the recovery. One code per account is pending at a time (a resend replaces
 * it); a wrong code is charged to the account throttle (the login one) before the check, and to the
 * code's own attempt budget.
 * @module
 */
import { MfaError } from '../errors.js';
import { loadFactors, requireAccount } from './accounts.js';
import type { ServiceContext } from './context.js';
import { maskDestination } from './events.js';
import { summariseUsedFactor } from './factor-summary.js';
import {
  chargeRecoveryStart,
  performRecovery,
  PHONE_RECOVERY_PURPOSE,
  recoveryFailed,
  type AccountRecoveryResult,
} from './recovery-flows.js';
import { checkCode, couldBeCode, destinationOf, recoverySmsChallengeId, requireOob, sendSmsCode, storedCode } from './recovery-sms.js';
import type { MfaFactorRecord } from '../store/records.js';
import { chargeRecoveryAttempt, requesterKey } from './throttle.js';

/**
 * Options of `startPhoneRecovery`: which phone, when the account has several (default: the first
 * recovery phone, else the first SMS factor).
 *
 * @example
 * ```ts
 * await service.startPhoneRecovery(userId, { phoneId } satisfies StartPhoneRecoveryOptions);
 * ```
 */
export interface StartPhoneRecoveryOptions {
  readonly phoneId?: string;
}

/**
 * Where the recovery code went.
 *
 * @example
 * ```ts
 * const sent: PhoneRecoveryStart = await service.startPhoneRecovery(userId);
 * show(`We sent a code to ${sent.destinationHint}`);
 * ```
 */
export interface PhoneRecoveryStart {
  readonly phoneId: string;
  readonly destinationHint: string;
  readonly expiresAt: number;
}

/** Phones that can receive a recovery code: recovery phones first, then SMS factors. */
function phonesOf(factors: readonly MfaFactorRecord[]): MfaFactorRecord[] {
  const byAge = (a: MfaFactorRecord, b: MfaFactorRecord) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);
  return [...factors.filter((f) => f.kind === 'phone' && f.role === 'recovery').sort(byAge), ...factors.filter((f) => f.kind === 'sms').sort(byAge)];
}

/** Sends a recovery code to the phone on file. @internal */
export async function startPhoneRecovery(
  ctx: ServiceContext,
  accountId: string,
  options: StartPhoneRecoveryOptions = {},
): Promise<PhoneRecoveryStart> {
  requireOob(ctx);
  await requireAccount(ctx, accountId);
  const phones = phonesOf(await loadFactors(ctx, accountId));
  const phone = options.phoneId === undefined ? phones[0] : phones.find((p) => p.id === options.phoneId);
  if (phone === undefined) throw new MfaError('FACTOR_NOT_FOUND', 'the account has no phone on file for recovery', { details: { accountId } });
  await chargeRecoveryStart(ctx, accountId);
  const destination = destinationOf(phone);
  // One pending recovery code per account: a resend (to this or another phone) replaces it.
  const expiresAt = await sendSmsCode(ctx, { accountId, codePurpose: 'recovery', recordPurpose: PHONE_RECOVERY_PURPOSE, destination, id: recoverySmsChallengeId(['recovery', accountId]), factorId: phone.id });
  const destinationHint = maskDestination(destination);
  await ctx.emit({ type: 'recovery-started', accountId, factorId: phone.id, kind: 'phone', details: { method: 'phone', destination: destinationHint, expiresAt } });
  return { phoneId: phone.id, destinationHint, expiresAt };
}

/** Completes a phone recovery with the code the user received. @internal */
export async function completePhoneRecovery(
  ctx: ServiceContext,
  accountId: string,
  code: string,
  options: { readonly requester?: string } = {},
): Promise<AccountRecoveryResult> {
  requireOob(ctx);
  const requester = requesterKey(options.requester);
  await requireAccount(ctx, accountId);
  if (typeof code !== 'string') throw new MfaError('INVALID_ARGUMENT', 'code must be a string');
  const challenge = await ctx.store.getChallenge(recoverySmsChallengeId(['recovery', accountId]), ctx.now());
  if (challenge === null || challenge.purpose !== PHONE_RECOVERY_PURPOSE || challenge.accountId !== accountId) return recoveryFailed(ctx, accountId, 'phone', 'expired');
  const factorId = String(challenge.data['factorId']);
  if (!couldBeCode(code, storedCode(challenge))) return recoveryFailed(ctx, accountId, 'phone', 'malformed', { factorId });

  // Charged before the check, atomically in the store: the account's recovery record (hard cap).
  const gate = await chargeRecoveryAttempt(ctx, accountId, requester);
  if (!gate.allowed) return recoveryFailed(ctx, accountId, 'phone', gate.reason, { factorId, retryAt: gate.retryAt });
  const checked = await checkCode(ctx, challenge, code, 'recovery');
  if (!checked.ok) return recoveryFailed(ctx, accountId, 'phone', checked.reason, { factorId });
  // The phone may have been removed since the code was sent: then the code proves nothing any more.
  const phone = await ctx.store.getFactor(accountId, factorId);
  if (phone === null) return recoveryFailed(ctx, accountId, 'phone', 'expired', { factorId });
  const now = ctx.now();
  await ctx.store.advanceFactorStep(accountId, phone.id, Math.max(phone.lastStep + 1, 0), now);
  return performRecovery(ctx, 'phone', phone, summariseUsedFactor(phone, now), { destination: maskDestination(destinationOf(phone)) });
}
