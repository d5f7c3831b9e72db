/**
 * Confirming any pending enrolment with its first code, and cancelling one.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import type { ConfirmEnrolmentResult } from './activation.js';
import type { ServiceContext } from './context.js';
import { requireBinding } from './enrolment-binding.js';
import { factorKind } from './kinds/registry.js';
import { assertRecordVersion, type MfaEnrolmentRecord } from '../store/records.js';

/** The pending enrolment, or `null` when it has expired (the user waited too long: a result, not an error). */
async function requirePending(ctx: ServiceContext, accountId: string, enrolmentId: string): Promise<MfaEnrolmentRecord | null> {
  assertId(accountId, 'accountId');
  assertId(enrolmentId, 'enrolmentId');
  const pending = await ctx.store.getEnrolment(accountId, enrolmentId);
  if (pending === null) throw new MfaError('ENROLMENT_NOT_FOUND', 'no such pending enrolment (unknown, already confirmed or cancelled)', { details: { enrolmentId } });
  assertRecordVersion(pending, 'enrolment');
  if (!(pending.expiresAt > ctx.now())) return null;
  await requireBinding(ctx, pending);
  return pending;
}

/** Confirms a pending enrolment of any kind with its first code. @internal */
export async function confirmEnrolment(ctx: ServiceContext, accountId: string, enrolmentId: string, code: string): Promise<ConfirmEnrolmentResult> {
  if (typeof code !== 'string') throw new MfaError('INVALID_ARGUMENT', 'code must be a string');
  const pending = await requirePending(ctx, accountId, enrolmentId);
  if (pending === null) return { ok: false, reason: 'expired' };
  const confirm = factorKind(pending.kind)?.confirmEnrolment;
  if (confirm === undefined) throw new MfaError('INVALID_ARGUMENT', `enrolments of kind "${pending.kind}" are confirmed by their own flow`);
  return confirm(ctx, pending, code);
}

/** Cancels a pending enrolment. Returns whether there was one. @internal */
export async function cancelEnrolment(ctx: ServiceContext, accountId: string, enrolmentId: string): Promise<boolean> {
  assertId(accountId, 'accountId');
  assertId(enrolmentId, 'enrolmentId');
  return ctx.store.deleteEnrolment(accountId, enrolmentId);
}
