/**
 * Dispatch on the attestation statement format identifier.
 * @module
 */
import { type AndroidKeyAuthorizationPolicy, verifyAndroidKeyAttestation } from './android-key.js';
import { verifyAppleAttestation } from './apple.js';
import type { AttestationInput, AttestationOutcome } from './common.js';
import { verifyFidoU2fAttestation } from './fido-u2f.js';
import { verifyNoneAttestation } from './none.js';
import { verifyPackedAttestation } from './packed.js';
import { verifyTpmAttestation } from './tpm.js';

export type { AndroidKeyAuthorizationPolicy } from './android-key.js';
export type { WebAuthnAttestationFailure, AttestationOutcome, WebAuthnAttestationType } from './common.js';

/**
 * Attestation statement formats mfakit verifies.
 *
 * @example
 * ```ts
 * const formats: WebAuthnAttestationFormat[] = ['packed', 'tpm'];
 * ```
 */
export type WebAuthnAttestationFormat = 'none' | 'packed' | 'fido-u2f' | 'tpm' | 'android-key' | 'apple';

/**
 * Every format, in the order the registry lists them.
 *
 * @example
 * ```ts
 * verifyWebAuthnRegistration(response, { ...expectations, attestationFormats: WEBAUTHN_ATTESTATION_FORMATS });
 * ```
 */
export const WEBAUTHN_ATTESTATION_FORMATS: readonly WebAuthnAttestationFormat[] = ['packed', 'tpm', 'android-key', 'fido-u2f', 'none', 'apple'];

/** Checks the statement of `format`; `undefined` when the format is not supported. */
export async function verifyAttestationStatement(
  format: string,
  input: AttestationInput,
  options: { androidKeyAuthorizations?: AndroidKeyAuthorizationPolicy } = {},
): Promise<AttestationOutcome | undefined> {
  switch (format) {
    case 'none':
      return verifyNoneAttestation(input);
    case 'packed':
      return verifyPackedAttestation(input);
    case 'fido-u2f':
      return verifyFidoU2fAttestation(input);
    case 'tpm':
      return verifyTpmAttestation(input);
    case 'android-key':
      return verifyAndroidKeyAttestation(input, options.androidKeyAuthorizations === undefined ? {} : { authorizations: options.androidKeyAuthorizations });
    case 'apple':
      return verifyAppleAttestation(input);
    default:
      return undefined;
  }
}
