/**
 * Browser helper (`mfakit/webauthn/browser`): wraps `navigator.credentials.create/get`, turning the
 * JSON options made by `mfakit/webauthn` into the binary form the browser wants and the browser's
 * credential back into JSON (base64url) for the server. No other client library needed.
 *
 * Errors from the browser are sorted into a few `MfaError` codes (see
 * {@link WebAuthnBrowserErrorCode}: cancelled, not allowed, already registered, security error,
 * unsupported, aborted), each with the browser's `DOMException` as `cause`.
 * {@link createPasskeyLogin} runs passkey autofill (conditional mediation) next to a button, with
 * one `AbortController` it owns; {@link startPasskeyUpgrade} asks for a passkey after a password
 * login (conditional create) where the browser supports it.
 *
 * @example
 * ```ts
 * import { startWebAuthnRegistration } from 'mfakit/webauthn/browser';
 * const options = await (await fetch('/webauthn/register/options')).json();
 * const response = await startWebAuthnRegistration(options);
 * await fetch('/webauthn/register', { method: 'POST', body: JSON.stringify(response) });
 * ```
 * @module mfakit/webauthn/browser
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../../errors.js';
export { classifyWebAuthnError } from './errors.js';
export type { WebAuthnBrowserErrorCode } from './errors.js';
export {
  isPlatformAuthenticatorAvailable,
  isWebAuthnAvailable,
  startWebAuthnAuthentication,
  startWebAuthnRegistration,
  webAuthnCreationOptionsFromJSON,
  webAuthnRequestOptionsFromJSON,
} from './ceremonies.js';
export type { WebAuthnBrowserOptions } from './ceremonies.js';
export { createPasskeyLogin, isConditionalCreateAvailable, isConditionalMediationAvailable, startPasskeyUpgrade } from './conditional.js';
export type { PasskeyLogin, PasskeyUpgradeOptions } from './conditional.js';
export type { WebAuthnCreationOptionsJSON, WebAuthnRequestOptionsJSON } from '../options.js';
export type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON } from '../types.js';
