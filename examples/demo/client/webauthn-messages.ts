// What the WebAuthn page script tells the user when a ceremony fails: one sentence per error code
// of mfakit's browser helper (`error.code`, never the browser's `DOMException.name`, which the
// helper has already sorted: a NotAllowedError is a cancel, or a page the browser would not let ask).
import { isMfaError } from 'mfakit/webauthn/browser';

/**
 * The status line for a failed ceremony, or `null` when there is nothing to say (the page itself
 * aborted the request, as when the button takes over from autofill).
 */
export function webauthnFailureMessage(error: unknown): string | null {
  if (!isMfaError(error)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'WEBAUTHN_ABORTED':
      return null;
    case 'WEBAUTHN_CANCELLED':
      return 'Cancelled, timed out, or no passkey or security key for this site was found. Try again.';
    case 'WEBAUTHN_NOT_ALLOWED':
      return 'The browser did not let this page ask for your authenticator: click into the page and try again.';
    case 'WEBAUTHN_ALREADY_REGISTERED':
      return 'This authenticator is already registered for your account.';
    case 'WEBAUTHN_SECURITY_ERROR':
      return 'WebAuthn needs the demo to be opened at http://localhost (not 127.0.0.1).';
    case 'WEBAUTHN_UNSUPPORTED':
      return 'This browser or authenticator cannot do this: try another one.';
    default:
      return error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.';
  }
}
