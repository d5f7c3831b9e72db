/**
 * X.509 v3 certificates (RFC 5280), parsed for what attestation checks need. Internal.
 * @module
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { MfaError } from '../../errors.js';
import type { PublicKeyMaterial, SignatureScheme } from '../signatures/index.js';
import {
  type DerElement,
  Tag,
  TagClass,
  asn1Fail,
  derChildren,
  expectTag,
  parseDer,
  readBitStringBytes,
  readBoolean,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  sequenceOf,
} from './der.js';

/** One extension: its criticality and the contents of its extnValue OCTET STRING. */
export interface X509Extension {
  critical: boolean;
  value: Uint8Array;
}

/** A parsed certificate. Byte fields are views into `raw`. */
export interface X509Certificate {
  /** The whole DER encoding. */
  raw: Uint8Array;
  /** The signed part (tbsCertificate), as encoded. */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serialNumber: Uint8Array;
  /** Signature algorithm OID (outer, checked equal to the inner one). */
  signatureAlgorithm: string;
  signature: Uint8Array;
  /** Issuer and subject Names, as encoded (compare byte for byte). */
  issuer: Uint8Array;
  subject: Uint8Array;
  /** Subject attributes by OID (e.g. `2.5.4.3` CN, `2.5.4.11` OU). */
  subjectAttributes: Map<string, string>;
  notBefore: number;
  notAfter: number;
  /** SubjectPublicKeyInfo algorithm OID and, for EC keys, the curve OID. */
  publicKeyAlgorithm: string;
  publicKeyCurve?: string;
  /** The subjectPublicKey BIT STRING contents. */
  publicKeyBits: Uint8Array;
  extensions: Map<string, X509Extension>;
}

/** OIDs used by WebAuthn attestation. */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ed25519: '1.3.101.112',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
  fidoAaguid: '1.3.6.1.4.1.45724.1.1.4',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

const SIGNATURE_ALGORITHMS: Record<string, SignatureScheme> = {
  '1.2.840.10045.4.3.2': { name: 'ECDSA', hash: 'SHA-256', encoding: 'der' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA', hash: 'SHA-384', encoding: 'der' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA', hash: 'SHA-512', encoding: 'der' },
  '1.2.840.113549.1.1.11': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  '1.2.840.113549.1.1.5': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  '1.3.101.112': { name: 'Ed25519' },
};

function certFail(message: string, cause?: unknown): never {
  throw new MfaError('INVALID_CERTIFICATE', `certificate: ${message}`, cause === undefined ? {} : { cause });
}

function algorithmIdentifier(element: DerElement | undefined, what: string): { oid: string; params?: DerElement } {
  const parts = sequenceOf(element, what);
  const oid = readOid(parts[0], `${what} OID`);
  if (parts.length > 2) asn1Fail(`${what} has extra fields`);
  return parts[1] === undefined ? { oid } : { oid, params: parts[1] };
}

function nameAttributes(name: DerElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const rdn of derChildren(expectTag(name, Tag.SEQUENCE, 'Name'))) {
    for (const attribute of derChildren(expectTag(rdn, Tag.SET, 'RDN'))) {
      const [type, value] = sequenceOf(attribute, 'attribute');
      out.set(readOid(type, 'attribute type'), readString(value, 'attribute value'));
    }
  }
  return out;
}

/**
 * Parses a DER certificate.
 *
 * @throws MfaError `INVALID_CERTIFICATE` (with the ASN.1 error as cause) when malformed.
 * @example
 * ```ts
 * const cert = parseX509Certificate(x5c[0]);
 * cert.subjectAttributes.get(OID.organizationalUnitName); // 'Authenticator Attestation'
 * ```
 */
export function parseX509Certificate(der: Uint8Array): X509Certificate {
  try {
    return parseCertificateStrict(der);
  } catch (cause) {
    if (cause instanceof MfaError && cause.code === 'INVALID_CERTIFICATE') throw cause;
    return certFail('malformed', cause);
  }
}

function parseCertificateStrict(der: Uint8Array): X509Certificate {
  const [tbsElement, sigAlgElement, sigElement, ...extra] = sequenceOf(parseDer(der), 'Certificate');
  if (extra.length > 0) asn1Fail('Certificate has extra fields');
  const tbs = sequenceOf(tbsElement, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (tbs[0]?.cls === TagClass.context && tbs[0].tag === 0) {
    version = readSmallInteger(derChildren(tbs[0])[0], 'version') + 1;
    i++;
  }
  const serialNumber = readIntegerBytes(tbs[i++], 'serialNumber');
  const innerAlg = algorithmIdentifier(tbs[i++], 'signature');
  const issuer = expectTag(tbs[i++], Tag.SEQUENCE, 'issuer');
  const [notBeforeEl, notAfterEl] = sequenceOf(tbs[i++], 'validity');
  const subject = expectTag(tbs[i++], Tag.SEQUENCE, 'subject');
  const spki = sequenceOf(tbs[i++], 'subjectPublicKeyInfo');
  const keyAlg = algorithmIdentifier(spki[0], 'subjectPublicKeyInfo algorithm');
  const publicKeyBits = readBitStringBytes(spki[1], 'subjectPublicKey');
  const extensions = new Map<string, X509Extension>();
  for (; i < tbs.length; i++) {
    const field = tbs[i]!;
    if (field.cls !== TagClass.context) asn1Fail('unexpected field in TBSCertificate');
    if (field.tag === 1 || field.tag === 2) continue; // issuer/subject unique ids
    if (field.tag !== 3) asn1Fail('unexpected field in TBSCertificate');
    for (const ext of sequenceOf(derChildren(field)[0], 'extensions').map((e) => sequenceOf(e, 'extension'))) {
      const oid = readOid(ext[0], 'extnID');
      let critical = false;
      let valueIndex = 1;
      if (ext[1]?.tag === Tag.BOOLEAN && ext[1].cls === 0) {
        critical = readBoolean(ext[1], 'critical');
        valueIndex = 2;
      }
      if (extensions.has(oid)) asn1Fail('duplicate extension');
      extensions.set(oid, { critical, value: readOctetString(ext[valueIndex], 'extnValue') });
    }
  }
  const outerAlg = algorithmIdentifier(sigAlgElement, 'signatureAlgorithm');
  if (outerAlg.oid !== innerAlg.oid) asn1Fail('signature algorithms differ');
  const cert: X509Certificate = {
    raw: der,
    tbs: tbsElement!.raw,
    version,
    serialNumber,
    signatureAlgorithm: outerAlg.oid,
    signature: readBitStringBytes(sigElement, 'signatureValue'),
    issuer: issuer.raw,
    subject: subject.raw,
    subjectAttributes: nameAttributes(subject),
    notBefore: readTime(notBeforeEl, 'notBefore'),
    notAfter: readTime(notAfterEl, 'notAfter'),
    publicKeyAlgorithm: keyAlg.oid,
    publicKeyBits,
    extensions,
  };
  if (keyAlg.oid === OID.ecPublicKey && keyAlg.params !== undefined) cert.publicKeyCurve = readOid(keyAlg.params, 'namedCurve');
  return cert;
}

/**
 * The certificate's public key as signature-module key material (EC P-256/384/521, RSA, Ed25519).
 *
 * @throws MfaError `INVALID_CERTIFICATE` for other or malformed keys.
 */
export function certificatePublicKey(cert: X509Certificate): PublicKeyMaterial {
  try {
    if (cert.publicKeyAlgorithm === OID.ecPublicKey) {
      const curves = { [OID.p256]: ['P-256', p256, 32], [OID.p384]: ['P-384', p384, 48], [OID.p521]: ['P-521', p521, 66] } as const;
      const entry = curves[cert.publicKeyCurve as keyof typeof curves];
      if (entry === undefined) return certFail('unsupported EC curve');
      const [crv, curve, size] = entry;
      const point = curve.Point.fromBytes(cert.publicKeyBits).toBytes(false);
      return { kty: 'EC', crv, x: point.slice(1, 1 + size), y: point.slice(1 + size) };
    }
    if (cert.publicKeyAlgorithm === OID.rsaEncryption) {
      const [n, e, ...extra] = sequenceOf(parseDer(cert.publicKeyBits), 'RSAPublicKey');
      if (extra.length > 0) asn1Fail('RSAPublicKey has extra fields');
      const strip = (bytes: Uint8Array) => (bytes[0] === 0 ? bytes.subarray(1) : bytes);
      return { kty: 'RSA', n: strip(readIntegerBytes(n, 'modulus')), e: strip(readIntegerBytes(e, 'publicExponent')) };
    }
    if (cert.publicKeyAlgorithm === OID.ed25519) {
      if (cert.publicKeyBits.length !== 32) return certFail('Ed25519 key must be 32 bytes');
      return { kty: 'OKP', crv: 'Ed25519', x: cert.publicKeyBits };
    }
  } catch (cause) {
    if (cause instanceof MfaError && cause.code === 'INVALID_CERTIFICATE') throw cause;
    return certFail('malformed public key', cause);
  }
  return certFail(`unsupported public key algorithm ${cert.publicKeyAlgorithm}`);
}

/** The scheme of the certificate's own signature, or undefined when unsupported. */
export function certificateSignatureScheme(cert: X509Certificate): SignatureScheme | undefined {
  return SIGNATURE_ALGORITHMS[cert.signatureAlgorithm];
}

/** Basic constraints: `{ ca, pathLength }`, or undefined when the extension is absent. */
export function certificateBasicConstraints(cert: X509Certificate): { ca: boolean; pathLength?: number } | undefined {
  const ext = cert.extensions.get(OID.basicConstraints);
  if (ext === undefined) return undefined;
  try {
    const parts = sequenceOf(parseDer(ext.value), 'BasicConstraints');
    let ca = false;
    let index = 0;
    if (parts[0]?.tag === Tag.BOOLEAN) {
      ca = readBoolean(parts[0], 'cA');
      index = 1;
    }
    const out: { ca: boolean; pathLength?: number } = { ca };
    if (parts[index] !== undefined) out.pathLength = readSmallInteger(parts[index], 'pathLenConstraint');
    return out;
  } catch (cause) {
    return certFail('malformed basic constraints', cause);
  }
}

/** The extended key usage OIDs, or undefined when the extension is absent. */
export function certificateExtendedKeyUsage(cert: X509Certificate): string[] | undefined {
  const ext = cert.extensions.get(OID.extKeyUsage);
  if (ext === undefined) return undefined;
  try {
    return sequenceOf(parseDer(ext.value), 'ExtKeyUsage').map((e) => readOid(e, 'KeyPurposeId'));
  } catch (cause) {
    return certFail('malformed extended key usage', cause);
  }
}
