/**
 * Authenticator data (WebAuthn L3 §6.1): RP ID hash, flags, signature counter, and, when the flags
 * say so, attested credential data and extension outputs.
 * @module
 */
import { MfaError } from '../errors.js';
import { type CborMap, decodeCborPrefix } from './cbor.js';

/**
 * The flag bits of authenticator data.
 *
 * @example
 * ```ts
 * const { userPresent, userVerified }: AuthenticatorFlags = parseAuthenticatorData(bytes).flags;
 * ```
 */
export interface AuthenticatorFlags {
  /** UP: the user was present. */
  userPresent: boolean;
  /** UV: the user was verified (PIN, biometrics). */
  userVerified: boolean;
  /** BE: the credential may be backed up (synced passkey). */
  backupEligible: boolean;
  /** BS: the credential is currently backed up. */
  backedUp: boolean;
  /** AT: attested credential data follows. */
  attestedCredentialData: boolean;
  /** ED: extension outputs follow. */
  extensionData: boolean;
}

/**
 * The credential part of authenticator data, present at registration.
 *
 * @example
 * ```ts
 * const attested: AttestedCredentialData | undefined = parseAuthenticatorData(bytes).attestedCredentialData;
 * ```
 */
export interface AttestedCredentialData {
  /** The authenticator model's AAGUID (16 bytes; all zero when not disclosed). */
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** The credential public key exactly as encoded (COSE_Key CBOR): store these bytes. */
  publicKeyBytes: Uint8Array;
}

/**
 * Parsed authenticator data.
 *
 * @example
 * ```ts
 * const data: AuthenticatorData = parseAuthenticatorData(bytes);
 * data.signCount;
 * ```
 */
export interface AuthenticatorData {
  /** SHA-256 of the RP ID the authenticator used. */
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  /** The raw flags byte. */
  flagsByte: number;
  /** The signature counter (0 when the authenticator has none). */
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  /** Decoded extension outputs, when ED is set. */
  extensions?: CborMap;
}

function fail(message: string, cause?: unknown): never {
  throw new MfaError('INVALID_AUTHENTICATOR_DATA', `authenticator data: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Parses authenticator data. Structural rules are enforced here (lengths, AT/ED consistency, no
 * trailing bytes); the policy checks (RP ID, UP, UV, BE/BS) belong to the verify functions.
 *
 * @throws MfaError `INVALID_AUTHENTICATOR_DATA` when the bytes are malformed.
 * @example
 * ```ts
 * const data = parseAuthenticatorData(authenticatorDataBytes);
 * data.flags.userPresent; data.signCount;
 * ```
 */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (!(bytes instanceof Uint8Array)) fail('must be a Uint8Array');
  if (bytes.length < 37) fail('shorter than 37 bytes');
  const flagsByte = bytes[32]!;
  const flags: AuthenticatorFlags = {
    userPresent: (flagsByte & 0x01) !== 0,
    userVerified: (flagsByte & 0x04) !== 0,
    backupEligible: (flagsByte & 0x08) !== 0,
    backedUp: (flagsByte & 0x10) !== 0,
    attestedCredentialData: (flagsByte & 0x40) !== 0,
    extensionData: (flagsByte & 0x80) !== 0,
  };
  const signCount = ((bytes[33]! << 24) >>> 0) + (bytes[34]! << 16) + (bytes[35]! << 8) + bytes[36]!;
  const result: AuthenticatorData = { rpIdHash: bytes.slice(0, 32), flags, flagsByte, signCount };
  let offset = 37;

  if (flags.attestedCredentialData) {
    if (bytes.length < offset + 18) fail('attested credential data truncated');
    const aaguid = bytes.slice(offset, offset + 16);
    const idLength = (bytes[offset + 16]! << 8) | bytes[offset + 17]!;
    offset += 18;
    if (bytes.length < offset + idLength) fail('credential id truncated');
    const credentialId = bytes.slice(offset, offset + idLength);
    offset += idLength;
    let keyLength: number;
    try {
      ({ length: keyLength } = decodeCborPrefix(bytes.subarray(offset), { maxDepth: 4, maxItems: 64 }));
    } catch (cause) {
      fail('credential public key is not valid CBOR', cause);
    }
    const publicKeyBytes = bytes.slice(offset, offset + keyLength);
    offset += keyLength;
    result.attestedCredentialData = { aaguid, credentialId, publicKeyBytes };
  }

  if (flags.extensionData) {
    let decoded;
    try {
      decoded = decodeCborPrefix(bytes.subarray(offset), { maxDepth: 8, maxItems: 512 });
    } catch (cause) {
      fail('extensions are not valid CBOR', cause);
    }
    if (!(decoded.value instanceof Map)) fail('extensions must be a CBOR map');
    result.extensions = decoded.value;
    offset += decoded.length;
  }

  if (offset !== bytes.length) fail('trailing bytes');
  return result;
}
