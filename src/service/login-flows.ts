/**
 * Verifying a code at login (or for a step-up): tries the account's authenticator apps, then its
 * backup codes, then a pending email/SMS code (or only the kind or factor the app names). The
 * attempt is charged to the account throttle before any code is checked; a malformed input is
 * refused before that and changes nothing. Success clears the throttle and returns a step-up grant.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { normaliseOtpCode } from '../otp/index.js';
import { loadFactors, requireAccount } from './accounts.js';
import type { ServiceContext } from './context.js';
import type { FactorSummary } from './factor-summary.js';
import type { CodeAttempt, CodeLogin, FactorKindDefinition, GatheredCodes, LoginReads } from './kinds/kind.js';
import { CODE_FACTOR_KINDS, FACTOR_KINDS, factorKind, type CodeFactorKind } from './kinds/registry.js';
import { generationId, prepareStepUp, stepUpFrom, type StepUpGrant } from './step-up.js';
import { codeCharges, codeRecords, decide, requesterKey } from './throttle.js';
import { assertRecordVersion, type MfaFactorRecord } from '../store/records.js';
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
  readonly kind?: CodeFactorKind;
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
      /** The kind that verified. */
      readonly kind: CodeFactorKind;
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
  if (kind !== undefined && !(CODE_FACTOR_KINDS as readonly string[]).includes(kind)) {
    throw new MfaError('INVALID_ARGUMENT', `kind must be ${CODE_FACTOR_KINDS.join(', ')}`);
  }
  assertId(accountId, 'accountId');
  if (options.factorId !== undefined) assertId(options.factorId, 'factorId');
  const requester = requesterKey(options.requester);

  // The checks that may answer, in the registry's order, each with the kinds it answers for here
  // (email and SMS share one check).
  const checks = new Map<CodeLogin, Set<string>>();
  for (const definition of FACTOR_KINDS as readonly FactorKindDefinition[]) {
    const login = definition.codeLogin;
    if (login === undefined || (kind !== undefined && definition.kind !== kind)) continue;
    const kinds = checks.get(login);
    if (kinds === undefined) checks.set(login, new Set([definition.kind]));
    else kinds.add(definition.kind);
  }
  const digits = digitsOf(code);
  let read: LoginReads = notRead(ctx, accountId);
  const attemptOf = (login: CodeLogin, factors: readonly MfaFactorRecord[]): CodeAttempt => ({
    ctx,
    accountId,
    code,
    digits,
    kinds: checks.get(login)!,
    factorId: options.factorId,
    factors,
    read,
  });
  // Whether the input has the shape of any code at all. Such an input is charged in the same
  // round trip that reads the factors (one statement on PostgreSQL, one script on Redis); any
  // other input is refused as malformed without charging anything.
  const shaped = [...checks.keys()].filter((login) => login.shaped(attemptOf(login, [])));
  const codeShaped = shaped.length > 0;
  const charges = codeCharges(ctx, requester);
  let all: MfaFactorRecord[];
  let results: readonly (MfaAttemptCharge | null)[] = [];
  if (codeShaped) {
    // Read with the charge: the step-up generation a success needs, and what the checks ask for
    // (a backup code, its count and its tombstone), so a login needs no other read.
    const challengeIds = [generationId(accountId)];
    let backupCode: string | undefined;
    for (const login of shaped) {
      const wanted = login.reads?.(attemptOf(login, []));
      if (wanted === undefined) continue;
      for (const id of wanted.challenges ?? []) if (!challengeIds.includes(id)) challengeIds.push(id);
      backupCode ??= wanted.backupCode;
    }
    const charged = await ctx.store.chargeAttempts(accountId, charges, {
      now: ctx.now(),
      withFactors: true,
      withChallenges: challengeIds,
      ...(backupCode === undefined ? {} : { withBackupCode: backupCode }),
    });
    all = charged.factors ?? [];
    for (const f of all) assertRecordVersion(f, 'factor');
    results = charged.charges;
    read = readsOf(ctx, accountId, challengeIds, charged);
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
  const gathered: GatheredCodes[] = [];
  for (const login of checks.keys()) gathered.push(await login.gather(attemptOf(login, factors)));
  let available = gathered.some((g) => g.available === true);
  // Some checks find out whether they have anything only when asked (a round trip): only when
  // nothing else could verify the input.
  for (const g of gathered) {
    if (available) break;
    if (typeof g.available === 'function') available = await g.available();
  }
  if (!available) {
    // What the user typed is a code that is no longer pending (expired, replaced, or never sent):
    // a result, not charged. An account with nothing to verify against is the app's mistake.
    if (gathered.some((g) => g.expired === true)) return { ok: false, reason: 'expired' };
    throw new MfaError('FACTOR_NOT_FOUND', 'the account has no factor that can verify this (MFA is not enabled)', { details: { accountId } });
  }
  // Cannot be a code of any candidate, and nothing was charged: refused, nothing changes.
  if (!codeShaped) return { ok: false, reason: 'malformed' };

  // Charged before any check, atomically in the store (above, with the factors).
  const gate = await decide(ctx, accountId, charges, results);
  if (!gate.allowed) return { ok: false, reason: gate.reason, retryAt: gate.retryAt };
  const clear = codeRecords(requester);

  let replayed = false;
  for (const g of gathered) {
    if (g.check === undefined) continue;
    const result = await g.check(clear);
    if (result.ok) {
      // A code check answers only for kinds that have one (it was chosen by `codeLogin`).
      const verified = result.kind as CodeFactorKind;
      return succeed(ctx, accountId, result.factor ?? kindSummary(verified), verified, result.mintStepUp, result.backupCodesRemaining);
    }
    if (result.replayed) replayed = true;
  }

  const reason = replayed ? 'replayed' : 'mismatch';
  await ctx.emit({ type: replayed ? 'replay-refused' : 'verification-failed', accountId, reason, ...(kind === undefined ? {} : { kind }) });
  return { ok: false, reason };
}

/** Nothing read (before the charge, or a malformed input): every read is `undefined`. */
function notRead(ctx: ServiceContext, accountId: string): LoginReads {
  return { challenge: () => undefined, stepUp: (stillEnrolled) => prepareStepUp(ctx, accountId, stillEnrolled) };
}

/**
 * What the charge read. A store that does not implement the reads returns neither field: every
 * read is then `undefined` and the checks read apart.
 */
function readsOf(ctx: ServiceContext, accountId: string, ids: readonly string[], charged: ChargeAttemptsResult): LoginReads {
  const found = charged.challenges;
  if (found === undefined) return { ...notRead(ctx, accountId), ...(charged.backupCode === undefined ? {} : { backupCode: charged.backupCode }) };
  const challenge = (id: string) => {
    const at = ids.indexOf(id);
    return at < 0 ? undefined : (found[at] ?? null);
  };
  const generation = challenge(generationId(accountId));
  return {
    challenge,
    ...(charged.backupCode === undefined ? {} : { backupCode: charged.backupCode }),
    stepUp: (stillEnrolled) => stepUpFrom(ctx, accountId, generation, stillEnrolled),
  };
}

/** The summary of a kind that verified without a factor of the account (a fallback email code). */
function kindSummary(kind: CodeFactorKind): FactorSummary {
  return { id: `fallback-${kind}`, kind, role: 'login', name: factorKind(kind)?.displayName ?? kind };
}

async function succeed(
  ctx: ServiceContext,
  accountId: string,
  factor: FactorSummary,
  kind: CodeFactorKind,
  mintStepUp: () => StepUpGrant,
  backupCodesRemaining?: number,
): Promise<MfaVerifyResult> {
  await ctx.emit({ type: 'verified', accountId, factorId: factor.id, kind, name: factor.name });
  // The grant's token is minted when the app reads `stepUp` (a login that only needs "verified"
  // skips the MAC); it is this verification's grant whenever it is read. Literal getters are own
  // enumerable properties (spreads and JSON include them) and keep the object's shape fast.
  const result: { ok: true; kind: CodeFactorKind; factor: FactorSummary; readonly stepUp: StepUpGrant; backupCodesRemaining?: number } = {
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
