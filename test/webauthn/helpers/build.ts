// Test helpers: hex/base64url, and responses in the JSON form the verify functions take.
import type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON } from '../../../src/webauthn/index.js';

export const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
export const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
export const fromB64u = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'base64url'));

export function registrationResponse(credentialId: Uint8Array, clientDataJSON: Uint8Array, attestationObject: Uint8Array): WebAuthnRegistrationResponseJSON {
  const id = b64u(credentialId);
  return { id, rawId: id, type: 'public-key', response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['usb'] }, clientExtensionResults: {} };
}

export function authenticationResponse(
  credentialId: Uint8Array,
  clientDataJSON: Uint8Array,
  authenticatorData: Uint8Array,
  signature: Uint8Array,
  userHandle?: Uint8Array,
): WebAuthnAuthenticationResponseJSON {
  const id = b64u(credentialId);
  const response: WebAuthnAuthenticationResponseJSON['response'] = { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authenticatorData), signature: b64u(signature) };
  if (userHandle !== undefined) response.userHandle = b64u(userHandle);
  return { id, rawId: id, type: 'public-key', response, clientExtensionResults: {} };
}
