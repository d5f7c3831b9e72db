/**
 * Registration ceremony verification (WebAuthn L3 §7.1).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { verifyCertificatePath } from '../internal/asn1/chain.js';
import { type X509Certificate, parseX509Certificate } from '../internal/asn1/x509.js';
import { bytesToBase64Url, equalBytes } from '../internal/bytes.js';
import { type Clock, systemClock } from '../clock.js';
import { type AndroidKeyAuthorizationPolicy, type WebAuthnAttestationFailure, type WebAuthnAttestationFormat, type WebAuthnAttestationType, verifyAttestationStatement } from './attestation/index.js';
import { parseAuthenticatorData } from './authenticator-data.js';
import { type CborMap, decodeCbor } from './cbor.js';
import { type WebAuthnCeremonyFailure, checkAuthenticatorFlags, checkClientData, formatAaguid, matchRpId, responseBytes } from './ceremony.js';
import { parseClientDataJSON } from './client-data.js';
import { type FidoMetadata, type FidoMetadataEntry, findFidoMetadataEntry, isFidoAuthenticatorRevoked } from './metadata/entry.js';
import { coseAlgorithmAllowed, parseCosePublicKey } from './cose.js';
import { type WebAuthnExpectations, type WebAuthnRegistrationResponseJSON, type WebAuthnTransport, WEBAUTHN_DEFAULT_ALGORITHMS } from './types.js';

/** Longest credential ID accepted (WebAuthn L3 §7.1 step 25). */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/**
 * Options of {@link verifyWebAuthnRegistration}.
 *
 * @example
 * ```ts
 * const options: VerifyWebAuthnRegistrationOptions = {
 *   expectedChallenge: issued,
 *   expectedOrigin: ['https://example.org'],
 *   expectedRpId: 'example.org',
 *   attestationRoots: { 'android-key': [googleRootDer] },
 * };
 * ```
 */
export interface VerifyWebAuthnRegistrationOptions extends WebAuthnExpectations {
  /**
   * Attestation roots (DER certificates): one list for every format, or lists per format. A
   * certificate chain that reaches one makes the attestation `trusted`.
   */
  attestationRoots?: readonly Uint8Array[] | Partial<Record<WebAuthnAttestationFormat, readonly Uint8Array[]>>;
  /** Refuse attestations that are not trusted (none, self, or no chain to a root); default false. */
  requireTrustedAttestation?: boolean;
  /** Formats accepted (default all six). */
  attestationFormats?: readonly WebAuthnAttestationFormat[];
  /** Android key attestation: where a generated signing key must be shown (default `tee`). */
  androidKeyAuthorizations?: AndroidKeyAuthorizationPolicy;
  /** Accept RSA-SHA1 signatures in attestation certificate chains (old TPMs); default false. */
  allowSha1CertificateSignatures?: boolean;
  /**
   * Says whether a credential ID is already registered (to anyone); such a registration is refused
   * (§7.1 step 26). Receives the base64url credential ID.
   */
  isCredentialRegistered?: (credentialId: string) => boolean | Promise<boolean>;
  /** Time for certificate validity (default `Date.now`). */
  now?: Clock;
  /**
   * The user handle (`user.id`, base64url) of the creation options the response answers. Returned
   * in `credential.userHandle`, so that storing the credential as registration returns it makes
   * every later login check the response's user handle against it.
   */
  userHandle?: string;
  /**
   * A verified FIDO metadata blob ({@link verifyFidoMetadataBlob}). The credential gets the
   * authenticator's name (`authenticatorName`) when its AAGUID is listed, and a `packed`, `tpm` or
   * `android-key` chain that reaches a root of that entry counts as trusted.
   */
  metadata?: FidoMetadata;
  /**
   * Accept only authenticators the metadata lists, with no revoked or compromise status report,
   * whose `packed`/`tpm`/`android-key` attestation chains to the entry's roots; needs `metadata`.
   * Refusals: `authenticator-not-listed`, `authenticator-revoked`, `attestation-untrusted`.
   */
  requireListedAuthenticator?: boolean;
}

/**
 * What the caller must store for a newly registered credential.
 *
 * @example
 * ```ts
 * if (result.ok) {
 *   const { id, publicKey, counter, transports }: WebAuthnRegisteredCredential = result.credential;
 * }
 * ```
 */
export interface WebAuthnRegisteredCredential {
  /** Credential ID, base64url. */
  id: string;
  /** Credential public key as COSE_Key bytes, base64url. */
  publicKey: string;
  /** COSE algorithm of the key. */
  algorithm: number;
  /** Signature counter at registration. */
  counter: number;
  transports: WebAuthnTransport[];
  /** BE: may be synced (a passkey). */
  backupEligible: boolean;
  /** BS: currently backed up. */
  backedUp: boolean;
  /** The authenticator model (UUID form; all zeros when not disclosed). */
  aaguid: string;
  attestationFormat: WebAuthnAttestationFormat;
  attestationType: WebAuthnAttestationType;
  /** True when the attestation chains to one of the supplied roots. */
  attestationTrusted: boolean;
  /** `platform` or `cross-platform`, when the browser said. */
  authenticatorAttachment?: 'platform' | 'cross-platform';
  /** The user handle the credential was created for (base64url), when the options named it: store it. */
  userHandle?: string;
  /** The authenticator model's name from the metadata (e.g. "YubiKey 5 NFC"), when it lists the AAGUID. */
  authenticatorName?: string;
}

/**
 * Why a registration response was refused.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'origin-mismatch') log.warn('registration from a foreign origin');
 * ```
 */
export type WebAuthnRegistrationFailure =
  | WebAuthnCeremonyFailure
  | WebAuthnAttestationFailure
  | 'attested-credential-data-missing'
  | 'algorithm-not-allowed'
  | 'attestation-format-not-allowed'
  | 'attestation-untrusted'
  | 'credential-id-too-long'
  | 'credential-id-mismatch'
  | 'credential-already-registered'
  | 'authenticator-not-listed'
  | 'authenticator-revoked';

/**
 * The result of {@link verifyWebAuthnRegistration}.
 *
 * @example
 * ```ts
 * const result: WebAuthnRegistrationResult = await verifyWebAuthnRegistration(response, options);
 * ```
 */
export type WebAuthnRegistrationResult =
  | {
      ok: true;
      credential: WebAuthnRegisteredCredential;
      userVerified: boolean;
      /** The expected RP ID the credential was created for (one of `expectedRpId`). */
      rpId: string;
    }
  | { ok: false; reason: WebAuthnRegistrationFailure };

function rootsFor(options: VerifyWebAuthnRegistrationOptions, format: WebAuthnAttestationFormat): readonly Uint8Array[] {
  const roots = options.attestationRoots;
  if (roots === undefined) return [];
  if (Array.isArray(roots)) return roots as readonly Uint8Array[];
  return (roots as Partial<Record<WebAuthnAttestationFormat, readonly Uint8Array[]>>)[format] ?? [];
}

/** Formats whose chains are checked against the metadata entry's roots. */
const METADATA_FORMATS: readonly WebAuthnAttestationFormat[] = ['packed', 'tpm', 'android-key'];

async function chainsTo(trustPath: X509Certificate[], rootBytes: readonly Uint8Array[], options: VerifyWebAuthnRegistrationOptions): Promise<boolean> {
  if (trustPath.length === 0 || rootBytes.length === 0) return false;
  const roots = rootBytes.map((der) => parseX509Certificate(der));
  const now = (options.now ?? systemClock)();
  const result = await verifyCertificatePath(trustPath, roots, { now, allowSha1: options.allowSha1CertificateSignatures === true });
  return result.ok;
}

/**
 * Verifies a registration response against the expectations of the ceremony that issued the
 * challenge. A wrong response gives `{ ok: false, reason }`; malformed input throws `MfaError`.
 * On success, store `credential` (the core stores nothing).
 *
 * @example
 * ```ts
 * const result = await verifyWebAuthnRegistration(response, {
 *   expectedChallenge: issued.challenge,
 *   expectedOrigin: 'https://example.org',
 *   expectedRpId: 'example.org',
 * });
 * if (result.ok) await db.saveCredential(userId, result.credential);
 * ```
 */
export async function verifyWebAuthnRegistration(
  response: WebAuthnRegistrationResponseJSON,
  options: VerifyWebAuthnRegistrationOptions,
): Promise<WebAuthnRegistrationResult> {
  const handle = options?.userHandle;
  // A user handle is 1 to 64 bytes (§5.4.3): 1 to 86 base64url characters.
  if (handle !== undefined && (typeof handle !== 'string' || !/^[A-Za-z0-9_-]{1,86}$/.test(handle))) {
    throw new MfaError('INVALID_ARGUMENT', 'userHandle must be the base64url user.id of the creation options (1 to 64 bytes)');
  }
  if (typeof response !== 'object' || response === null || typeof response.response !== 'object' || response.response === null) {
    throw new MfaError('INVALID_CREDENTIAL', 'registration response must be an object with a response member');
  }
  if (response.type !== 'public-key') throw new MfaError('INVALID_CREDENTIAL', 'credential type must be public-key');
  const clientDataBytes = responseBytes(response.response.clientDataJSON, 'clientDataJSON');
  const attestationBytes = responseBytes(response.response.attestationObject, 'attestationObject');
  const rawId = responseBytes(response.rawId, 'rawId');
  if (response.id !== bytesToBase64Url(rawId)) return { ok: false, reason: 'credential-id-mismatch' };

  const clientData = parseClientDataJSON(clientDataBytes);
  const clientFailure = await checkClientData(clientData, 'webauthn.create', options);
  if (clientFailure !== undefined) return { ok: false, reason: clientFailure };
  const clientDataHash = sha256(clientDataBytes);

  let attestationObject: CborMap;
  try {
    const decoded = decodeCbor(attestationBytes, { maxDepth: 8, maxItems: 1024 });
    if (!(decoded instanceof Map)) throw new MfaError('INVALID_ATTESTATION', 'attestation object must be a map');
    attestationObject = decoded;
  } catch (cause) {
    if (cause instanceof MfaError && cause.code === 'INVALID_ATTESTATION') throw cause;
    throw new MfaError('INVALID_ATTESTATION', 'attestation object is not valid CBOR', { cause });
  }
  const fmt = attestationObject.get('fmt');
  const attStmt = attestationObject.get('attStmt');
  const authDataBytes = attestationObject.get('authData');
  if (typeof fmt !== 'string' || !(attStmt instanceof Map) || !(authDataBytes instanceof Uint8Array)) {
    throw new MfaError('INVALID_ATTESTATION', 'attestation object needs fmt (text), attStmt (map) and authData (bytes)');
  }
  const authData = parseAuthenticatorData(authDataBytes);
  const flagFailure = checkAuthenticatorFlags(authData, options);
  if (flagFailure !== undefined) return { ok: false, reason: flagFailure };
  const attested = authData.attestedCredentialData;
  if (attested === undefined) return { ok: false, reason: 'attested-credential-data-missing' };
  if (attested.credentialId.length > MAX_CREDENTIAL_ID_BYTES) return { ok: false, reason: 'credential-id-too-long' };
  if (!equalBytes(attested.credentialId, rawId)) return { ok: false, reason: 'credential-id-mismatch' };

  let credentialKey;
  try {
    credentialKey = parseCosePublicKey(attested.publicKeyBytes);
  } catch (error) {
    if (error instanceof MfaError && error.code === 'UNSUPPORTED_ALGORITHM') return { ok: false, reason: 'algorithm-not-allowed' };
    throw error;
  }
  const algorithms = options.algorithms ?? WEBAUTHN_DEFAULT_ALGORITHMS;
  if (!coseAlgorithmAllowed(credentialKey, algorithms)) return { ok: false, reason: 'algorithm-not-allowed' };

  const formats = options.attestationFormats;
  if (formats !== undefined && !formats.includes(fmt as WebAuthnAttestationFormat)) return { ok: false, reason: 'attestation-format-not-allowed' };
  const outcome = await verifyAttestationStatement(
    fmt,
    { attStmt, authData: authDataBytes, parsedAuthData: authData, clientDataHash, credentialKey },
    options.androidKeyAuthorizations === undefined ? {} : { androidKeyAuthorizations: options.androidKeyAuthorizations },
  );
  if (outcome === undefined) return { ok: false, reason: 'attestation-format-not-allowed' };
  if (!outcome.ok) return { ok: false, reason: outcome.reason };
  const format = fmt as WebAuthnAttestationFormat;
  const aaguid = formatAaguid(attested.aaguid);
  let entry: FidoMetadataEntry | undefined;
  let metadataTrusted = false;
  if (options.metadata !== undefined) {
    entry = findFidoMetadataEntry(options.metadata, aaguid);
    if (entry !== undefined && METADATA_FORMATS.includes(format)) metadataTrusted = await chainsTo(outcome.trustPath, entry.attestationRootCertificates, options);
  } else if (options.requireListedAuthenticator === true) {
    throw new MfaError('INVALID_ARGUMENT', 'requireListedAuthenticator needs metadata (a verified FIDO metadata blob)');
  }
  if (options.requireListedAuthenticator === true) {
    if (entry === undefined) return { ok: false, reason: 'authenticator-not-listed' };
    if (isFidoAuthenticatorRevoked(entry)) return { ok: false, reason: 'authenticator-revoked' };
    if (!metadataTrusted) return { ok: false, reason: 'attestation-untrusted' };
  }
  const trusted = metadataTrusted || (await chainsTo(outcome.trustPath, rootsFor(options, format), options));
  if (options.requireTrustedAttestation === true && !trusted) return { ok: false, reason: 'attestation-untrusted' };

  const id = bytesToBase64Url(attested.credentialId);
  if (options.isCredentialRegistered !== undefined && (await options.isCredentialRegistered(id))) {
    return { ok: false, reason: 'credential-already-registered' };
  }
  const transports = Array.isArray(response.response.transports)
    ? response.response.transports.filter((t): t is string => typeof t === 'string').slice(0, 16)
    : [];
  const credential: WebAuthnRegisteredCredential = {
    id,
    publicKey: bytesToBase64Url(attested.publicKeyBytes),
    algorithm: credentialKey.alg,
    counter: authData.signCount,
    transports,
    backupEligible: authData.flags.backupEligible,
    backedUp: authData.flags.backedUp,
    aaguid,
    attestationFormat: format,
    attestationType: outcome.type,
    attestationTrusted: trusted,
  };
  const attachment = response.authenticatorAttachment;
  if (attachment === 'platform' || attachment === 'cross-platform') credential.authenticatorAttachment = attachment;
  if (options.userHandle !== undefined) credential.userHandle = options.userHandle;
  if (entry !== undefined) credential.authenticatorName = entry.description;
  return { ok: true, credential, userVerified: authData.flags.userVerified, rpId: matchRpId(authData, options.expectedRpId)! };
}
