// The demo's WebAuthn status line is chosen by the browser helper's error code (error.code), not by
// the browser's DOMException name: the helper has already told a cancel from a page that may not ask.
import { describe, expect, it } from 'vitest';
import { MfaError } from 'mfakit/webauthn/browser';
import { webauthnFailureMessage } from '../../examples/demo/client/webauthn-messages.js';

const notAllowed = new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');

describe('the demo page script\'s WebAuthn messages', () => {
  it('a cancelled ceremony (NotAllowedError classified as WEBAUTHN_CANCELLED) offers to try again', () => {
    expect(webauthnFailureMessage(new MfaError('WEBAUTHN_CANCELLED', 'the WebAuthn prompt was cancelled', { cause: notAllowed }))).toMatch(/^Cancelled, timed out, or no passkey .* Try again\.$/);
  });

  it('the same NotAllowedError classified as WEBAUTHN_NOT_ALLOWED (no focus, permissions policy) says something else: the code decides, not the name', () => {
    const message = webauthnFailureMessage(new MfaError('WEBAUTHN_NOT_ALLOWED', 'no focus', { cause: notAllowed }));
    expect(message).toMatch(/did not let this page ask/);
    expect(message).not.toMatch(/Cancelled/);
  });

  it('one sentence for each other code; an abort by the page (the button taking over from autofill) says nothing', () => {
    const cases = {
      WEBAUTHN_ALREADY_REGISTERED: /already registered/,
      WEBAUTHN_SECURITY_ERROR: /http:\/\/localhost/,
      WEBAUTHN_UNSUPPORTED: /cannot do this/,
    } as const;
    for (const [code, text] of Object.entries(cases)) expect(webauthnFailureMessage(new MfaError(code as keyof typeof cases, 'x'))).toMatch(text);
    expect(webauthnFailureMessage(new MfaError('WEBAUTHN_ABORTED', 'aborted'))).toBeNull();
    expect(webauthnFailureMessage(new Error('This passkey is not registered here.'))).toBe('This passkey is not registered here.');
  });
});
