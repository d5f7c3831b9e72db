/**
 * The `fido-u2f` attestation statement format (WebAuthn L3 §8.6): a U2F security key's signature
 * over its raw registration data, by a P-256 attestation certificate.
 * @module
 */
import { certificatePublicKey } from '../../internal/asn1/x509.js';
import { verifyWebAuthnSignature } from '../signature.js';
import { type AttestationInput, type AttestationOutcome, attestationFail, stmtBytes, stmtCertificates, stmtOnly } from './common.js';

/** Checks a `fido-u2f` statement. */
export async function verifyFidoU2fAttestation(input: AttestationInput): Promise<AttestationOutcome> {
  const { attStmt, parsedAuthData, credentialKey } = input;
  stmtOnly(attStmt, ['sig', 'x5c']);
  const sig = stmtBytes(attStmt, 'sig');
  const x5c = stmtCertificates(attStmt);
  if (x5c === undefined || x5c.length !== 1) attestationFail('fido-u2f: x5c must hold exactly one certificate');
  const leaf = x5c[0]!;
  const key = certificatePublicKey(leaf);
  if (key.kty !== 'EC' || key.crv !== 'P-256') return { ok: false, reason: 'attestation-certificate-invalid' };
  const credential = credentialKey.key;
  if (credential.kty !== 'EC' || credential.crv !== 'P-256') return { ok: false, reason: 'attestation-algorithm-mismatch' };
  const credentialId = parsedAuthData.attestedCredentialData!.credentialId;
  // verificationData = 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y
  const data = new Uint8Array(1 + 32 + 32 + credentialId.length + 65);
  let offset = 1;
  for (const part of [parsedAuthData.rpIdHash, input.clientDataHash, credentialId, Uint8Array.of(4), credential.x, credential.y]) {
    data.set(part, offset);
    offset += part.length;
  }
  const valid = await verifyWebAuthnSignature(key, { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' }, sig, data);
  return valid ? { ok: true, type: 'basic', trustPath: x5c } : { ok: false, reason: 'attestation-signature-invalid' };
}
