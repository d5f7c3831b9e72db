/**
 * The browser half of WebAuthn from the built `mfakit/webauthn/browser` bundle, in Chromium: the
 * JSON options the server makes (`mfakit/webauthn`) become the binary dictionaries
 * `navigator.credentials` takes, and the wrappers reach the real API. A full ceremony needs an
 * authenticator: test/webauthn/e2e-chromium.test.ts drives one through DevTools.
 */
import { MfaError } from 'mfakit';
import { createWebAuthnAuthenticationOptions, createWebAuthnRegistrationOptions } from 'mfakit/webauthn';
import {
  isPlatformAuthenticatorAvailable,
  isWebAuthnAvailable,
  startWebAuthnAuthentication,
  webAuthnCreationOptionsFromJSON,
  webAuthnRequestOptionsFromJSON,
} from 'mfakit/webauthn/browser';
import { b64u } from '../fixtures/webauthn-vectors.js';
import { assert, assertBytesEqual, assertEqual, assertThrows } from '../assert.js';

const bytes = (buffer: BufferSource) => (buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
const credentialId = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'WebAuthn is available on a secure context; the platform-authenticator probe answers a boolean',
    async run() {
      assert(isWebAuthnAvailable(), 'PublicKeyCredential and navigator.credentials.create exist');
      assertEqual(typeof (await isPlatformAuthenticatorAvailable()), 'boolean', 'isPlatformAuthenticatorAvailable');
    },
  },
  {
    name: 'creation options JSON -> PublicKeyCredentialCreationOptions: challenge, user id and excluded ids as bytes',
    run() {
      const json = createWebAuthnRegistrationOptions(
        { id: 'example.org', name: 'Example' },
        { id: new Uint8Array(16).fill(9), name: 'ada' },
        { excludeCredentials: [{ id: b64u(credentialId), transports: ['usb'] }] },
      );
      const options = webAuthnCreationOptionsFromJSON(json);
      assertEqual(b64u(bytes(options.challenge)), json.challenge, 'challenge bytes');
      assertBytesEqual(bytes(options.user.id), new Uint8Array(16).fill(9), 'user id bytes');
      const [excluded] = options.excludeCredentials!;
      assertBytesEqual(bytes(excluded!.id), credentialId, 'excluded credential id');
      assertEqual(excluded!.transports?.join(), 'usb', 'transports');
      assertEqual(options.pubKeyCredParams.map((p) => p.alg).join(), '-8,-7,-257', 'algorithms');
      assertEqual(assertThrows(() => webAuthnCreationOptionsFromJSON({ ...json, challenge: 'not base64url!' }), MfaError, 'bad challenge').code, 'INVALID_ARGUMENT', 'bad challenge: code');
    },
  },
  {
    name: 'request options JSON -> PublicKeyCredentialRequestOptions, passed to navigator.credentials.get with the signal',
    async run() {
      const json = createWebAuthnAuthenticationOptions('example.org', { allowCredentials: [{ id: b64u(credentialId) }] });
      const options = webAuthnRequestOptionsFromJSON(json);
      assertEqual(b64u(bytes(options.challenge)), json.challenge, 'challenge bytes');
      assertBytesEqual(bytes(options.allowCredentials![0]!.id), credentialId, 'allowed credential id');
      const controller = new AbortController();
      const closed = new Error('user closed the dialog');
      controller.abort(closed);
      let caught: unknown;
      try {
        await startWebAuthnAuthentication({ ...json, rpId: location.hostname }, { signal: controller.signal });
      } catch (error) {
        caught = error;
      }
      assert(caught instanceof MfaError, 'an MfaError');
      assertEqual((caught as MfaError).code, 'WEBAUTHN_ABORTED', 'classified as aborted');
      assert((caught as MfaError).cause === closed, 'the aborted signal reached navigator.credentials.get: its reason is the cause');
    },
  },
];
