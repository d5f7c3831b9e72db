/**
 * The `apple` anonymous attestation statement format (WebAuthn L3 §8.8): the credential
 * certificate carries SHA-256(authData ‖ clientDataHash) as a nonce and the credential's own key.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { derChildren, expectTag, parseDer, readOctetString, sequenceOf, TagClass } from '../../internal/asn1/der.js';
import { certificatePublicKey } from '../../internal/asn1/x509.js';
import { equalBytes } from '../../internal/bytes.js';
import { type AttestationInput, type AttestationOutcome, sameKey, signedAttestationData, stmtCertificates, stmtOnly, attestationFail } from './common.js';

/** Apple's nonce extension, 1.2.840.113635.100.8.2. */
const APPLE_NONCE_OID = '1.2.840.113635.100.8.2';

/** Checks an `apple` statement. */
export function verifyAppleAttestation(input: AttestationInput): AttestationOutcome {
  stmtOnly(input.attStmt, ['x5c']);
  const x5c = stmtCertificates(input.attStmt);
  if (x5c === undefined) attestationFail('apple: x5c is required');
  const leaf = x5c[0]!;
  const ext = leaf.extensions.get(APPLE_NONCE_OID);
  if (ext === undefined) return { ok: false, reason: 'attestation-certificate-invalid' };
  let certNonce: Uint8Array;
  try {
    // SEQUENCE { [1] EXPLICIT OCTET STRING nonce }
    const [tagged] = sequenceOf(parseDer(ext.value), 'Apple nonce');
    certNonce = readOctetString(derChildren(expectTag(tagged, 1, 'nonce', TagClass.context))[0], 'nonce');
  } catch {
    return { ok: false, reason: 'attestation-certificate-invalid' };
  }
  const nonce = sha256(signedAttestationData(input));
  if (!equalBytes(certNonce, nonce)) return { ok: false, reason: 'attestation-challenge-mismatch' };
  if (!sameKey(certificatePublicKey(leaf), input.credentialKey.key)) return { ok: false, reason: 'attestation-key-mismatch' };
  return { ok: true, type: 'anonca', trustPath: x5c };
}
