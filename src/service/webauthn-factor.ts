/**
 * What the WebAuthn flows share: the service's WebAuthn settings, the user handle of an account, and
 * the stored data of a WebAuthn factor.
 * @module
 */
import { MfaError } from '../errors.js';
import { bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import type { MfaFactorRecord } from '../store/records.js';
import type { WebAuthnServiceSettings } from './options.js';
import type { ResolvedWebAuthnSettings } from './settings.js';

export type { WebAuthnServiceSettings } from './options.js';


/** The resolved `webauthn` option, or `INVALID_OPTION` when the service has none. @internal */
export function requireSettings(settings: ResolvedWebAuthnSettings | undefined): ResolvedWebAuthnSettings {
  if (settings === undefined) throw new MfaError('INVALID_OPTION', 'WebAuthn needs the service option webauthn: { rpId, origins }');
  return settings;
}

/** Every RP ID the service accepts in responses: `rpId` first, then `relatedRpIds`. */
export function acceptedRpIds(settings: WebAuthnServiceSettings): readonly string[] {
  return settings.relatedRpIds === undefined ? [settings.rpId] : [settings.rpId, ...settings.relatedRpIds.filter((id) => id !== settings.rpId)];
}

/** The RP ID a ceremony's options carry: the one asked for (it must be accepted), else `rpId`. */
export function ceremonyRpId(settings: WebAuthnServiceSettings, requested: string | undefined): string {
  if (requested === undefined) return settings.rpId;
  if (!acceptedRpIds(settings).includes(requested)) {
    throw new MfaError('INVALID_ARGUMENT', 'rpId must be webauthn.rpId or one of webauthn.relatedRpIds', { details: { rpId: requested } });
  }
  return requested;
}

/** The ceremony timeout, ms (resolved with the settings). @internal */
export function timeoutOf(settings: ResolvedWebAuthnSettings): number {
  return settings.timeoutMs;
}

/** The user handle of an account (base64url of its id). @internal */
export function webAuthnUserHandle(accountId: string): string {
  const bytes = utf8ToBytes(accountId);
  if (bytes.length > 64) throw new MfaError('INVALID_ARGUMENT', 'WebAuthn needs account ids of at most 64 bytes (they are the user handle)');
  return bytesToBase64Url(bytes);
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
  /** The model's name from the FIDO metadata at registration, when one was configured and listed it. */
  authenticatorName?: string;
  /**
   * The authenticator signs with a counter of 0 (passkeys usually do): it reported 0 at
   * registration and again at a login. While it does, `lastStep` counts logins instead (so
   * `lastUsedAt` moves on every login) and the counter is checked as 0. Once it reports a positive
   * counter it counts again (`counterless: false`, `counterOffset` set) and regressions are flagged
   * again (WebAuthn L3 §6.1.1).
   */
  counterless?: boolean;
  /**
   * The login count `lastStep` had when a counterless authenticator started counting: from then on
   * `lastStep = counterOffset + signCount`, so the store's atomic `advanceFactorStep` still guards
   * the counter. Absent (0) for authenticators that counted from the start.
   */
  counterOffset?: number;
}

/** The credential's last sign counter as `lastStep` holds it (see `counterOffset`). @internal */
export function storedSignCount(record: MfaFactorRecord, data: WebAuthnFactorData): number {
  return data.counterless === true ? 0 : Math.max(0, record.lastStep - counterOffsetOf(data));
}

/** The factor's `counterOffset` (0 when absent). @internal */
export function counterOffsetOf(data: WebAuthnFactorData): number {
  const offset = data.counterOffset;
  return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
}

export function webauthnData(record: MfaFactorRecord): WebAuthnFactorData {
  const d = record.data as Partial<Record<keyof WebAuthnFactorData, unknown>>;
  if (typeof d.credentialId !== 'string' || typeof d.publicKey !== 'string' || typeof d.backupEligible !== 'boolean') {
    throw new MfaError('STORE_CORRUPT', 'stored WebAuthn data is malformed');
  }
  return d as unknown as WebAuthnFactorData;
}

export function webauthnFactors(factors: readonly MfaFactorRecord[]): MfaFactorRecord[] {
  return factors.filter((f) => f.kind === 'webauthn' && f.role === 'login');
}
