/**
 * Authenticator apps (TOTP): start an enrolment (secret, key URI, QR code, manual key), confirm it
 * with the first code, replace a lost device, and check a code at login.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import {
  buildKeyUri,
  createTotpVerifier,
  encodeBase32Secret,
  generateSecret,
  type OtpAlgorithm,
  type TotpVerifier,
} from '../otp/index.js';
import { activate, type ConfirmEnrolmentResult } from './activation.js';
import type { ServiceContext } from './context.js';
import { guardEnrolment } from './enrolment-guard.js';
import type { SealedSecret } from './key-ring.js';
import type { VerifierSource } from './verifier-cache.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { MFA_RECORD_VERSION, type MfaEnrolmentRecord, type MfaFactorRecord, type MfaJsonObject } from '../store/records.js';

/**
 * Options of `startAuthenticatorEnrolment`.
 *
 * @example
 * ```ts
 * const options: StartAuthenticatorOptions = { name: 'Work phone', accountName: 'ada@example.com', stepUpToken: session.mfaStepUp };
 * ```
 */
export interface StartAuthenticatorOptions {
  /** Device name shown in the factor list; default "Authenticator app" (numbered when taken). */
  readonly name?: string;
  /** Account name shown in the app (for example the email address), as `buildKeyUri` names it; default the account id. */
  readonly accountName?: string;
  /** Required once the account has a login factor. */
  readonly stepUpToken?: string;
  /** Replace this (lost) factor when the new one is confirmed, in the same atomic step. */
  readonly replacesFactorId?: string;
}

/**
 * A pending authenticator-app enrolment: show `qrSvg` (or `manualKey`), then call
 * `confirmEnrolment` with the first code the app shows, before `expiresAt`.
 *
 * @example
 * ```ts
 * const pending: AuthenticatorEnrolment = await service.startAuthenticatorEnrolment(userId, { accountName: 'ada@example.com' });
 * res.render('enrol', { qr: pending.qrSvg, key: pending.manualKey, id: pending.enrolmentId });
 * ```
 */
export interface AuthenticatorEnrolment {
  readonly enrolmentId: string;
  readonly name: string;
  /** `otpauth://totp/…` (contains the secret: never log it). */
  readonly keyUri: string;
  /** The key URI as an SVG QR code. */
  readonly qrSvg: string;
  /** The secret in base32, in groups of four, for typing into an app. */
  readonly manualKey: string;
  /** The same secret in plain base32 (no spaces, no padding), for `decodeBase32Secret` or a test's authenticator. */
  readonly base32Secret: string;
  readonly expiresAt: number;
}

/** TOTP factor data as stored. @internal */
export interface TotpFactorData {
  readonly secret: SealedSecret;
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly period: number;
}

/** Reads TOTP data from a factor or enrolment. @internal */
export function totpData(data: MfaJsonObject): TotpFactorData {
  const { secret, algorithm, digits, period } = data as unknown as Partial<TotpFactorData>;
  if (typeof secret !== 'object' || secret === null || (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') || typeof digits !== 'number' || typeof period !== 'number') {
    throw new MfaError('STORE_CORRUPT', 'stored TOTP data is malformed');
  }
  return { secret, algorithm, digits, period };
}

/**
 * The QR encoder, loaded at the first enrolment rather than with `mfakit/service`: `qrcode-svg`
 * costs more to import than most of the service, and logins never need it (bench/startup).
 */
let qrModule: Promise<typeof import('../otp/qr.js')> | undefined;
function loadQr(): Promise<typeof import('../otp/qr.js')> {
  qrModule ??= import('../otp/qr.js');
  return qrModule;
}

/** Starts an authenticator-app enrolment. @internal */
export async function startAuthenticatorEnrolment(
  ctx: ServiceContext,
  accountId: string,
  options: StartAuthenticatorOptions = {},
): Promise<AuthenticatorEnrolment> {
  assertId(accountId, 'accountId');
  const accountName = options.accountName ?? accountId;
  assertId(accountName, 'accountName');
  const { factors, binding } = await guardEnrolment(ctx, accountId, 'totp', options);
  const name = options.name === undefined ? defaultName(factors, 'Authenticator app') : checkFactorName(options.name, '');
  checkNameFree(factors.filter((f) => f.id !== options.replacesFactorId), name);

  const now = ctx.now();
  const id = ctx.newId('f');
  const { algorithm, digits, period, secretBytes } = ctx.totp;
  const secret = generateSecret({ bytes: secretBytes, random: ctx.random });
  const keyUri = buildKeyUri({ secret, accountName, issuer: ctx.issuer, algorithm, digits, period });
  const qrSvg = (await loadQr()).renderQrSvg(keyUri);
  const base32Secret = encodeBase32Secret(secret);
  const manualKey = base32Secret.replace(/(.{4})(?=.)/g, '$1 ');
  const sealed = await ctx.sealer.seal(secret, { accountId, factorId: id });
  secret.fill(0);
  const pending: MfaEnrolmentRecord = {
    v: MFA_RECORD_VERSION,
    id,
    accountId,
    kind: 'totp',
    role: 'login',
    name,
    createdAt: now,
    expiresAt: now + ctx.enrolmentTtlMs,
    replacesFactorId: options.replacesFactorId ?? null,
    data: { secret: { ...sealed }, algorithm, digits, period, ...binding },
  };
  await ctx.store.putEnrolment(pending);
  await ctx.emit({ type: 'enrolment-started', accountId, factorId: id, kind: 'totp', name });
  return { enrolmentId: id, name, keyUri, qrSvg, manualKey, base32Secret, expiresAt: pending.expiresAt };
}

type TotpRecord = { readonly id: string; readonly accountId: string; readonly data: MfaJsonObject };

function verifierSource(record: TotpRecord, data: TotpFactorData): VerifierSource {
  return { id: record.id, accountId: record.accountId, kid: data.secret.kid, ct: data.secret.ct };
}

/**
 * The cached verifier of a TOTP factor, if its sealed secret was opened before: synchronous, so a
 * hot factor costs no decryption and no extra turn of the event loop. @internal
 */
export function cachedTotpVerifier(ctx: ServiceContext, record: TotpRecord): TotpVerifier | undefined {
  return ctx.verifiers.get(verifierSource(record, totpData(record.data)));
}

/** Opens the sealed secret into a verifier (cached unless sealed under an old key). @internal */
export async function openTotpVerifier(ctx: ServiceContext, record: TotpRecord): Promise<{ verifier: TotpVerifier; stale: boolean }> {
  const data = totpData(record.data);
  const { plaintext, stale } = await ctx.sealer.open(data.secret, { accountId: record.accountId, factorId: record.id });
  const verifier = createTotpVerifier(plaintext, {
    algorithm: data.algorithm,
    digits: data.digits,
    period: data.period,
    now: ctx.now,
    window: ctx.totp.window,
  });
  plaintext.fill(0);
  // A stale (old-key) secret is not cached, so the next use re-seals it.
  if (!stale) ctx.verifiers.set(verifierSource(record, data), verifier);
  return { verifier, stale };
}

/** Confirms a TOTP enrolment with its first code. @internal */
export async function confirmTotpEnrolment(ctx: ServiceContext, pending: MfaEnrolmentRecord, code: string): Promise<ConfirmEnrolmentResult> {
  const verifier = cachedTotpVerifier(ctx, pending) ?? (await openTotpVerifier(ctx, pending)).verifier;
  const result = verifier.verify(code, { now: ctx.now });
  if (!result.ok) {
    const reason = result.reason === 'malformed' ? 'malformed' : 'mismatch';
    await ctx.emit({ type: 'enrolment-failed', accountId: pending.accountId, factorId: pending.id, kind: 'totp', reason });
    return { ok: false, reason };
  }
  const factor: MfaFactorRecord = {
    v: MFA_RECORD_VERSION,
    id: pending.id,
    accountId: pending.accountId,
    kind: 'totp',
    role: 'login',
    name: pending.name,
    createdAt: ctx.now(),
    lastUsedAt: null,
    // The confirmation code is spent: it cannot also log in.
    lastStep: result.step,
    revision: 0,
    data: pending.data,
  };
  return activate(ctx, pending, factor);
}

/** Re-seals a factor's secret under the current key (compare-and-set; true when it was replaced). @internal */
export async function resealTotpFactor(ctx: ServiceContext, factor: MfaFactorRecord): Promise<boolean> {
  const data = totpData(factor.data);
  const binding = { accountId: factor.accountId, factorId: factor.id };
  const { plaintext } = await ctx.sealer.open(data.secret, binding);
  const sealed = await ctx.sealer.seal(plaintext, binding);
  plaintext.fill(0);
  const replaced = await ctx.store.compareAndSetFactor({ ...factor, data: { ...factor.data, secret: { ...sealed } } }, factor.revision);
  if (replaced) await ctx.emit({ type: 'secret-resealed', accountId: factor.accountId, factorId: factor.id, kind: factor.kind, details: { kid: sealed.kid } });
  return replaced;
}
