/**
 * Verifying a code at login (or for a step-up): tries the account's authenticator apps, then its
 * backup codes, then a pending email/SMS code (or only the kind or factor the app names). The
 * attempt is charged to the account throttle before any code is checked; a malformed input is
 * refused before that and changes nothing. Success clears the throttle and returns a step-up grant.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { MIN_BACKUP_CODE_LENGTH } from '../backup-codes/index.js';
import { normaliseOtpCode } from '../otp/index.js';
import { loadFactors, requireAccount } from './accounts.js';
import { cachedTotpVerifier, openTotpVerifier, resealTotpFactor, totpData } from './authenticator-flows.js';
import { backupCodeLookupId, checkBackupCode, tombstoneId, type BackupCodeRead } from './backup-code-flows.js';
import type { ServiceContext } from './context.js';
import { summariseBackupCodes, summariseFactor, summariseUsedFactor, type FactorSummary } from './factor-summary.js';
import { checkLoginCode, pendingLoginCodes } from './oob-flows.js';
import { generationId, stepUpFrom, type StepUpGrant } from './step-up.js';
import { codeCharges, codeRecords, decide, requesterKey } from './throttle.js';
import { assertRecordVersion, type MfaChallengeRecord, type MfaFactorRecord } from '../store/records.js';
import type { MfaAttemptCharge } from '../store/attempts.js';
import type { ChargeAttemptsResult } from '../store/contract.js';

/**
 * Options of `verify`: restrict the check to one kind or one factor (for example a "use a backup
 * code" link, or the device the user picked).
 *
 * @example
 * ```ts
 * await service.verify(userId, input, { kind: 'backup-codes' });
 * ```
 */
export interface MfaVerifyOptions {
  readonly kind?: 'totp' | 'backup-codes' | 'email' | 'sms';
  readonly factorId?: string;
  /**
   * Who is asking: the client's IP address (IPv6 is grouped by /64) or a key of your own. Each
   * requester also has its own, stricter attempt record, so one source is throttled long before
   * the account as a whole (docs/security-throttle.md).
   */
  readonly requester?: string;
}

/**
 * Why a verification failed:
 * - `malformed`: not shaped like a code at all, or not like a code of the kind asked for (not
 *   charged, nothing changed);
 * - `mismatch`: wrong code (also a code-shaped input that fits none of the account's factors);
 * - `replayed`: a right code that was already used (a TOTP step, a backup code, an email code);
 * - `expired`: the account's only candidates are email/SMS factors and no code is pending for them
 *   (it expired, was replaced, or was never sent): send a new one (not charged, nothing changed);
 * - `throttled`: too soon after the previous failure: retry after `retryAt`;
 * - `locked`: too many failures: nothing is checked until `retryAt` (or `resetThrottle`).
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'throttled') res.setHeader('Retry-After', Math.ceil((result.retryAt - Date.now()) / 1000));
 * ```
 */
export type VerifyFailureReason = 'malformed' | 'mismatch' | 'replayed' | 'expired' | 'throttled' | 'locked';

/**
 * Outcome of `verify`. On success: which factor matched, and a step-up grant for sensitive changes.
 *
 * @example
 * ```ts
 * const result: MfaVerifyResult = await service.verify(userId, '492039');
 * if (result.ok) { session.mfa = true; session.mfaStepUp = result.stepUp.token; }
 * ```
 */
export type MfaVerifyResult =
  | {
      readonly ok: true;
      readonly kind: string;
      readonly factor: FactorSummary;
      /**
       * The step-up grant of this verification. Its token is minted when first read (a getter,
       * enumerable, so spreading or serialising the result includes it); a login that never reads
       * it skips the MAC. Read it at once if you keep it: it expires `stepUpWindowMs` after the
       * verification, whenever it is read.
       */
      readonly stepUp: StepUpGrant;
      /** Set when a backup code was used: how many are left (prompt to regenerate when low). */
      readonly backupCodesRemaining?: number;
    }
  | { readonly ok: false; readonly reason: Exclude<VerifyFailureReason, 'throttled' | 'locked'>; readonly retryAt?: undefined }
  /** Throttled or locked: nothing was checked; `retryAt` (ms since epoch) is when to try again. */
  | { readonly ok: false; readonly reason: Extract<VerifyFailureReason, 'throttled' | 'locked'>; readonly retryAt: number };

function digitsOf(input: string): string | null {
  let normalised: string;
  try {
    normalised = normaliseOtpCode(input);
  } catch {
    return null;
  }
  return /^[0-9]{6,10}$/.test(normalised) ? normalised : null;
}

/** Verifies a code for an account. @internal */
export async function verifyCode(ctx: ServiceContext, accountId: string, code: string, options: MfaVerifyOptions = {}): Promise<MfaVerifyResult> {
  if (typeof code !== 'string') throw new MfaError('INVALID_ARGUMENT', 'code must be a string');
  const kind = options.kind;
  if (kind !== undefined && kind !== 'totp' && kind !== 'backup-codes' && kind !== 'email' && kind !== 'sms') {
    throw new MfaError('INVALID_ARGUMENT', 'kind must be totp, backup-codes, email or sms');
  }
  assertId(accountId, 'accountId');
  if (options.factorId !== undefined) assertId(options.factorId, 'factorId');
  const requester = requesterKey(options.requester);

  const digits = digitsOf(code);
  const totpAllowed = kind === undefined || kind === 'totp';
  const oobAllowed = kind === undefined || kind === 'email' || kind === 'sms';
  const oobChannel = kind === 'email' || kind === 'sms' ? kind : undefined;
  const backupAllowed = options.factorId === undefined && (kind === undefined || kind === 'backup-codes');
  // Digits and separators only: fewer than MIN_BACKUP_CODE_LENGTH digits cannot be a backup code
  // (separators are not code characters), so a six-digit TOTP code skips the backup-code parse.
  const backupId = backupAllowed && (digits === null || digits.length >= MIN_BACKUP_CODE_LENGTH) ? backupCodeLookupId(code) : null;
  // Whether the input has the shape of any code at all. Such an input is charged in the same
  // round trip that reads the factors (one statement on PostgreSQL, one script on Redis); any
  // other input is refused as malformed without charging anything.
  const codeShaped = (digits !== null && (totpAllowed || oobAllowed)) || backupId !== null;
  const charges = codeCharges(ctx, requester);
  let all: MfaFactorRecord[];
  let results: readonly (MfaAttemptCharge | null)[] = [];
  // Read with the charge (one round trip): the step-up generation a success needs, and for a
  // backup-code-shaped input its code, the account's count of codes and the code's tombstone.
  let generation: MfaChallengeRecord | null | undefined;
  let backupRead: BackupCodeRead | undefined;
  if (codeShaped) {
    const charged = await ctx.store.chargeAttempts(accountId, charges, {
      now: ctx.now(),
      withFactors: true,
      withChallenges: backupId === null ? [generationId(accountId)] : [generationId(accountId), tombstoneId(accountId, backupId)],
      ...(backupId === null ? {} : { withBackupCode: backupId }),
    });
    all = charged.factors ?? [];
    for (const f of all) assertRecordVersion(f, 'factor');
    results = charged.charges;
    // A store written before these reads existed returns neither: read them apart (below).
    generation = charged.challenges?.[0];
    if (backupId !== null) backupRead = await backupCodeRead(ctx, accountId, backupId, charged);
  } else {
    all = await loadFactors(ctx, accountId);
  }
  if (all.length === 0) await requireAccount(ctx, accountId); // unknown account: ACCOUNT_NOT_FOUND first

  // Candidates, without touching the store's state.
  let factors: readonly MfaFactorRecord[];
  if (options.factorId !== undefined) {
    const factor = all.find((f) => f.id === options.factorId);
    if (factor === undefined) throw new MfaError('FACTOR_NOT_FOUND', 'no such factor on this account', { details: { factorId: options.factorId } });
    if (factor.role !== 'login') throw new MfaError('INVALID_ARGUMENT', 'this factor is a recovery method, not a login factor');
    factors = [factor];
  } else {
    factors = all;
  }
  // One pass over the login factors: the authenticator apps the code could belong to (its digit
  // count), and whether any TOTP or email/SMS factor of the asked kind exists.
  const totpCandidates: MfaFactorRecord[] = [];
  let hasTotp = false;
  let hasOobFactor = false;
  for (const f of factors) {
    if (f.role !== 'login') continue;
    if (f.kind === 'totp') {
      if (!totpAllowed) continue;
      hasTotp = true;
      if (digits !== null && totpData(f.data).digits === digits.length) totpCandidates.push(f);
    } else if ((f.kind === 'email' || f.kind === 'sms') && (oobChannel === undefined || f.kind === oobChannel)) {
      hasOobFactor = true;
    }
  }
  // Email/SMS login codes exist only for accounts with such factors, or as an allowed fallback.
  const mayHaveCodes = oobAllowed && ctx.oob !== undefined && (hasOobFactor || ctx.oob.allowFallback === true);
  let challenges = mayHaveCodes ? await pendingLoginCodes(ctx, accountId, oobChannel) : [];
  if (options.factorId !== undefined) challenges = challenges.filter((c) => c.data['factorId'] === options.factorId);

  const needCount = backupAllowed && backupRead === undefined && (backupId !== null || (!hasTotp && challenges.length === 0));
  const backupCount = backupRead !== undefined ? backupRead.count : needCount ? await ctx.store.countBackupCodes(accountId) : 0;
  if (!hasTotp && backupCount === 0 && challenges.length === 0) {
    // What the user typed is a code that is no longer pending (expired, replaced, or never sent):
    // a result, not charged. An account with nothing to verify against is the app's mistake.
    if (oobAllowed && hasOobFactor) return { ok: false, reason: 'expired' };
    throw new MfaError('FACTOR_NOT_FOUND', 'the account has no factor that can verify this (MFA is not enabled)', { details: { accountId } });
  }
  const hasBackup = backupId !== null && backupCount > 0;
  const oobPossible = digits !== null && challenges.length > 0;
  // Cannot be a code of any candidate, and nothing was charged: refused, nothing changes.
  if (!codeShaped) return { ok: false, reason: 'malformed' };

  // Charged before any check, atomically in the store (above, with the factors).
  const gate = await decide(ctx, accountId, charges, results);
  if (!gate.allowed) return { ok: false, reason: gate.reason, retryAt: gate.retryAt };
  const clear = codeRecords(requester);

  let replayed = false;
  for (const factor of totpCandidates) {
    const cached = cachedTotpVerifier(ctx, factor);
    const { verifier, stale } = cached !== undefined ? { verifier: cached, stale: false } : await openTotpVerifier(ctx, factor);
    const result = verifier.verify(code, { now: ctx.now, afterStep: factor.lastStep });
    if (result.ok) {
      // Exactly one of any number of concurrent requests with this code wins the advance; the
      // winner's advance clears the attempt records in the same round trip (the login's second
      // and last: the step-up generation came with the charge).
      if (await ctx.store.advanceFactorStep(accountId, factor.id, result.step, ctx.now(), { clearAttempts: clear })) {
        const mintStepUp = await stepUpFrom(ctx, accountId, generation);
        if (stale) await resealTotpFactor(ctx, factor);
        return succeed(ctx, accountId, summariseUsedFactor(factor, ctx.now()), 'totp', mintStepUp);
      }
      replayed = true;
    } else if (result.reason === 'replayed') {
      replayed = true;
    }
  }
  if (hasBackup && backupRead !== undefined) {
    // The consume also clears the attempt records (one round trip after the charge).
    const result = await checkBackupCode(ctx, accountId, code, backupId, backupRead, clear);
    if (result.ok) {
      await ctx.emit({ type: 'backup-code-used', accountId, kind: 'backup-codes', details: { remaining: result.remaining } });
      const mintStepUp = await stepUpFrom(ctx, accountId, generation);
      return succeed(ctx, accountId, summariseBackupCodes(result.remaining), 'backup-codes', mintStepUp, result.remaining);
    }
    if (result.reason === 'replayed') replayed = true;
  }
  if (oobPossible) {
    const result = await checkLoginCode(ctx, challenges, code);
    if (result.ok) {
      const factor =
        result.factorId === null ? undefined : factors.find((f) => f.id === result.factorId) ?? (await ctx.store.getFactor(accountId, result.factorId)) ?? undefined;
      const summary: FactorSummary =
        factor === undefined
          ? { id: `fallback-${result.channel}`, kind: result.channel, role: 'login', name: result.channel === 'email' ? 'Email code' : 'SMS code' }
          : summariseFactor(factor);
      // The code was single-use (its challenge is spent): the step only moves lastUsedAt.
      const [, mintStepUp] = await Promise.all([
        factor === undefined
          ? ctx.store.clearAttempts(accountId, clear)
          : ctx.store.advanceFactorStep(accountId, factor.id, Math.max(factor.lastStep + 1, 0), ctx.now(), { clearAttempts: clear }).then(
              (advanced) => (advanced ? undefined : ctx.store.clearAttempts(accountId, clear)),
            ),
        stepUpFrom(ctx, accountId, generation),
      ]);
      return succeed(ctx, accountId, summary, result.channel, mintStepUp);
    }
    if (result.reason === 'replayed') replayed = true;
  }

  const reason = replayed ? 'replayed' : 'mismatch';
  await ctx.emit({ type: replayed ? 'replay-refused' : 'verification-failed', accountId, reason, ...(kind === undefined ? {} : { kind }) });
  return { ok: false, reason };
}

/** The typed backup code's read, from the charge or (a store that did not read it) apart. */
async function backupCodeRead(ctx: ServiceContext, accountId: string, codeId: string, charged: ChargeAttemptsResult): Promise<BackupCodeRead> {
  if (charged.backupCode !== undefined && charged.challenges !== undefined) {
    return { record: charged.backupCode.record, count: charged.backupCode.count, tombstone: charged.challenges[1] ?? null };
  }
  const [record, count, tombstone] = await Promise.all([
    ctx.store.getBackupCode(accountId, codeId),
    ctx.store.countBackupCodes(accountId),
    ctx.store.getChallenge(tombstoneId(accountId, codeId), ctx.now()),
  ]);
  return { record, count, tombstone };
}

async function succeed(
  ctx: ServiceContext,
  accountId: string,
  factor: FactorSummary,
  kind: string,
  mintStepUp: () => StepUpGrant,
  backupCodesRemaining?: number,
): Promise<MfaVerifyResult> {
  await ctx.emit({ type: 'verified', accountId, factorId: factor.id, kind, name: factor.name });
  // The grant's token is minted when the app reads `stepUp` (a login that only needs "verified"
  // skips the MAC); it is this verification's grant whenever it is read. Literal getters are own
  // enumerable properties (spreads and JSON include them) and keep the object's shape fast.
  const result: { ok: true; kind: string; factor: FactorSummary; readonly stepUp: StepUpGrant; backupCodesRemaining?: number } = {
    ok: true,
    kind,
    factor,
    get stepUp() {
      return mintStepUp();
    },
  };
  if (backupCodesRemaining !== undefined) result.backupCodesRemaining = backupCodesRemaining;
  return result;
}
