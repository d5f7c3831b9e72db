/**
 * The `tpm` attestation statement format (WebAuthn L3 §8.3): a TPM 2.0 certifies the credential
 * key (pubArea) in a TPMS_ATTEST structure (certInfo) signed by an attestation identity key whose
 * certificate (aikCert) meets §8.3.1.
 * @module
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { derChildren, parseDer, readOid, sequenceOf, Tag, TagClass } from '../../internal/asn1/der.js';
import { type X509Certificate, OID, certificateExtendedKeyUsage, certificatePublicKey } from '../../internal/asn1/x509.js';
import { equalBytes } from '../../internal/bytes.js';
import { coseAlgorithmScheme } from '../cose.js';
import { schemeFitsKey, verifyWebAuthnSignature } from '../signature.js';
import {
  type AttestationInput,
  type AttestationOutcome,
  aaguidExtensionMatches,
  attestationFail,
  isCaCertificate,
  signedAttestationData,
  stmtBytes,
  stmtCertificates,
  stmtInteger,
  stmtOnly,
} from './common.js';

const TPM_GENERATED_VALUE = 0xff544347;
const TPM_ST_ATTEST_CERTIFY = 0x8017;
const TPM_ALG_RSA = 0x0001;
const TPM_ALG_ECC = 0x0023;
const TPM_ECC_CURVES: Record<number, string> = { 3: 'P-256', 4: 'P-384', 5: 'P-521' };
const TPM_HASHES: Record<number, (data: Uint8Array) => Uint8Array> = { 0x0004: sha1, 0x000b: sha256, 0x000c: sha384, 0x000d: sha512 };
const AIK_EKU = '2.23.133.8.3';
const TPM_SAN_ATTRIBUTES = ['2.23.133.2.1', '2.23.133.2.2', '2.23.133.2.3'];

/** A big-endian reader over TPM structures; running short is malformed input. */
class TpmReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array, readonly what: string) {}
  u8(): number {
    if (this.offset + 1 > this.bytes.length) attestationFail(`tpm: ${this.what} truncated`);
    return this.bytes[this.offset++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }
  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) attestationFail(`tpm: ${this.what} truncated`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  /** TPM2B_*: a 16-bit size then that many bytes. */
  sized(): Uint8Array {
    return this.take(this.u16());
  }
  end(): void {
    if (this.offset !== this.bytes.length) attestationFail(`tpm: trailing bytes in ${this.what}`);
  }
}

interface TpmPublic {
  type: number;
  nameAlg: number;
  rsa?: { exponent: number; modulus: Uint8Array };
  ecc?: { curve: number; x: Uint8Array; y: Uint8Array };
}

function parsePubArea(bytes: Uint8Array): TpmPublic {
  const r = new TpmReader(bytes, 'pubArea');
  const type = r.u16();
  const nameAlg = r.u16();
  r.u32(); // objectAttributes
  r.sized(); // authPolicy
  const out: TpmPublic = { type, nameAlg };
  if (type === TPM_ALG_RSA) {
    r.u16(); // symmetric
    r.u16(); // scheme
    r.u16(); // keyBits
    const exponent = r.u32();
    out.rsa = { exponent: exponent === 0 ? 65537 : exponent, modulus: r.sized() };
  } else if (type === TPM_ALG_ECC) {
    r.u16(); // symmetric
    r.u16(); // scheme
    const curve = r.u16();
    r.u16(); // kdf
    out.ecc = { curve, x: r.sized(), y: r.sized() };
  } else {
    attestationFail('tpm: unsupported pubArea type');
  }
  r.end();
  return out;
}

interface TpmAttest {
  magic: number;
  type: number;
  extraData: Uint8Array;
  attestedName: Uint8Array;
}

function parseCertInfo(bytes: Uint8Array): TpmAttest {
  const r = new TpmReader(bytes, 'certInfo');
  const magic = r.u32();
  const type = r.u16();
  r.sized(); // qualifiedSigner
  const extraData = r.sized();
  r.take(17); // clockInfo: clock(8) resetCount(4) restartCount(4) safe(1)
  r.take(8); // firmwareVersion
  const attestedName = r.sized();
  r.sized(); // qualifiedName
  r.end();
  return { magic, type, extraData, attestedName };
}

function bigEndianNumber(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

function pubAreaMatchesKey(pub: TpmPublic, input: AttestationInput): boolean {
  const key = input.credentialKey.key;
  if (pub.rsa !== undefined && key.kty === 'RSA') {
    return equalBytes(pub.rsa.modulus, key.n) && key.e.length <= 6 && bigEndianNumber(key.e) === pub.rsa.exponent;
  }
  if (pub.ecc !== undefined && key.kty === 'EC') {
    return TPM_ECC_CURVES[pub.ecc.curve] === key.crv && equalBytes(pub.ecc.x, key.x) && equalBytes(pub.ecc.y, key.y);
  }
  return false;
}

function attestationHash(alg: number): ((data: Uint8Array) => Uint8Array) | undefined {
  const scheme = coseAlgorithmScheme(alg);
  if (scheme === undefined || !('hash' in scheme)) return undefined;
  return { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 }[scheme.hash];
}

/** §8.3.1: version 3, empty subject, TPM SAN, AIK EKU, not a CA. */
function aikCertificateValid(cert: X509Certificate): boolean {
  if (cert.version !== 3 || cert.subjectAttributes.size !== 0 || isCaCertificate(cert)) return false;
  if (!(certificateExtendedKeyUsage(cert) ?? []).includes(AIK_EKU)) return false;
  const san = cert.extensions.get(OID.subjectAltName);
  if (san === undefined) return false;
  try {
    const found = new Set<string>();
    for (const name of sequenceOf(parseDer(san.value), 'SubjectAltName')) {
      if (name.cls !== TagClass.context || name.tag !== 4) continue;
      for (const rdn of derChildren(derChildren(name)[0]!)) {
        if (rdn.tag !== Tag.SET) continue;
        for (const attribute of derChildren(rdn)) found.add(readOid(sequenceOf(attribute, 'attribute')[0], 'attribute type'));
      }
    }
    return TPM_SAN_ATTRIBUTES.every((oid) => found.has(oid));
  } catch {
    return false;
  }
}

/** Checks a `tpm` statement. */
export async function verifyTpmAttestation(input: AttestationInput): Promise<AttestationOutcome> {
  const { attStmt } = input;
  stmtOnly(attStmt, ['ver', 'alg', 'x5c', 'sig', 'certInfo', 'pubArea']);
  if (attStmt.get('ver') !== '2.0') attestationFail('tpm: ver must be "2.0"');
  const alg = stmtInteger(attStmt, 'alg');
  const sig = stmtBytes(attStmt, 'sig');
  const certInfoBytes = stmtBytes(attStmt, 'certInfo');
  const pubAreaBytes = stmtBytes(attStmt, 'pubArea');
  const x5c = stmtCertificates(attStmt);
  if (x5c === undefined) attestationFail('tpm: x5c is required');
  const pubArea = parsePubArea(pubAreaBytes);
  const certInfo = parseCertInfo(certInfoBytes);

  if (!pubAreaMatchesKey(pubArea, input)) return { ok: false, reason: 'attestation-key-mismatch' };
  if (certInfo.magic !== TPM_GENERATED_VALUE || certInfo.type !== TPM_ST_ATTEST_CERTIFY) {
    return { ok: false, reason: 'attestation-format-invalid' };
  }
  const hash = attestationHash(alg);
  if (hash === undefined) return { ok: false, reason: 'attestation-algorithm-mismatch' };
  if (!equalBytes(certInfo.extraData, hash(signedAttestationData(input)))) return { ok: false, reason: 'attestation-challenge-mismatch' };
  // attested.name = nameAlg ‖ H_nameAlg(pubArea)
  const nameHash = TPM_HASHES[pubArea.nameAlg];
  const name = certInfo.attestedName;
  if (nameHash === undefined || name.length < 2 || ((name[0]! << 8) | name[1]!) !== pubArea.nameAlg || !equalBytes(name.subarray(2), nameHash(pubAreaBytes))) {
    return { ok: false, reason: 'attestation-key-mismatch' };
  }

  const aik = x5c[0]!;
  const key = certificatePublicKey(aik);
  const scheme = coseAlgorithmScheme(alg)!;
  if (!schemeFitsKey(key, scheme)) return { ok: false, reason: 'attestation-algorithm-mismatch' };
  if (!(await verifyWebAuthnSignature(key, scheme, sig, certInfoBytes))) return { ok: false, reason: 'attestation-signature-invalid' };
  if (!aikCertificateValid(aik)) return { ok: false, reason: 'attestation-certificate-invalid' };
  if (!aaguidExtensionMatches(aik, input.parsedAuthData.attestedCredentialData?.aaguid)) {
    return { ok: false, reason: 'attestation-aaguid-mismatch' };
  }
  return { ok: true, type: 'attca', trustPath: x5c };
}
