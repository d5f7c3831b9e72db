/**
 * Validation of decoded key material through the shared signature module, with its error mapped
 * to the ssh module's code. Internal.
 * @module
 */
import { MfaError, isMfaError } from '../errors.js';
import { prepareSignatureVerifier, type PublicKeyMaterial, type SignatureScheme } from '../internal/signatures/index.js';

/** A scheme that fits each key family, used only to validate the material. */
function probeScheme(material: PublicKeyMaterial): SignatureScheme {
  switch (material.kty) {
    case 'EC':
      return { name: 'ECDSA', hash: 'SHA-256', encoding: 'raw' };
    case 'OKP':
      return { name: 'Ed25519' };
    case 'RSA':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

/** Throws `INVALID_SSH_KEY` when the signature module refuses the material (e.g. point off the curve). */
export function validateSshKeyMaterial(material: PublicKeyMaterial): void {
  try {
    prepareSignatureVerifier(material, probeScheme(material));
  } catch (cause) {
    if (isMfaError(cause, 'INVALID_PUBLIC_KEY')) throw new MfaError('INVALID_SSH_KEY', `invalid public key: ${cause.message}`, { cause });
    throw cause;
  }
}
