/**
 * Logging in with a WebAuthn factor, or with a passkey and no username. Login challenges are
 * challenge records whose id is derived from the challenge itself, spent with the store's atomic
 * `consumeChallenge`: a second response to the same challenge finds nothing. They expire (default
 * 300 s).
 *
 * The WebAuthn user handle of an account is its account id (UTF-8, base64url, at most 64 bytes):
 * usernameless login reads the account from it without a store index. Use opaque account ids (not
 * e-mail addresses): the handle is stored on the authenticator. The handle is not signed, but it
 * only selects where the credential is looked up; the signature must still verify with a key
 * registered to that account.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToUtf8 } from '../internal/bytes.js';
import {
  createWebAuthnAuthenticationOptions,
  verifyWebAuthnAuthentication,
  type WebAuthnAuthenticationFailure,
  type WebAuthnAuthenticationResponseJSON,
  type WebAuthnRequestOptionsJSON,
} from '../webauthn/index.js';
import { loadFactors, requireAccount } from './accounts.js';
import type { ServiceContext } from './context.js';
import { summariseUsedFactor, type FactorSummary } from './factor-summary.js';
import { factorStillEnrolled, issueStepUp, type StepUpGrant } from './step-up.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord, type MfaJsonObject } from '../store/records.js';
import { charge, codeRecords, requesterKey } from './throttle.js';
import { acceptedRpIds, ceremonyRpId, counterOffsetOf, requireSettings, storedSignCount, timeoutOf, webAuthnUserHandle, webauthnData, webauthnFactors } from './webauthn-factor.js';

/** Challenge purpose of WebAuthn login challenges. */
const LOGIN_PURPOSE = 'webauthn-login';

/** The account a passkey's user handle names, or `null` when it names none. */
function accountFromUserHandle(userHandle: string | null | undefined): string | null {
  if (typeof userHandle !== 'string' || userHandle.length === 0) return null;
  try {
    return bytesToUtf8(base64ToBytes(userHandle, 'INVALID_CREDENTIAL'));
  } catch {
    return null;
  }
}

/** The id of a login challenge's record, derived from the challenge itself. */
function loginChallengeId(challenge: string): string {
  return `webauthn_${challenge}`;
}

/**
 * Options of `startWebAuthnLogin`.
 *
 * @example
 * ```ts
 * const passkey: StartWebAuthnLoginOptions = {}; // with no accountId: usernameless
 * ```
 */
export interface StartWebAuthnLoginOptions {
  /** `required` by default for passkey login, else the service setting. */
  readonly userVerification?: 'discouraged' | 'preferred' | 'required';
  /** The RP ID the options carry: `webauthn.rpId` (default) or one of `webauthn.relatedRpIds`. */
  readonly rpId?: string;
}

/**
 * A login challenge: pass `options` to the browser helper, then the response to
 * `finishWebAuthnLogin` before `expiresAt`.
 *
 * @example
 * ```ts
 * const { options } = await service.startWebAuthnLogin(userId);
 * ```
 */
export interface WebAuthnLoginStart {
  readonly options: WebAuthnRequestOptionsJSON;
  readonly expiresAt: number;
}

/**
 * Starts a WebAuthn login: for `accountId` (its registered credentials), or with `null` for a
 * usernameless passkey login. @internal
 */
export async function startWebAuthnLoginFlow(
  ctx: ServiceContext,
  accountId: string | null,
  options: StartWebAuthnLoginOptions = {},
): Promise<WebAuthnLoginStart> {
  const settings = requireSettings(ctx.webauthn);
  const timeout = timeoutOf(settings);
  let allowCredentials: { id: string; transports: string[] }[] = [];
  if (accountId !== null) {
    await requireAccount(ctx, accountId);
    const factors = webauthnFactors(await loadFactors(ctx, accountId));
    if (factors.length === 0) throw new MfaError('FACTOR_NOT_FOUND', 'the account has no security key or passkey', { details: { accountId } });
    allowCredentials = factors.map((f) => {
      const d = webauthnData(f);
      return { id: d.credentialId, transports: d.transports };
    });
  }
  const userVerification =
    options.userVerification ?? (accountId === null || settings.requireUserVerification === true ? 'required' : 'preferred');
  const request = createWebAuthnAuthenticationOptions(ceremonyRpId(settings, options.rpId), { random: ctx.random, timeout, allowCredentials, userVerification });
  const now = ctx.now();
  await ctx.store.putChallenge({
    v: MFA_RECORD_VERSION,
    id: loginChallengeId(request.challenge),
    accountId,
    purpose: LOGIN_PURPOSE,
    data: { userVerification },
    createdAt: now,
    expiresAt: now + timeout,
    revision: 0,
  });
  return { options: request, expiresAt: now + timeout };
}

/**
 * Why a WebAuthn login failed: the core's reasons, `unknown-credential` (not a credential of the
 * account, or no account for the user handle), `throttled`/`locked` (attempt limits).
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'challenge-mismatch') restartLogin();
 * ```
 */
export type WebAuthnLoginFailure = WebAuthnAuthenticationFailure | 'unknown-credential' | 'throttled' | 'locked';

/**
 * Outcome of `finishWebAuthnLogin`. On success: the account (useful after a usernameless login),
 * the factor and a step-up grant.
 *
 * @example
 * ```ts
 * const result: WebAuthnLoginFinish = await service.finishWebAuthnLogin(response);
 * if (result.ok) session.user = result.accountId;
 * ```
 */
export type WebAuthnLoginFinish =
  | {
      readonly ok: true;
      readonly accountId: string;
      readonly kind: 'webauthn';
      readonly factor: FactorSummary;
      readonly stepUp: StepUpGrant;
      readonly userVerified: boolean;
      /** The counter did not increase and `onCounterRegression` is `accept`. */
      readonly possibleClone: boolean;
    }
  | { readonly ok: false; readonly reason: WebAuthnLoginFailure; readonly retryAt?: number };

/**
 * Completes a login. With `accountId` the response must come from one of that account's
 * credentials; without, the account comes from the response's user handle (passkey login).
 * @internal
 */
export async function finishWebAuthnLoginFlow(
  ctx: ServiceContext,
  response: WebAuthnAuthenticationResponseJSON,
  options: { readonly accountId?: string; readonly requester?: string } = {},
): Promise<WebAuthnLoginFinish> {
  const settings = requireSettings(ctx.webauthn);
  const requester = requesterKey(options.requester);
  if (typeof response !== 'object' || response === null || typeof response.id !== 'string') {
    throw new MfaError('INVALID_CREDENTIAL', 'response must be a WebAuthn authentication response');
  }
  const usernameless = options.accountId === undefined;
  const accountId = options.accountId ?? accountFromUserHandle(response.response?.userHandle);
  if (accountId === null) return { ok: false, reason: 'user-handle-missing' };
  const account = await ctx.store.getAccount(accountId);
  const factor = account === null ? undefined : webauthnFactors(await loadFactors(ctx, accountId)).find((f) => webauthnData(f).credentialId === response.id);
  if (factor === undefined) {
    await ctx.emit({ type: 'verification-failed', accountId, kind: 'webauthn', reason: 'unknown-credential' });
    return { ok: false, reason: 'unknown-credential' };
  }
  const data = webauthnData(factor);

  // A failed signature is not a guess at a secret: it never charges the account's code record
  // (forged assertions must not lock the owner out). With a requester key, that source's failed
  // signatures are limited by its own record, charged before the check like any attempt.
  const signatureRecord = requester === undefined ? [] : [{ name: `signature@${requester}`, rule: ctx.limits.requester }];
  const gate = await charge(ctx, accountId, signatureRecord);
  if (!gate.allowed) return { ok: false, reason: gate.reason, retryAt: gate.retryAt };

  let challengeUserVerification: unknown;
  const result = await verifyWebAuthnAuthentication(
    response,
    { id: data.credentialId, publicKey: data.publicKey, counter: storedSignCount(factor, data), userHandle: webAuthnUserHandle(accountId), backupEligible: data.backupEligible },
    {
      // Spends the challenge: a second response to it finds nothing.
      expectedChallenge: async (challenge) => {
        const record = await ctx.store.consumeChallenge(loginChallengeId(challenge), { purpose: LOGIN_PURPOSE, now: ctx.now() });
        if (record === null) return false;
        challengeUserVerification = record.data['userVerification'];
        // A challenge issued for one account cannot be answered for another; passkey challenges have none.
        return record.accountId === null ? usernameless : record.accountId === accountId;
      },
      expectedOrigin: settings.origins,
      expectedRpId: acceptedRpIds(settings),
      requireUserVerification: settings.requireUserVerification === true || usernameless,
      requireUserHandle: usernameless,
      onCounterRegression: settings.onCounterRegression ?? 'reject',
      ...(settings.algorithms === undefined ? {} : { algorithms: settings.algorithms }),
    },
  );
  if (result.ok && challengeUserVerification === 'required' && !result.userVerified) {
    return fail(ctx, accountId, factor, 'user-not-verified');
  }
  if (!result.ok) return fail(ctx, accountId, factor, result.reason);

  const now = ctx.now();
  const offset = counterOffsetOf(data);
  const stored = storedSignCount(factor, data);
  // Counterless: 0 at registration and at a login, and never counted since (offset 0).
  const becomesCounterless = data.counterless !== true && result.counter === 0 && factor.lastStep <= 0 && offset === 0;
  // A counterless authenticator that reports a positive counter counts from now on: lastStep (its
  // login count) becomes the offset, and its counter is guarded again (L3 §6.1.1).
  const startsCounting = data.counterless === true && result.counter > 0;
  const update: MfaJsonObject = {
    ...(result.backedUp === data.backedUp ? {} : { backedUp: result.backedUp }),
    ...(becomesCounterless ? { counterless: true } : {}),
    ...(startsCounting ? { counterless: false, counterOffset: factor.lastStep } : {}),
  };
  // Leaving counterless mode must be stored before the counter is (a lost race, another login of
  // the same credential at once, is refused as a possible clone). Otherwise best effort: the backup
  // state may change between logins; a lost race only delays the update.
  const saved = Object.keys(update).length > 0 && (await ctx.store.compareAndSetFactor({ ...factor, data: { ...factor.data, ...update } }, factor.revision));
  if (startsCounting && !saved) return fail(ctx, accountId, factor, 'counter-regression');
  const counting = startsCounting || (data.counterless !== true && !becomesCounterless);
  if (counting && result.counter > (startsCounting ? 0 : stored)) {
    // Two concurrent logins by one authenticator: the one with the lower counter loses here.
    const base = startsCounting ? factor.lastStep : offset;
    if (!(await ctx.store.advanceFactorStep(accountId, factor.id, base + result.counter, now))) {
      return fail(ctx, accountId, factor, 'counter-regression');
    }
  }
  if ((data.counterless === true && !startsCounting) || (becomesCounterless && saved)) {
    // No counter to compare: lastStep counts logins so lastUsedAt moves (the challenge, consumed
    // once, is what stops a replay). Losing this race means another login of the same key: fine.
    await ctx.store.advanceFactorStep(accountId, factor.id, Math.max(factor.lastStep + 1, result.counter), now);
  }
  // A phishing-resistant success: it clears code guessing too (NIST SP 800-63B §5.2.2: a success
  // disregards earlier failures), issued together with the step-up generation read.
  const clear = [...codeRecords(requester), ...signatureRecord.map((r) => r.name)];
  const [, stepUp] = await Promise.all([ctx.store.clearAttempts(accountId, clear), issueStepUp(ctx, accountId, factorStillEnrolled(ctx, accountId, factor.id))]);
  const summary = summariseUsedFactor(factor, now);
  await ctx.emit({
    type: 'verified',
    accountId,
    factorId: factor.id,
    kind: 'webauthn',
    name: factor.name,
    ...(result.possibleClone ? { details: { possibleClone: true } } : {}),
  });
  return { ok: true, accountId, kind: 'webauthn', factor: summary, stepUp, userVerified: result.userVerified, possibleClone: result.possibleClone };
}

async function fail(ctx: ServiceContext, accountId: string, factor: MfaFactorRecord, reason: WebAuthnLoginFailure): Promise<WebAuthnLoginFinish> {
  await ctx.emit({
    type: reason === 'challenge-mismatch' || reason === 'counter-regression' ? 'replay-refused' : 'verification-failed',
    accountId,
    factorId: factor.id,
    kind: 'webauthn',
    reason,
  });
  return { ok: false, reason };
}
