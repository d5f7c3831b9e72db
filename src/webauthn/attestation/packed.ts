/**
 * The `packed` attestation statement format (WebAuthn L3 §8.2): self attestation, or a signature
 * by an attestation certificate (x5c) that must meet §8.2.1.
 * @module
 */
import { certificatePublicKey, OID } from '../../internal/asn1/x509.js';
import { coseAlgorithmScheme } from '../cose.js';
import { schemeFitsKey, verifyWebAuthnSignature } from '../signature.js';
import {
  type AttestationInput,
  type AttestationOutcome,
  aaguidExtensionMatches,
  isCaCertificate,
  signedAttestationData,
  stmtBytes,
  stmtCertificates,
  stmtInteger,
  stmtOnly,
} from './common.js';

/** Checks a `packed` statement. */
export async function verifyPackedAttestation(input: AttestationInput): Promise<AttestationOutcome> {
  const { attStmt } = input;
  stmtOnly(attStmt, ['alg', 'sig', 'x5c']);
  const alg = stmtInteger(attStmt, 'alg');
  const sig = stmtBytes(attStmt, 'sig');
  const x5c = stmtCertificates(attStmt);
  const data = signedAttestationData(input);

  if (x5c === undefined) {
    // Self attestation: signed by the credential key itself, with its own algorithm.
    if (alg !== input.credentialKey.alg) return { ok: false, reason: 'attestation-algorithm-mismatch' };
    const valid = await verifyWebAuthnSignature(input.credentialKey.key, input.credentialKey.scheme, sig, data);
    return valid ? { ok: true, type: 'self', trustPath: [] } : { ok: false, reason: 'attestation-signature-invalid' };
  }

  const leaf = x5c[0]!;
  const scheme = coseAlgorithmScheme(alg);
  const key = certificatePublicKey(leaf);
  if (scheme === undefined || !schemeFitsKey(key, scheme)) return { ok: false, reason: 'attestation-algorithm-mismatch' };
  if (!(await verifyWebAuthnSignature(key, scheme, sig, data))) return { ok: false, reason: 'attestation-signature-invalid' };

  // §8.2.1 attestation certificate requirements.
  const subject = leaf.subjectAttributes;
  const wellFormed =
    leaf.version === 3 &&
    subject.has(OID.countryName) &&
    subject.has(OID.organizationName) &&
    subject.get(OID.organizationalUnitName) === 'Authenticator Attestation' &&
    subject.has(OID.commonName) &&
    !isCaCertificate(leaf);
  if (!wellFormed) return { ok: false, reason: 'attestation-certificate-invalid' };
  if (!aaguidExtensionMatches(leaf, input.parsedAuthData.attestedCredentialData?.aaguid)) {
    return { ok: false, reason: 'attestation-aaguid-mismatch' };
  }
  return { ok: true, type: 'basic', trustPath: x5c };
}
