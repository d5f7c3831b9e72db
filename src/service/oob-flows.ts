/**
 * Email and SMS codes: as enrolled factors ("send me a code"), and as a fallback login to a
 * destination the app names when it allows that. Codes are stored only as keyed hashes, inside a
 * challenge that a resend replaces; a send is limited per destination (SMS pumping); a code is
 * accepted once, within its lifetime and its own attempt budget, on top of the account throttle.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import type { OobChannel } from '../oob/index.js';
import { loadFactors, requireAccount, requireFactor } from './accounts.js';
import { activate, type ConfirmEnrolmentResult } from './activation.js';
import type { ServiceContext } from './context.js';
import { guardEnrolment, type EnrolmentGuardOptions } from './enrolment-guard.js';
import { maskDestination } from './events.js';
import { deliverOobCode } from './oob-code-delivery.js';
import { attemptOobCode, storedOobCode } from './oob-attempt.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import type { OobSettings } from './options.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord, type MfaEnrolmentRecord, type MfaFactorRecord } from '../store/records.js';

/** Challenge purposes of email/SMS codes. */
const LOGIN_PURPOSE = 'oob-login';
const ENROL_PURPOSE = 'oob-enrolment';

/**
 * Options of `startOobEnrolment`.
 *
 * @example
 * ```ts
 * const options: StartOobEnrolmentOptions = { channel: 'sms', destination: '+41791234567', stepUpToken };
 * ```
 */
export interface StartOobEnrolmentOptions extends EnrolmentGuardOptions {
  readonly channel: OobChannel;
  /** Email address or phone number (E.164). */
  readonly destination: string;
  readonly name?: string;
}

/**
 * A pending email/SMS enrolment: a code was sent; confirm it with `confirmEnrolment`.
 *
 * @example
 * ```ts
 * const pending: OobEnrolment = await service.startOobEnrolment(userId, { channel: 'email', destination: 'ada@example.com' });
 * ```
 */
export interface OobEnrolment {
  readonly enrolmentId: string;
  readonly name: string;
  readonly channel: OobChannel;
  readonly destinationHint: string;
  readonly expiresAt: number;
}

/**
 * Options of `sendLoginCode`: an enrolled factor (`factorId`, or the first factor of `channel`),
 * or, when the service allows fallback, a `channel` and `destination` the app vouches for.
 *
 * @example
 * ```ts
 * await service.sendLoginCode(userId, { channel: 'email' });
 * ```
 */
export interface SendLoginCodeOptions {
  readonly factorId?: string;
  readonly channel?: OobChannel;
  readonly destination?: string;
}

/**
 * Where a login code went.
 *
 * @example
 * ```ts
 * const sent: SentLoginCode = await service.sendLoginCode(userId, { channel: 'sms' });
 * show(`We sent a code to ${sent.destinationHint}`);
 * ```
 */
export interface SentLoginCode {
  readonly channel: OobChannel;
  readonly destinationHint: string;
  readonly expiresAt: number;
  /** The factor the code stands for; `null` for a fallback destination. */
  readonly factorId: string | null;
}

function requireOob(ctx: ServiceContext): OobSettings {
  if (ctx.oob === undefined) throw new MfaError('FACTOR_NOT_ALLOWED', 'email/SMS codes are not configured (service option `oob`)');
  return ctx.oob;
}

function checkChannel(oob: OobSettings, channel: unknown): OobChannel {
  if (channel !== 'email' && channel !== 'sms') throw new MfaError('INVALID_ARGUMENT', 'channel must be "email" or "sms"');
  if (oob.channels !== undefined && !oob.channels.includes(channel)) {
    throw new MfaError('FACTOR_NOT_ALLOWED', `the ${channel} channel is not enabled`);
  }
  return channel;
}

function challengeId(parts: readonly string[]): string {
  return 'oob_' + bytesToBase64Url(sha256(utf8ToBytes(JSON.stringify(['mfakit/service/oob/v1', ...parts]))));
}

/** The login-code challenge of an account and channel (a resend replaces it). @internal */
export function loginChallengeId(accountId: string, channel: OobChannel): string {
  return challengeId(['login', accountId, channel]);
}

function enrolmentChallengeId(accountId: string, enrolmentId: string): string {
  return challengeId(['enrolment', accountId, enrolmentId]);
}

/** Issues, stores (before sending) and sends one email/SMS code of a factor or a login. @internal */
function sendCode(
  ctx: ServiceContext,
  input: { accountId: string; purpose: 'login' | 'enrolment'; channel: OobChannel; destination: string; id: string; factorId: string | null },
): Promise<number> {
  const { purpose, ...rest } = input;
  return deliverOobCode(ctx, requireOob(ctx), { ...rest, codePurpose: purpose, recordPurpose: purpose === 'login' ? LOGIN_PURPOSE : ENROL_PURPOSE });
}

/** Starts an email/SMS factor enrolment: sends a code to the destination. @internal */
export async function startOobEnrolment(ctx: ServiceContext, accountId: string, options: StartOobEnrolmentOptions): Promise<OobEnrolment> {
  assertId(accountId, 'accountId');
  const oob = requireOob(ctx);
  const channel = checkChannel(oob, options?.channel);
  const destination = options.destination;
  if (typeof destination !== 'string' || destination.length === 0 || destination.length > 320) {
    throw new MfaError('INVALID_ARGUMENT', 'destination must be an email address or phone number');
  }
  const { factors, binding } = await guardEnrolment(ctx, accountId, channel, options);
  const name = options.name === undefined ? defaultName(factors, channel === 'email' ? 'Email' : 'SMS') : checkFactorName(options.name, '');
  checkNameFree(factors.filter((f) => f.id !== options.replacesFactorId), name);
  const now = ctx.now();
  const id = ctx.newId('f');
  const destinationHint = maskDestination(destination);
  const pending: MfaEnrolmentRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    kind: channel,
    role: 'login',
    name,
    createdAt: now,
    expiresAt: now + ctx.enrolmentTtlMs,
    replacesFactorId: options.replacesFactorId ?? null,
    data: { channel, destination, destinationHint, ...binding },
  };
  await ctx.store.putEnrolment(pending);
  const codeExpiresAt = await sendCode(ctx, { accountId, purpose: 'enrolment', channel, destination, id: enrolmentChallengeId(accountId, id), factorId: id });
  await ctx.emit({ type: 'enrolment-started', accountId, factorId: id, kind: channel, name });
  return { enrolmentId: id, name, channel, destinationHint, expiresAt: Math.min(pending.expiresAt, codeExpiresAt) };
}

/** Sends a login code. @internal */
export async function sendLoginCode(ctx: ServiceContext, accountId: string, options: SendLoginCodeOptions = {}): Promise<SentLoginCode> {
  const oob = requireOob(ctx);
  await requireAccount(ctx, accountId);
  let factor: MfaFactorRecord | undefined;
  if (options.factorId !== undefined) {
    factor = await requireFactor(ctx, accountId, options.factorId);
    if (factor.kind !== 'email' && factor.kind !== 'sms') throw new MfaError('INVALID_ARGUMENT', 'this factor does not receive codes');
  } else if (options.destination !== undefined) {
    if (oob.allowFallback !== true) throw new MfaError('FACTOR_NOT_ALLOWED', 'codes to a destination outside the enrolled factors are not allowed');
    const channel = checkChannel(oob, options.channel);
    if (typeof options.destination !== 'string' || options.destination.length === 0 || options.destination.length > 320) {
      throw new MfaError('INVALID_ARGUMENT', 'destination must be an email address or phone number');
    }
    const expiresAt = await sendCode(ctx, { accountId, purpose: 'login', channel, destination: options.destination, id: loginChallengeId(accountId, channel), factorId: null });
    return { channel, destinationHint: maskDestination(options.destination), expiresAt, factorId: null };
  } else {
    const wanted = options.channel;
    factor = (await loadFactors(ctx, accountId)).find((f) => (f.kind === 'email' || f.kind === 'sms') && (wanted === undefined || f.kind === wanted));
    if (factor === undefined) throw new MfaError('FACTOR_NOT_FOUND', 'the account has no email/SMS factor');
  }
  const channel = checkChannel(oob, factor.kind);
  const destination = factor.data['destination'];
  if (typeof destination !== 'string') throw new MfaError('STORE_CORRUPT', 'stored email/SMS factor has no destination');
  const expiresAt = await sendCode(ctx, { accountId, purpose: 'login', channel, destination, id: loginChallengeId(accountId, channel), factorId: factor.id });
  return { channel, destinationHint: maskDestination(destination), expiresAt, factorId: factor.id };
}

/** Outcome of checking an email/SMS code. @internal */
export type OobCheck =
  | { ok: true; factorId: string | null; channel: OobChannel }
  | { ok: false; reason: 'mismatch' | 'replayed' | 'malformed' };

/** Checks a code against a challenge and records the attempt atomically (see oob-attempt.ts). @internal */
async function checkAgainst(ctx: ServiceContext, challenge: MfaChallengeRecord, input: string, expectedPurpose: string): Promise<{ ok: true } | { ok: false; reason: 'mismatch' | 'replayed' | 'malformed' }> {
  const outcome = await attemptOobCode(ctx, challenge, input, { purpose: expectedPurpose }, requireOob(ctx).key);
  if (outcome === 'accepted') return { ok: true };
  if (outcome === 'malformed') return { ok: false, reason: 'malformed' };
  return { ok: false, reason: outcome === 'replayed' ? 'replayed' : 'mismatch' };
}

/** The live login challenges of an account (per channel). @internal */
export async function pendingLoginCodes(ctx: ServiceContext, accountId: string, channel?: OobChannel): Promise<MfaChallengeRecord[]> {
  if (ctx.oob === undefined) return [];
  const channels: OobChannel[] = channel === undefined ? ['email', 'sms'] : [channel];
  const found: MfaChallengeRecord[] = [];
  for (const c of channels) {
    const challenge = await ctx.store.getChallenge(loginChallengeId(accountId, c), ctx.now());
    if (challenge !== null && challenge.purpose === LOGIN_PURPOSE && challenge.accountId === accountId) found.push(challenge);
  }
  return found;
}

/** Checks a login code against the pending challenges. The throttle was charged by the caller. @internal */
export async function checkLoginCode(ctx: ServiceContext, challenges: readonly MfaChallengeRecord[], input: string): Promise<OobCheck> {
  let replayed = false;
  for (const challenge of challenges) {
    const result = await checkAgainst(ctx, challenge, input, 'login');
    if (result.ok) {
      const factorId = challenge.data['factorId'];
      return { ok: true, factorId: typeof factorId === 'string' ? factorId : null, channel: storedOobCode(challenge).channel };
    }
    if (result.reason === 'replayed') replayed = true;
  }
  return { ok: false, reason: replayed ? 'replayed' : 'mismatch' };
}

/** Confirms an email/SMS enrolment with the code that was sent. @internal */
export async function confirmOobEnrolment(ctx: ServiceContext, pending: MfaEnrolmentRecord, code: string): Promise<ConfirmEnrolmentResult> {
  const challenge = await ctx.store.getChallenge(enrolmentChallengeId(pending.accountId, pending.id), ctx.now());
  if (challenge === null) return { ok: false, reason: 'expired' };
  const result = await checkAgainst(ctx, challenge, code, 'enrolment');
  if (!result.ok) {
    const reason = result.reason === 'malformed' ? 'malformed' : 'mismatch';
    await ctx.emit({ type: 'enrolment-failed', accountId: pending.accountId, factorId: pending.id, kind: pending.kind, reason });
    return { ok: false, reason };
  }
  const factor: MfaFactorRecord = {
    v: MFA_RECORD_VERSION,
    id: pending.id,
    accountId: pending.accountId,
    kind: pending.kind,
    role: 'login',
    name: pending.name,
    createdAt: ctx.now(),
    lastUsedAt: null,
    lastStep: -1,
    revision: 0,
    data: pending.data,
  };
  return activate(ctx, pending, factor);
}
