/**
 * Recovery phones (kind `phone`, role `recovery`, never a login factor): added like a factor is
 * enrolled, with a recent step-up and a code sent to the number that proves it reaches the user.
 * Changing the number is adding a new phone that replaces the old one (`replacesPhoneId`), atomically
 * on confirmation, so it needs the same step-up; SMS factors change the same way
 * (`startOobEnrolment` with `replacesFactorId`, step-up required).
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { oobDestinationKey } from '../oob/index.js';
import { loadFactors, loginFactorSummaries, requireAccount, requireFactor } from './accounts.js';
import type { ServiceContext } from './context.js';
import { bindEnrolment, requireBinding, withoutBinding } from './enrolment-binding.js';
import { maskDestination } from './events.js';
import { summariseFactor, type FactorSummary } from './factor-summary.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { requirePolicy } from './policy-check.js';
import { checkCode, destinationOf, recoverySmsChallengeId, requireOob, sendSmsCode } from './recovery-sms.js';
import { requireStepUp } from './step-up.js';
import { MFA_RECORD_VERSION, type MfaEnrolmentRecord, type MfaFactorRecord } from '../store/records.js';

const VERIFY_PURPOSE = 'recovery-phone-enrolment';
const MAX_PHONES = 5;

/**
 * Options of `addRecoveryPhone`.
 *
 * @example
 * ```ts
 * const options: AddRecoveryPhoneOptions = { phoneNumber: '+41791234567', stepUpToken: session.mfaStepUp };
 * ```
 */
export interface AddRecoveryPhoneOptions {
  /** E.164 (`+` and 6 to 15 digits; spaces, dots, dashes, parentheses ignored). */
  readonly phoneNumber: string;
  readonly stepUpToken: string;
  /** Default "Recovery phone" (numbered when taken). */
  readonly name?: string;
  /** Changing the number: the recovery phone this one replaces once confirmed. */
  readonly replacesPhoneId?: string;
}

/**
 * A recovery phone waiting for its verification code (`confirmRecoveryPhone`).
 *
 * @example
 * ```ts
 * const pending: RecoveryPhoneEnrolment = await service.addRecoveryPhone(userId, { phoneNumber, stepUpToken });
 * ```
 */
export interface RecoveryPhoneEnrolment {
  readonly enrolmentId: string;
  readonly name: string;
  readonly destinationHint: string;
  readonly expiresAt: number;
}

/**
 * Outcome of `confirmRecoveryPhone`.
 *
 * @example
 * ```ts
 * const result: ConfirmRecoveryPhoneResult = await service.confirmRecoveryPhone(userId, enrolmentId, code);
 * ```
 */
export type ConfirmRecoveryPhoneResult =
  | { readonly ok: true; readonly phone: FactorSummary; readonly replacedPhoneId: string | null }
  | { readonly ok: false; readonly reason: 'malformed' | 'mismatch' | 'expired' | 'exhausted' };

/** Adds a recovery phone: step-up, then a verification code to the number. @internal */
export async function addRecoveryPhone(ctx: ServiceContext, accountId: string, options: AddRecoveryPhoneOptions): Promise<RecoveryPhoneEnrolment> {
  requireOob(ctx);
  await requireAccount(ctx, accountId);
  await requireStepUp(ctx, accountId, options?.stepUpToken, 'add-recovery-phone');
  const phoneNumber = options.phoneNumber;
  if (typeof phoneNumber !== 'string') throw new MfaError('INVALID_ARGUMENT', 'phoneNumber must be an E.164 phone number');
  const factors = await loadFactors(ctx, accountId);
  await requirePolicy(ctx, accountId, { type: 'enrol', kind: 'phone' }, await loginFactorSummaries(ctx, accountId, factors));
  const phones = factors.filter((f) => f.kind === 'phone' && f.role === 'recovery');
  if (options.replacesPhoneId !== undefined) {
    const replaced = await requireFactor(ctx, accountId, options.replacesPhoneId);
    if (replaced.kind !== 'phone') throw new MfaError('INVALID_ARGUMENT', 'replacesPhoneId must name a recovery phone');
  }
  const canonical = (destination: string) => oobDestinationKey({ channel: 'sms', destination }, { key: requireOob(ctx).key });
  const wanted = canonical(phoneNumber);
  if (phones.some((p) => p.id !== options.replacesPhoneId && canonical(destinationOf(p)) === wanted)) {
    throw new MfaError('DUPLICATE', 'this number is already a recovery phone of the account');
  }
  if (phones.length - (options.replacesPhoneId === undefined ? 0 : 1) >= MAX_PHONES) {
    throw new MfaError('FACTOR_NOT_ALLOWED', `an account can have at most ${MAX_PHONES} recovery phones`);
  }
  const others = factors.filter((f) => f.id !== options.replacesPhoneId);
  const name = options.name === undefined ? defaultName(others, 'Recovery phone') : checkFactorName(options.name, '');
  checkNameFree(others, name);
  const now = ctx.now();
  const id = ctx.newId('f');
  const destinationHint = maskDestination(phoneNumber.trim());
  const pending: MfaEnrolmentRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    kind: 'phone',
    role: 'recovery',
    name,
    createdAt: now,
    expiresAt: now + ctx.enrolmentTtlMs,
    replacesFactorId: options.replacesPhoneId ?? null,
    data: { channel: 'sms', destination: phoneNumber.trim(), destinationHint, ...(await bindEnrolment(ctx, accountId, factors)) },
  };
  await ctx.store.putEnrolment(pending);
  const codeExpiresAt = await sendSmsCode(ctx, {
    accountId,
    codePurpose: 'phone-verification',
    recordPurpose: VERIFY_PURPOSE,
    destination: phoneNumber.trim(),
    id: recoverySmsChallengeId(['enrolment', accountId, id]),
    factorId: id,
  });
  await ctx.emit({ type: 'enrolment-started', accountId, factorId: id, kind: 'phone', name, details: { role: 'recovery' } });
  return { enrolmentId: id, name, destinationHint, expiresAt: Math.min(pending.expiresAt, codeExpiresAt) };
}

/** Confirms a recovery phone with the code sent to it. @internal */
export async function confirmRecoveryPhone(ctx: ServiceContext, accountId: string, enrolmentId: string, code: string): Promise<ConfirmRecoveryPhoneResult> {
  assertId(accountId, 'accountId');
  assertId(enrolmentId, 'enrolmentId');
  if (typeof code !== 'string') throw new MfaError('INVALID_ARGUMENT', 'code must be a string');
  const pending = await ctx.store.getEnrolment(accountId, enrolmentId);
  if (pending === null || pending.kind !== 'phone') throw new MfaError('ENROLMENT_NOT_FOUND', 'no pending recovery phone with this id', { details: { enrolmentId } });
  if (pending.expiresAt > ctx.now()) await requireBinding(ctx, pending);
  const challenge = await ctx.store.getChallenge(recoverySmsChallengeId(['enrolment', accountId, enrolmentId]), ctx.now());
  if (!(pending.expiresAt > ctx.now()) || challenge === null || challenge.purpose !== VERIFY_PURPOSE) return { ok: false, reason: 'expired' };
  const checked = await checkCode(ctx, challenge, code, 'phone-verification');
  if (!checked.ok) {
    await ctx.emit({ type: 'enrolment-failed', accountId, factorId: enrolmentId, kind: 'phone', reason: checked.reason });
    return { ok: false, reason: checked.reason };
  }
  const factor: MfaFactorRecord = {
    v: MFA_RECORD_VERSION,
    id: pending.id,
    accountId,
    kind: 'phone',
    role: 'recovery',
    name: pending.name,
    createdAt: ctx.now(),
    lastUsedAt: null,
    lastStep: -1,
    revision: 0,
    data: withoutBinding(pending.data),
  };
  const result = await ctx.store.activateEnrolment({ accountId, enrolmentId, factor, replacesFactorId: pending.replacesFactorId, now: ctx.now() });
  if (!result.activated) return { ok: false, reason: 'expired' };
  const base = { accountId, factorId: factor.id, kind: 'phone', name: factor.name };
  await ctx.emit({ type: 'enrolment-confirmed', ...base, details: { role: 'recovery', destination: String(pending.data['destinationHint']) } });
  if (pending.replacesFactorId !== null) await ctx.emit({ type: 'factor-replaced', ...base, details: { replacedFactorId: pending.replacesFactorId } });
  return { ok: true, phone: summariseFactor(factor), replacedPhoneId: pending.replacesFactorId };
}
