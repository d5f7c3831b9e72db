/**
 * What `navigator.credentials.create/get` refused, sorted into the few cases a page handles
 * differently. Each case is an `MfaError` whose `cause` is the browser's own error.
 * @module
 */
import { MfaError, type MfaErrorCode } from '../../errors.js';

/**
 * The codes the browser helper throws, one per case a page handles differently:
 *
 * - `WEBAUTHN_CANCELLED`: the user closed the prompt, it timed out, or no authenticator held a
 *   matching credential (`NotAllowedError`; the browser hides which on purpose, WebAuthn L3 §14.5.2).
 *   Offer to try again; do not show an alarm.
 * - `WEBAUTHN_NOT_ALLOWED`: the browser did not let the page ask (`NotAllowedError` while the
 *   document has no focus or a permissions policy forbids WebAuthn in this frame, or another
 *   refusal such as a request still pending elsewhere).
 * - `WEBAUTHN_ALREADY_REGISTERED`: registration hit a credential listed in `excludeCredentials`
 *   (`InvalidStateError`): this authenticator is already registered for the account.
 * - `WEBAUTHN_SECURITY_ERROR`: the RP ID does not fit the page's origin, or the page is not a
 *   secure context (`SecurityError`): a configuration error, not the user's.
 * - `WEBAUTHN_UNSUPPORTED`: this browser or authenticator cannot do what was asked (no WebAuthn,
 *   no conditional mediation, `NotSupportedError`, `ConstraintError`).
 * - `WEBAUTHN_ABORTED`: the page aborted the request (its `AbortSignal`, or the helper switching
 *   from autofill to the button flow).
 *
 * @example
 * ```ts
 * try {
 *   await startWebAuthnAuthentication(options);
 * } catch (error) {
 *   if (isMfaError(error, 'WEBAUTHN_CANCELLED')) showRetryButton();
 * }
 * ```
 */
export type WebAuthnBrowserErrorCode = Extract<
  MfaErrorCode,
  'WEBAUTHN_CANCELLED' | 'WEBAUTHN_NOT_ALLOWED' | 'WEBAUTHN_ALREADY_REGISTERED' | 'WEBAUTHN_SECURITY_ERROR' | 'WEBAUTHN_UNSUPPORTED' | 'WEBAUTHN_ABORTED'
>;

interface PolicyDocument {
  permissionsPolicy?: { allowsFeature(feature: string): boolean };
  featurePolicy?: { allowsFeature(feature: string): boolean };
  hasFocus?: () => boolean;
}

/** False when the document cannot ask for a credential now: no focus, or a permissions policy forbids it. */
function documentMayAsk(ceremony: 'create' | 'get'): boolean {
  const doc = (globalThis as { document?: PolicyDocument }).document;
  if (doc === undefined) return true;
  if (typeof doc.hasFocus === 'function' && !doc.hasFocus()) return false;
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  const feature = ceremony === 'create' ? 'publickey-credentials-create' : 'publickey-credentials-get';
  try {
    if (policy !== undefined && policy.allowsFeature(feature) === false) return false;
  } catch {
    // An unknown feature name throws in some browsers: no answer, so no refusal either.
  }
  return true;
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : '';
}

/**
 * Sorts an error from `navigator.credentials.create/get` into a {@link WebAuthnBrowserErrorCode}
 * (see there for the cases); the original error becomes `cause`. An `MfaError` is returned as is.
 * Use it when you call `navigator.credentials` yourself; the helpers of this module already do.
 *
 * @example
 * ```ts
 * try {
 *   await navigator.credentials.get({ publicKey, signal });
 * } catch (error) {
 *   const classified = classifyWebAuthnError(error, { ceremony: 'get', signal });
 *   if (classified.code === 'WEBAUTHN_SECURITY_ERROR') console.error('check the RP ID', classified.cause);
 * }
 * ```
 */
export function classifyWebAuthnError(error: unknown, context: { ceremony: 'create' | 'get'; signal?: AbortSignal }): MfaError {
  if (error instanceof MfaError) return error;
  const name = errorName(error);
  const options = { cause: error };
  if ((context.signal?.aborted === true && (error === context.signal.reason || name === 'AbortError')) || name === 'AbortError') {
    return new MfaError('WEBAUTHN_ABORTED', 'the WebAuthn request was aborted by the page', options);
  }
  switch (name) {
    case 'NotAllowedError':
      return documentMayAsk(context.ceremony)
        ? new MfaError('WEBAUTHN_CANCELLED', 'the WebAuthn prompt was cancelled or timed out, or no matching credential was found', options)
        : new MfaError('WEBAUTHN_NOT_ALLOWED', 'the browser does not let this page use WebAuthn now (no focus, or a permissions policy)', options);
    case 'InvalidStateError':
      return context.ceremony === 'create'
        ? new MfaError('WEBAUTHN_ALREADY_REGISTERED', 'this authenticator is already registered for the account', options)
        : new MfaError('WEBAUTHN_NOT_ALLOWED', 'the browser refused the WebAuthn request (invalid state)', options);
    case 'SecurityError':
      return new MfaError('WEBAUTHN_SECURITY_ERROR', "the RP ID does not match the page's origin, or the page is not a secure context", options);
    case 'NotSupportedError':
    case 'ConstraintError':
      return new MfaError('WEBAUTHN_UNSUPPORTED', 'the browser or authenticator cannot do what the options ask', options);
    case 'TypeError':
      return new MfaError('INVALID_ARGUMENT', 'the browser rejected the WebAuthn options as malformed', options);
    default:
      return new MfaError('WEBAUTHN_NOT_ALLOWED', `the browser refused the WebAuthn request${name === '' ? '' : ` (${name})`}`, options);
  }
}
