/**
 * What every attestation statement format shares: its inputs, its outcome, and field readers that
 * turn a malformed statement into `MfaError('INVALID_ATTESTATION')`.
 * @module
 */
import { MfaError } from '../../errors.js';
import { equalBytes } from '../../internal/bytes.js';
import { parseDer, readOctetString } from '../../internal/asn1/der.js';
import { type X509Certificate, OID, certificateBasicConstraints, parseX509Certificate } from '../../internal/asn1/x509.js';
import type { AuthenticatorData } from '../authenticator-data.js';
import type { CborMap } from '../cbor.js';
import type { CosePublicKey } from '../cose.js';
import type { WebAuthnKeyMaterial } from '../signature.js';

/**
 * Attestation types (WebAuthn L3 §6.5.4). `attca` and `basic` cannot be told apart without
 * metadata; mfakit reports `basic` for certificate-based packed, fido-u2f and android-key.
 *
 * @example
 * ```ts
 * if (result.ok && result.credential.attestationType === 'none') console.log('no attestation');
 * ```
 */
export type WebAuthnAttestationType = 'none' | 'self' | 'basic' | 'attca' | 'anonca';

/** Everything a statement check reads. */
export interface AttestationInput {
  attStmt: CborMap;
  /** The raw authenticator data (signed as is). */
  authData: Uint8Array;
  parsedAuthData: AuthenticatorData;
  clientDataHash: Uint8Array;
  credentialKey: CosePublicKey;
}

/**
 * Why an attestation statement was refused.
 *
 * @example
 * ```ts
 * if (!result.ok && result.reason === 'attestation-signature-invalid') log.warn('forged attestation');
 * ```
 */
export type WebAuthnAttestationFailure =
  | 'attestation-signature-invalid'
  | 'attestation-key-mismatch'
  | 'attestation-certificate-invalid'
  | 'attestation-aaguid-mismatch'
  | 'attestation-challenge-mismatch'
  | 'attestation-algorithm-mismatch'
  | 'attestation-format-invalid';

/** The outcome of a statement check (the chain to a root is checked afterwards). */
export type AttestationOutcome =
  | { ok: true; type: WebAuthnAttestationType; trustPath: X509Certificate[] }
  | { ok: false; reason: WebAuthnAttestationFailure };

/** Throws `INVALID_ATTESTATION`. */
export function attestationFail(message: string, cause?: unknown): never {
  throw new MfaError('INVALID_ATTESTATION', `attestation statement: ${message}`, cause === undefined ? {} : { cause });
}

/** A required byte-string field. */
export function stmtBytes(stmt: CborMap, name: string): Uint8Array {
  const value = stmt.get(name);
  if (!(value instanceof Uint8Array)) attestationFail(`${name} must be a byte string`);
  return value;
}

/** A required integer field. */
export function stmtInteger(stmt: CborMap, name: string): number {
  const value = stmt.get(name);
  if (typeof value !== 'number') attestationFail(`${name} must be an integer`);
  return value;
}

/** Refuses fields a format does not define (a strict reading keeps parsers honest). */
export function stmtOnly(stmt: CborMap, names: readonly string[]): void {
  for (const key of stmt.keys()) if (typeof key !== 'string' || !names.includes(key)) attestationFail(`unexpected field ${String(key)}`);
}

/** The x5c certificates, parsed (leaf first); absent gives undefined, empty is malformed. */
export function stmtCertificates(stmt: CborMap): X509Certificate[] | undefined {
  const value = stmt.get('x5c');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 8) attestationFail('x5c must be a non-empty array');
  return value.map((der) => {
    if (!(der instanceof Uint8Array)) attestationFail('x5c entries must be byte strings');
    try {
      return parseX509Certificate(der);
    } catch (cause) {
      return attestationFail('x5c holds a malformed certificate', cause);
    }
  });
}

/** authenticatorData ‖ clientDataHash, which most formats sign. */
export function signedAttestationData(input: AttestationInput): Uint8Array {
  const out = new Uint8Array(input.authData.length + input.clientDataHash.length);
  out.set(input.authData);
  out.set(input.clientDataHash, input.authData.length);
  return out;
}

/** True when two keys are the same key. */
export function sameKey(a: WebAuthnKeyMaterial, b: WebAuthnKeyMaterial): boolean {
  if (a.kty === 'EC' && b.kty === 'EC') return a.crv === b.crv && equalBytes(a.x, b.x) && equalBytes(a.y, b.y);
  if (a.kty === 'OKP' && b.kty === 'OKP') return a.crv === b.crv && equalBytes(a.x, b.x);
  if (a.kty === 'RSA' && b.kty === 'RSA') return equalBytes(a.n, b.n) && equalBytes(a.e, b.e);
  return false;
}

/**
 * The id-fido-gen-ce-aaguid extension, when present, must be non-critical and name the AAGUID in
 * the authenticator data. Returns false on a mismatch.
 */
export function aaguidExtensionMatches(cert: X509Certificate, aaguid: Uint8Array | undefined): boolean {
  const ext = cert.extensions.get(OID.fidoAaguid);
  if (ext === undefined) return true;
  if (ext.critical || aaguid === undefined) return false;
  try {
    return equalBytes(readOctetString(parseDer(ext.value), 'AAGUID'), aaguid);
  } catch {
    return false;
  }
}

/** A leaf attestation certificate must not be a CA. */
export function isCaCertificate(cert: X509Certificate): boolean {
  try {
    return certificateBasicConstraints(cert)?.ca === true;
  } catch {
    return true;
  }
}
