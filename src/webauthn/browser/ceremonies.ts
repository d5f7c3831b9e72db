/**
 * The ceremonies: `navigator.credentials.create/get` with JSON options in and JSON responses out,
 * errors classified. Re-exported by the entry (`mfakit/webauthn/browser`).
 * @module
 */
import { MfaError } from '../../errors.js';
import { base64ToBytes, bytesToBase64Url } from '../../internal/bytes.js';
import { classifyWebAuthnError } from './errors.js';
import type { WebAuthnCreationOptionsJSON, WebAuthnCredentialDescriptorJSON, WebAuthnRequestOptionsJSON } from '../options.js';
import type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON, WebAuthnTransport } from '../types.js';

function toBuffer(text: string, name: string): ArrayBuffer {
  if (typeof text !== 'string') throw new MfaError('INVALID_ARGUMENT', `${name} must be a base64url string`);
  const bytes = base64ToBytes(text, 'INVALID_ARGUMENT');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function fromBuffer(buffer: ArrayBuffer | ArrayBufferView | null | undefined): string {
  if (buffer === null || buffer === undefined) return '';
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return bytesToBase64Url(bytes);
}

function toDescriptors(list: readonly WebAuthnCredentialDescriptorJSON[] | undefined): PublicKeyCredentialDescriptor[] | undefined {
  return list?.map((c) => {
    const out: PublicKeyCredentialDescriptor = { type: 'public-key', id: toBuffer(c.id, 'credential id') };
    if (c.transports !== undefined) out.transports = c.transports as AuthenticatorTransport[];
    return out;
  });
}

function attachment(credential: PublicKeyCredential): 'platform' | 'cross-platform' | null {
  const value = (credential as { authenticatorAttachment?: string | null }).authenticatorAttachment;
  return value === 'platform' || value === 'cross-platform' ? value : null;
}

/**
 * True when this browser exposes WebAuthn (`PublicKeyCredential` and `navigator.credentials`).
 *
 * @example
 * ```ts
 * if (!isWebAuthnAvailable()) hideSecurityKeyButton();
 * ```
 */
export function isWebAuthnAvailable(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function' && typeof globalThis.navigator?.credentials?.create === 'function';
}

/**
 * True when a platform authenticator (Touch ID, Windows Hello, Android biometrics) is available.
 *
 * @example
 * ```ts
 * if (await isPlatformAuthenticatorAvailable()) offerPasskey();
 * ```
 */
export async function isPlatformAuthenticatorAvailable(): Promise<boolean> {
  if (!isWebAuthnAvailable()) return false;
  try {
    return await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
  } catch {
    return false;
  }
}

/**
 * Options of {@link startWebAuthnRegistration} and {@link startWebAuthnAuthentication}.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await startWebAuthnAuthentication(options, { signal: controller.signal });
 * ```
 */
export interface WebAuthnBrowserOptions {
  /** Aborts the browser prompt (the promise then rejects with `WEBAUTHN_ABORTED`). */
  signal?: AbortSignal;
}

function unsupported(): MfaError {
  return new MfaError('WEBAUTHN_UNSUPPORTED', 'WebAuthn is not available in this browser (or the page is not a secure context)');
}

/**
 * Converts JSON creation options to the browser's binary form (for callers who call
 * `navigator.credentials.create` themselves).
 *
 * @example
 * ```ts
 * const publicKey = webAuthnCreationOptionsFromJSON(options);
 * ```
 */
export function webAuthnCreationOptionsFromJSON(options: WebAuthnCreationOptionsJSON): PublicKeyCredentialCreationOptions {
  const out: PublicKeyCredentialCreationOptions = {
    rp: options.rp,
    user: { ...options.user, id: toBuffer(options.user.id, 'user.id') },
    challenge: toBuffer(options.challenge, 'challenge'),
    pubKeyCredParams: options.pubKeyCredParams,
    timeout: options.timeout,
    excludeCredentials: toDescriptors(options.excludeCredentials) ?? [],
    authenticatorSelection: options.authenticatorSelection,
    attestation: options.attestation,
  };
  if (options.extensions !== undefined) out.extensions = options.extensions as AuthenticationExtensionsClientInputs;
  if (options.hints !== undefined) (out as { hints?: string[] }).hints = options.hints;
  return out;
}

/**
 * Converts JSON request options to the browser's binary form.
 *
 * @example
 * ```ts
 * const publicKey = webAuthnRequestOptionsFromJSON(options);
 * ```
 */
export function webAuthnRequestOptionsFromJSON(options: WebAuthnRequestOptionsJSON): PublicKeyCredentialRequestOptions {
  const out: PublicKeyCredentialRequestOptions = {
    challenge: toBuffer(options.challenge, 'challenge'),
    timeout: options.timeout,
    rpId: options.rpId,
    allowCredentials: toDescriptors(options.allowCredentials) ?? [],
    userVerification: options.userVerification,
  };
  if (options.extensions !== undefined) out.extensions = options.extensions as AuthenticationExtensionsClientInputs;
  if (options.hints !== undefined) (out as { hints?: string[] }).hints = options.hints;
  return out;
}

/**
 * Runs `navigator.credentials.create()` with JSON options from `createWebAuthnRegistrationOptions`
 * and returns the response as JSON, ready to send to `verifyWebAuthnRegistration`.
 *
 * @example
 * ```ts
 * const response = await startWebAuthnRegistration(options);
 * await fetch('/webauthn/register', { method: 'POST', body: JSON.stringify(response) });
 * ```
 */
export async function startWebAuthnRegistration(
  options: WebAuthnCreationOptionsJSON,
  browserOptions: WebAuthnBrowserOptions & { mediation?: 'conditional' | 'optional' | 'required' } = {},
): Promise<WebAuthnRegistrationResponseJSON> {
  if (!isWebAuthnAvailable()) throw unsupported();
  const request: CredentialCreationOptions = { publicKey: webAuthnCreationOptionsFromJSON(options) };
  if (browserOptions.signal !== undefined) request.signal = browserOptions.signal;
  if (browserOptions.mediation !== undefined) (request as { mediation?: string }).mediation = browserOptions.mediation;
  let credential: PublicKeyCredential | null;
  try {
    credential = (await navigator.credentials.create(request)) as PublicKeyCredential | null;
  } catch (error) {
    throw classifyWebAuthnError(error, { ceremony: 'create', ...(browserOptions.signal === undefined ? {} : { signal: browserOptions.signal }) });
  }
  if (credential === null) throw new MfaError('INVALID_CREDENTIAL', 'the browser returned no credential');
  const response = credential.response as AuthenticatorAttestationResponse;
  const out: WebAuthnRegistrationResponseJSON = {
    id: credential.id,
    rawId: fromBuffer(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: fromBuffer(response.clientDataJSON),
      attestationObject: fromBuffer(response.attestationObject),
      transports: (typeof response.getTransports === 'function' ? response.getTransports() : []) as WebAuthnTransport[],
    },
    authenticatorAttachment: attachment(credential),
    clientExtensionResults: credential.getClientExtensionResults() as Record<string, unknown>,
  };
  if (typeof response.getAuthenticatorData === 'function') out.response.authenticatorData = fromBuffer(response.getAuthenticatorData());
  if (typeof response.getPublicKeyAlgorithm === 'function') out.response.publicKeyAlgorithm = response.getPublicKeyAlgorithm();
  if (typeof response.getPublicKey === 'function') {
    const key = response.getPublicKey();
    if (key !== null) out.response.publicKey = fromBuffer(key);
  }
  return out;
}

/**
 * Runs `navigator.credentials.get()` with JSON options from `createWebAuthnAuthenticationOptions`
 * and returns the response as JSON, ready to send to `verifyWebAuthnAuthentication`.
 *
 * @example
 * ```ts
 * const response = await startWebAuthnAuthentication(options);
 * await fetch('/webauthn/login', { method: 'POST', body: JSON.stringify(response) });
 * ```
 */
export async function startWebAuthnAuthentication(
  options: WebAuthnRequestOptionsJSON,
  browserOptions: WebAuthnBrowserOptions & { mediation?: 'conditional' | 'optional' | 'required' | 'silent' } = {},
): Promise<WebAuthnAuthenticationResponseJSON> {
  if (!isWebAuthnAvailable()) throw unsupported();
  const request: CredentialRequestOptions = { publicKey: webAuthnRequestOptionsFromJSON(options) };
  if (browserOptions.signal !== undefined) request.signal = browserOptions.signal;
  if (browserOptions.mediation !== undefined) request.mediation = browserOptions.mediation as CredentialMediationRequirement;
  let credential: PublicKeyCredential | null;
  try {
    credential = (await navigator.credentials.get(request)) as PublicKeyCredential | null;
  } catch (error) {
    throw classifyWebAuthnError(error, { ceremony: 'get', ...(browserOptions.signal === undefined ? {} : { signal: browserOptions.signal }) });
  }
  if (credential === null) throw new MfaError('INVALID_CREDENTIAL', 'the browser returned no credential');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: fromBuffer(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: fromBuffer(response.clientDataJSON),
      authenticatorData: fromBuffer(response.authenticatorData),
      signature: fromBuffer(response.signature),
      userHandle: response.userHandle === null ? null : fromBuffer(response.userHandle),
    },
    authenticatorAttachment: attachment(credential),
    clientExtensionResults: credential.getClientExtensionResults() as Record<string, unknown>,
  };
}
