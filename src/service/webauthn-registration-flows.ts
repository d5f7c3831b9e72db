/**
 * Registering a security key or platform authenticator as a named WebAuthn factor (several per
 * account). Registration rides on the pending-enrolment mechanism: the enrolment holds the
 * challenge and is activated at most once, atomically, and expires (default 300 s).
 * @module
 */
import { isMfaError, MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import {
  createWebAuthnRegistrationOptions,
  verifyWebAuthnRegistration,
  type WebAuthnCreationOptionsJSON,
  type WebAuthnRegistrationFailure,
  type WebAuthnRegistrationResponseJSON,
} from '../webauthn/index.js';
import { loadFactors } from './accounts.js';
import { activate, type ConfirmEnrolmentResult } from './activation.js';
import type { ServiceContext } from './context.js';
import { requireBinding } from './enrolment-binding.js';
import { guardEnrolment } from './enrolment-guard.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { MFA_RECORD_VERSION, type MfaEnrolmentRecord, type MfaFactorRecord } from '../store/records.js';
import { acceptedRpIds, ceremonyRpId, requireSettings, timeoutOf, webAuthnUserHandle, webauthnData, webauthnFactors } from './webauthn-factor.js';

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
  /** The RP ID the credential is created for: `webauthn.rpId` (default) or one of `webauthn.relatedRpIds`. */
  readonly rpId?: string;
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
  accountId: string,
  options: StartWebAuthnRegistrationOptions = {},
): Promise<WebAuthnRegistrationStart> {
  const settings = requireSettings(ctx.webauthn);
  assertId(accountId, 'accountId');
  const rpId = ceremonyRpId(settings, options.rpId);
  const userHandle = webAuthnUserHandle(accountId);
  const { factors, binding } = await guardEnrolment(ctx, accountId, 'webauthn', options);
  const base = options.residentKey === 'required' || options.authenticatorAttachment === 'platform' ? 'Passkey' : 'Security key';
  const name = options.name === undefined ? defaultName(factors, base) : checkFactorName(options.name, '');
  checkNameFree(factors.filter((f) => f.id !== options.replacesFactorId), name);
  const timeout = timeoutOf(settings);
  const existing = webauthnFactors(factors).map((f) => webauthnData(f));
  const creation = createWebAuthnRegistrationOptions(
    { id: rpId, name: settings.rpName ?? ctx.issuer },
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
      // 'direct' by default with metadata: under 'none' browsers may zero the AAGUID (Chromium
      // does), and neither the model's name nor `requireListedAuthenticator` could then apply.
      attestation: settings.attestationConveyance,
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
    data: { challenge: creation.challenge, userHandle, ...binding },
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
  accountId: string,
  enrolmentId: string,
  response: WebAuthnRegistrationResponseJSON,
): Promise<WebAuthnRegistrationFinish> {
  const settings = requireSettings(ctx.webauthn);
  assertId(accountId, 'accountId');
  assertId(enrolmentId, 'enrolmentId');
  const pending = await ctx.store.getEnrolment(accountId, enrolmentId);
  if (pending === null || pending.kind !== 'webauthn') {
    throw new MfaError('ENROLMENT_NOT_FOUND', 'no pending WebAuthn registration with this id', { details: { enrolmentId } });
  }
  if (pending.expiresAt <= ctx.now()) {
    await ctx.store.deleteEnrolment(accountId, enrolmentId);
    return { ok: false, reason: 'expired' };
  }
  await requireBinding(ctx, pending);
  const challenge = pending.data['challenge'];
  if (typeof challenge !== 'string') throw new MfaError('STORE_CORRUPT', 'stored WebAuthn enrolment has no challenge');
  const others = webauthnFactors(await loadFactors(ctx, accountId)).map((f) => webauthnData(f).credentialId);
  const result = await verifyWebAuthnRegistration(response, {
    expectedChallenge: challenge,
    expectedOrigin: settings.origins,
    expectedRpId: acceptedRpIds(settings),
    requireUserVerification: settings.requireUserVerification === true,
    now: ctx.now,
    isCredentialRegistered: (id) => others.includes(id),
    ...(settings.algorithms === undefined ? {} : { algorithms: settings.algorithms }),
    ...(settings.attestationRoots === undefined ? {} : { attestationRoots: settings.attestationRoots }),
    ...(settings.requireTrustedAttestation === undefined ? {} : { requireTrustedAttestation: settings.requireTrustedAttestation }),
    ...(settings.metadata === undefined ? {} : { metadata: settings.metadata }),
    ...(settings.requireListedAuthenticator === undefined ? {} : { requireListedAuthenticator: settings.requireListedAuthenticator }),
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
      ...(c.authenticatorName === undefined ? {} : { authenticatorName: c.authenticatorName }),
    },
  };
  let activated: ConfirmEnrolmentResult;
  try {
    activated = await activate(ctx, pending, factor);
  } catch (error) {
    // The store holds this credential id for a factor already (any account): L3 §7.1 step 26.
    if (!isMfaError(error, 'DUPLICATE')) throw error;
    await ctx.emit({ type: 'enrolment-failed', accountId, factorId: pending.id, kind: 'webauthn', reason: 'credential-already-registered' });
    return { ok: false, reason: 'credential-already-registered' };
  }
  if (!activated.ok) return { ok: false, reason: 'expired' };
  return activated;
}
