/**
 * SMS codes of the recovery flows (a recovery phone's verification code, a recovery code): issued
 * by `mfakit/oob`, stored as a keyed hash in a challenge before they are sent, limited per number
 * with the same counter as login codes, checked once within their own attempt budget.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import type { OobCodeRecord } from '../oob/index.js';
import type { ServiceContext } from './context.js';
import { deliverOobCode } from './oob-code-delivery.js';
import { attemptOobCode, storedOobCode } from './oob-attempt.js';
import type { OobSettings } from './options.js';
import type { MfaChallengeRecord, MfaEnrolmentRecord, MfaFactorRecord } from '../store/records.js';

/** The `oob` settings, or `FACTOR_NOT_ALLOWED`. @internal */
export function requireOob(ctx: ServiceContext): OobSettings {
  if (ctx.oob === undefined) throw new MfaError('FACTOR_NOT_ALLOWED', 'SMS codes are not configured (service option `oob`)');
  return ctx.oob;
}

/** The challenge id of a recovery SMS code. @internal */
export function recoverySmsChallengeId(parts: readonly string[]): string {
  return 'recph_' + bytesToBase64Url(sha256(utf8ToBytes(JSON.stringify(['mfakit/service/recovery-phone/v1', ...parts]))));
}

/** The number of a stored phone. @internal */
export function destinationOf(factor: MfaFactorRecord | MfaEnrolmentRecord): string {
  const destination = factor.data['destination'];
  if (typeof destination !== 'string') throw new MfaError('STORE_CORRUPT', 'stored phone has no number');
  return destination;
}

/** Issues, stores (before sending) and sends one SMS code; counts toward the destination's send limit. @internal */
export function sendSmsCode(
  ctx: ServiceContext,
  input: { accountId: string; codePurpose: string; recordPurpose: string; destination: string; id: string; factorId: string },
): Promise<number> {
  return deliverOobCode(ctx, requireOob(ctx), { ...input, channel: 'sms' });
}

/** The OOB record inside a challenge. @internal */
export const storedCode = storedOobCode;

/** Whether `input` can be a code of `record` at all (digits only, the right length). @internal */
export function couldBeCode(input: string, record: OobCodeRecord): boolean {
  const compact = input.replace(/[\s-]/g, '');
  return compact.length === record.digits && /^[0-9]+$/.test(compact);
}

/** Outcome of {@link checkCode}. @internal */
export type CodeCheck = { ok: true } | { ok: false; reason: 'mismatch' | 'expired' | 'exhausted' | 'malformed' };

/** Checks a code and records the attempt atomically (see oob-attempt.ts); a right one is used up. @internal */
export async function checkCode(ctx: ServiceContext, challenge: MfaChallengeRecord, input: string, codePurpose: string): Promise<CodeCheck> {
  const outcome = await attemptOobCode(ctx, challenge, input, { purpose: codePurpose, channel: 'sms' }, requireOob(ctx).key);
  if (outcome === 'accepted') return { ok: true };
  return { ok: false, reason: outcome === 'replayed' ? 'expired' : outcome };
}
