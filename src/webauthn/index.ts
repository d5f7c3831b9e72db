/**
 * WebAuthn relying-party verification (`mfakit/webauthn`): ceremony options, registration and
 * authentication verification, attestation (none, packed, fido-u2f, tpm, android-key, apple), and
 * the CBOR, COSE, authenticator-data and clientDataJSON parsers they rest on. Pure: nothing is
 * stored; results say what the caller must keep.
 *
 * @example
 * ```ts
 * import { createWebAuthnAuthenticationOptions, verifyWebAuthnAuthentication } from 'mfakit/webauthn';
 * ```
 * @module mfakit/webauthn
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export { decodeCbor, decodeCborPrefix, isCborMap } from './cbor.js';
export type { CborDecodeOptions, CborKey, CborMap, CborPrefix, CborValue } from './cbor.js';
export { CoseAlgorithm, coseAlgorithmAllowed, coseAlgorithmScheme, parseCosePublicKey } from './cose.js';
export type { CosePublicKey, Ed448KeyMaterial, ParseCoseKeyOptions } from './cose.js';
export { parseAuthenticatorData } from './authenticator-data.js';
export type { AttestedCredentialData, AuthenticatorData, AuthenticatorFlags } from './authenticator-data.js';
export { parseClientDataJSON } from './client-data.js';
export type { CollectedClientData } from './client-data.js';
export { WEBAUTHN_DEFAULT_ALGORITHMS } from './types.js';
export type {
  WebAuthnAuthenticationResponseJSON,
  WebAuthnChallengeExpectation,
  WebAuthnExpectations,
  WebAuthnRegistrationResponseJSON,
  WebAuthnTransport,
} from './types.js';
export type { WebAuthnCeremonyFailure } from './ceremony.js';
export { createWebAuthnAuthenticationOptions, createWebAuthnRegistrationOptions, createWebAuthnUserHandle } from './options.js';
export type {
  CreateWebAuthnAuthenticationOptions,
  CreateWebAuthnRegistrationOptions,
  WebAuthnAttestationConveyance,
  WebAuthnAuthenticatorSelection,
  WebAuthnCreationOptionsJSON,
  WebAuthnCredentialDescriptorJSON,
  WebAuthnExistingCredential,
  WebAuthnRequestOptionsJSON,
} from './options.js';
export { verifyWebAuthnRegistration } from './verify-registration.js';
export type {
  VerifyWebAuthnRegistrationOptions,
  WebAuthnRegisteredCredential,
  WebAuthnRegistrationFailure,
  WebAuthnRegistrationResult,
} from './verify-registration.js';
export { verifyWebAuthnAuthentication } from './verify-authentication.js';
export type {
  VerifyWebAuthnAuthenticationOptions,
  WebAuthnAuthenticationFailure,
  WebAuthnAuthenticationResult,
  WebAuthnStoredCredential,
} from './verify-authentication.js';
export { WEBAUTHN_ATTESTATION_FORMATS } from './attestation/index.js';
export { FIDO_REVOKED_STATUSES, findFidoMetadataEntry, isFidoAuthenticatorRevoked, verifyFidoMetadataBlob } from './metadata/index.js';
export type { FidoMetadata, FidoMetadataEntry, FidoStatusReport, VerifyFidoMetadataOptions } from './metadata/index.js';
export type { AndroidKeyAuthorizationPolicy, WebAuthnAttestationFailure, WebAuthnAttestationFormat, WebAuthnAttestationType } from './attestation/index.js';
