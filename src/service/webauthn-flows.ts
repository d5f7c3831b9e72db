/**
 * WebAuthn factors in the MFA service: register a security key or platform authenticator as a
 * named factor (several per account), log in with it, or with a passkey without a username.
 *
 * Registration rides on the pending-enrolment mechanism (the enrolment holds the challenge and is
 * activated at most once, atomically). Login challenges are challenge records whose id is derived
 * from the challenge itself, spent with the store's atomic `consumeChallenge`: a second response to
 * the same challenge finds nothing. Both expire (default 300 s).
 *
 * The WebAuthn user handle of an account is its account id (UTF-8, base64url, at most 64 bytes):
 * usernameless login reads the account from it without a store index. Use opaque account ids (not
 * e-mail addresses): the handle is stored on the authenticator. The handle is not signed, but it
 * only selects where the credential is looked up; the signature must still verify with a key
 * registered to that account.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import {
  createWebAuthnAuthenticationOptions,
  createWebAuthnRegistrationOptions,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnAuthenticationFailure,
  type WebAuthnAuthenticationResponseJSON,
  type WebAuthnCreationOptionsJSON,
  type WebAuthnRegistrationFailure,
  type WebAuthnRegistrationResponseJSON,
  type WebAuthnRequestOptionsJSON,
  type WebAuthnAttestationFormat,
} from '../webauthn/index.js';
import { checkId, loadFactors, requireAccount } from './accounts.js';
import { activate, type ConfirmEnrolmentResult } from './activation.js';
import type { ServiceContext } from './context.js';
import { guardEnrolment } from './enrolment-guard.js';
import { summariseFactor, type FactorSummary } from './factor-summary.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { issueStepUp, type StepUpGrant } from './step-up.js';
import { MFA_RECORD_VERSION, type MfaEnrolmentRecord, type MfaFactorRecord, type MfaJsonObject } from './store-records.js';
import { chargeAttempt, clearAttempts } from './throttle.js';

/**
 * WebAuthn settings of the service (option `webauthn`).
 *
 * @example
 * ```ts
 * const webauthn: WebAuthnServiceSettings = { rpId: 'example.org', rpName: 'Example', origins: ['https://example.org'] };
 * ```
 */
export interface WebAuthnServiceSettings {
  /** The RP ID (registrable domain of the site). */
  readonly rpId: string;
  /** Shown by the browser; default the service issuer. */
  readonly rpName?: string;
  /** Allowed origins, e.g. `https://example.org`. */
  readonly origins: readonly string[];
  /** COSE algorithms (default Ed25519, ES256, RS256). */
  readonly algorithms?: readonly number[];
  /** Require UV for second-factor use too (passkey login always requires it); default false. */
  readonly requireUserVerification?: boolean;
  /** Ceremony timeout and challenge lifetime, ms; default 300000. */
  readonly timeoutMs?: number;
  /** Attestation: roots, and whether only trusted attestation is accepted (default: any). */
  readonly attestationRoots?: readonly Uint8Array[] | Partial<Record<WebAuthnAttestationFormat, readonly Uint8Array[]>>;
  readonly requireTrustedAttestation?: boolean;
  /** A counter that does not increase (possible clone): `reject` (default) or `accept` (reported in the event). */
  readonly onCounterRegression?: 'reject' | 'accept';
}

/** Challenge purpose of WebAuthn login challenges. */
const LOGIN_PURPOSE = 'webauthn-login';
const DEFAULT_TIMEOUT_MS = 300_000;

function requireSettings(settings: WebAuthnServiceSettings | undefined): WebAuthnServiceSettings {
  if (settings === undefined) throw new MfaError('INVALID_OPTION', 'WebAuthn needs the service option webauthn: { rpId, origins }');
  if (typeof settings.rpId !== 'string' || settings.rpId.length === 0 || !Array.isArray(settings.origins) || settings.origins.length === 0) {
    throw new MfaError('INVALID_OPTION', 'webauthn needs rpId and a non-empty origins list');
  }
  return settings;
}

function timeoutOf(settings: WebAuthnServiceSettings): number {
  const timeout = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeout) || timeout < 10_000 || timeout > 600_000) throw new MfaError('INVALID_OPTION', 'webauthn.timeoutMs must be 10000 to 600000');
  return timeout;
}

/** The user handle of an account (base64url of its id). @internal */
export function webAuthnUserHandle(accountId: string): string {
  const bytes = utf8ToBytes(accountId);
  if (bytes.length > 64) throw new MfaError('INVALID_ARGUMENT', 'WebAuthn needs account ids of at most 64 bytes (they are the user handle)');
  return bytesToBase64Url(bytes);
}

function accountFromUserHandle(userHandle: string | null | undefined): string | null {
  if (typeof userHandle !== 'string' || userHandle.length === 0) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(userHandle, 'INVALID_CREDENTIAL'));
  } catch {
    return null;
  }
}

function loginChallengeId(challenge: string): string {
  return `webauthn_${challenge}`;
}

/** WebAuthn factor data as stored. @internal */
interface WebAuthnFactorData {
  credentialId: string;
  publicKey: string;
  algorithm: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
  attestationFormat: string;
  /**
   * The authenticator signs with a counter of 0 (passkeys usually do): it reported 0 at
   * registration and again at a login. From then on `lastStep` counts logins instead (so
   * `lastUsedAt` moves on every login) and the counter is checked as 0.
   */
  counterless?: boolean;
}

function webauthnData(record: MfaFactorRecord): WebAuthnFactorData {
  const d = record.data as Partial<Record<keyof WebAuthnFactorData, unknown>>;
  if (typeof d.credentialId !== 'string' || typeof d.publicKey !== 'string' || typeof d.backupEligible !== 'boolean') {
    throw new MfaError('STORE_CORRUPT', 'stored WebAuthn data is malformed');
  }
  return d as unknown as WebAuthnFactorData;
}

function webauthnFactors(factors: readonly MfaFactorRecord[]): MfaFactorRecord[] {
  return factors.filter((f) => f.kind === 'webauthn' && f.role === 'login');
}

/**
 * Options of `startWebAuthnRegistration`.
 *
 * @example
 * ```ts
 * const options: StartWebAuthnRegistrationOptions = { name: 'YubiKey', userName: 'ada@example.com', stepUpToken };
 * ```
 */
export interface StartWebAuthnRegistrationOptions {
  /** Shown in the factor list; default "Security key" or "Passkey" (numbered when taken). */
  readonly name?: string;
  /** Shown by the authenticator (for example the e-mail address); default the account id. */
  readonly userName?: string;
  readonly displayName?: string;
  /** Required once the account has a login factor. */
  readonly stepUpToken?: string;
  /** `cross-platform` for security keys, `platform` for built-in biometrics; default either. */
  readonly authenticatorAttachment?: 'platform' | 'cross-platform';
  /** `required` makes a discoverable credential (a passkey usable without a username). */
  readonly residentKey?: 'discouraged' | 'preferred' | 'required';
  /** Replace this (lost) factor when the registration completes. */
  readonly replacesFactorId?: string;
}

/**
 * A pending WebAuthn registration: pass `options` to the browser helper
 * (`startWebAuthnRegistration` of `mfakit/webauthn/browser`), then the response to
 * `finishWebAuthnRegistration` with `enrolmentId`, before `expiresAt`.
 *
 * @example
 * ```ts
 * const pending: WebAuthnRegistrationStart = await service.startWebAuthnRegistration(userId, { name: 'YubiKey' });
 * res.json({ enrolmentId: pending.enrolmentId, options: pending.options });
 * ```
 */
export interface WebAuthnRegistrationStart {
  readonly enrolmentId: string;
  readonly name: string;
  readonly options: WebAuthnCreationOptionsJSON;
  readonly expiresAt: number;
}

/** Starts registering a security key or platform authenticator. @internal */
export async function startWebAuthnRegistrationFlow(
  ctx: ServiceContext,
  settingsOption: WebAuthnServiceSettings | undefined,
  accountId: string,
  options: StartWebAuthnRegistrationOptions = {},
): Promise<WebAuthnRegistrationStart> {
  const settings = requireSettings(settingsOption);
  checkId(accountId, 'accountId');
  const userHandle = webAuthnUserHandle(accountId);
  const factors = await guardEnrolment(ctx, accountId, 'webauthn', options);
  const base = options.residentKey === 'required' || options.authenticatorAttachment === 'platform' ? 'Passkey' : 'Security key';
  const name = options.name === undefined ? defaultName(factors, base) : checkFactorName(options.name, '');
  checkNameFree(factors.filter((f) => f.id !== options.replacesFactorId), name);
  const timeout = timeoutOf(settings);
  const existing = webauthnFactors(factors).map((f) => webauthnData(f));
  const creation = createWebAuthnRegistrationOptions(
    { id: settings.rpId, name: settings.rpName ?? ctx.issuer },
    { id: userHandle, name: options.userName ?? accountId, displayName: options.displayName ?? options.userName ?? accountId },
    {
      random: ctx.random,
      timeout,
      excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
      authenticatorSelection: {
        residentKey: options.residentKey ?? 'preferred',
        userVerification: settings.requireUserVerification === true || options.residentKey === 'required' ? 'required' : 'preferred',
        ...(options.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: options.authenticatorAttachment }),
      },
      ...(settings.algorithms === undefined ? {} : { algorithms: settings.algorithms }),
    },
  );
  const now = ctx.now();
  const id = ctx.newId('f');
  const pending: MfaEnrolmentRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    kind: 'webauthn',
    role: 'login',
    name,
    createdAt: now,
    expiresAt: now + timeout,
    replacesFactorId: options.replacesFactorId ?? null,
    data: { challenge: creation.challenge, userHandle },
  };
  await ctx.store.putEnrolment(pending);
  await ctx.emit({ type: 'enrolment-started', accountId, factorId: id, kind: 'webauthn', name });
  return { enrolmentId: id, name, options: creation, expiresAt: pending.expiresAt };
}

/**
 * Outcome of `finishWebAuthnRegistration`: the new factor (and the first backup codes, once), or
 * why the response was refused.
 *
 * @example
 * ```ts
 * const result: WebAuthnRegistrationFinish = await service.finishWebAuthnRegistration(userId, enrolmentId, response);
 * ```
 */
export type WebAuthnRegistrationFinish =
  | Extract<ConfirmEnrolmentResult, { ok: true }>
  | { readonly ok: false; readonly reason: WebAuthnRegistrationFailure | 'expired' };

/** Completes a registration with the browser's response. @internal */
export async function finishWebAuthnRegistrationFlow(
  ctx: ServiceContext,
  settingsOption: WebAuthnServiceSettings | undefined,
  accountId: string,
  enrolmentId: string,
  response: WebAuthnRegistrationResponseJSON,
): Promise<WebAuthnRegistrationFinish> {
  const settings = requireSettings(settingsOption);
  checkId(accountId, 'accountId');
  checkId(enrolmentId, 'enrolmentId');
  const pending = await ctx.store.getEnrolment(accountId, enrolmentId);
  if (pending === null || pending.kind !== 'webauthn') {
    throw new MfaError('ENROLMENT_NOT_FOUND', 'no pending WebAuthn registration with this id', { details: { enrolmentId } });
  }
  if (pending.expiresAt <= ctx.now()) {
    await ctx.store.deleteEnrolment(accountId, enrolmentId);
    return { ok: false, reason: 'expired' };
  }
  const challenge = pending.data['challenge'];
  if (typeof challenge !== 'string') throw new MfaError('STORE_CORRUPT', 'stored WebAuthn enrolment has no challenge');
  const others = webauthnFactors(await loadFactors(ctx, accountId)).map((f) => webauthnData(f).credentialId);
  const result = await verifyWebAuthnRegistration(response, {
    expectedChallenge: challenge,
    expectedOrigin: settings.origins,
    expectedRpId: settings.rpId,
    requireUserVerification: settings.requireUserVerification === true,
    now: ctx.now,
    isCredentialRegistered: (id) => others.includes(id),
    ...(settings.algorithms === undefined ? {} : { algorithms: settings.algorithms }),
    ...(settings.attestationRoots === undefined ? {} : { attestationRoots: settings.attestationRoots }),
    ...(settings.requireTrustedAttestation === undefined ? {} : { requireTrustedAttestation: settings.requireTrustedAttestation }),
  });
  if (!result.ok) {
    await ctx.emit({ type: 'enrolment-failed', accountId, factorId: pending.id, kind: 'webauthn', reason: result.reason });
    return result;
  }
  const c = result.credential;
  const factor: MfaFactorRecord = {
    v: MFA_RECORD_VERSION,
    id: pending.id,
    accountId,
    kind: 'webauthn',
    role: 'login',
    name: pending.name,
    createdAt: ctx.now(),
    lastUsedAt: null,
    // The sign counter lives in lastStep, moved only by advanceFactorStep (login count when counterless).
    lastStep: c.counter,
    revision: 0,
    data: {
      credentialId: c.id,
      publicKey: c.publicKey,
      algorithm: c.algorithm,
      transports: c.transports,
      backupEligible: c.backupEligible,
      backedUp: c.backedUp,
      aaguid: c.aaguid,
      attestationFormat: c.attestationFormat,
      ...(c.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: c.authenticatorAttachment }),
    },
  };
  const activated = await activate(ctx, pending, factor);
  if (!activated.ok) return { ok: false, reason: 'expired' };
  return activated;
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
  settingsOption: WebAuthnServiceSettings | undefined,
  accountId: string | null,
  options: StartWebAuthnLoginOptions = {},
): Promise<WebAuthnLoginStart> {
  const settings = requireSettings(settingsOption);
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
  const request = createWebAuthnAuthenticationOptions(settings.rpId, { random: ctx.random, timeout, allowCredentials, userVerification });
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
  settingsOption: WebAuthnServiceSettings | undefined,
  response: WebAuthnAuthenticationResponseJSON,
  options: { readonly accountId?: string } = {},
): Promise<WebAuthnLoginFinish> {
  const settings = requireSettings(settingsOption);
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

  const gate = await chargeAttempt(ctx, accountId);
  if (!gate.allowed) return { ok: false, reason: gate.reason, retryAt: gate.retryAt };

  let challengeUserVerification: unknown;
  const result = await verifyWebAuthnAuthentication(
    response,
    { id: data.credentialId, publicKey: data.publicKey, counter: data.counterless === true ? 0 : Math.max(0, factor.lastStep), userHandle: webAuthnUserHandle(accountId), backupEligible: data.backupEligible },
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
      expectedRpId: settings.rpId,
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
  const becomesCounterless = data.counterless !== true && result.newCounter === 0 && factor.lastStep <= 0;
  if (data.counterless !== true && !becomesCounterless && result.newCounter > factor.lastStep) {
    // Two concurrent logins by one authenticator: the one with the lower counter loses here.
    if (!(await ctx.store.advanceFactorStep(accountId, factor.id, result.newCounter, now))) {
      return fail(ctx, accountId, factor, 'counter-regression');
    }
  }
  const update: MfaJsonObject = {
    ...(result.backedUp === data.backedUp ? {} : { backedUp: result.backedUp }),
    ...(becomesCounterless ? { counterless: true } : {}),
  };
  // Best effort: the backup state may change between logins; a lost race only delays the update.
  const saved = Object.keys(update).length > 0 && (await ctx.store.compareAndSetFactor({ ...factor, data: { ...factor.data, ...update } }, factor.revision));
  if (data.counterless === true || (becomesCounterless && saved)) {
    // No counter to compare: lastStep counts logins so lastUsedAt moves (the challenge, consumed
    // once, is what stops a replay). Losing this race means another login of the same key: fine.
    await ctx.store.advanceFactorStep(accountId, factor.id, Math.max(factor.lastStep + 1, result.newCounter), now);
  }
  await clearAttempts(ctx, accountId);
  const summary: FactorSummary = { ...summariseFactor(factor), lastUsedAt: now };
  const stepUp = await issueStepUp(ctx, accountId);
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
