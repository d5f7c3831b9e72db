// The strict DER reader under the X.509 parser: DER-only encodings, bounds, high tag numbers.
import { describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { derChildren, parseDer, readBoolean, readIntegerBytes, readOid, readSmallInteger, readTime } from '../../src/internal/asn1/der.js';
import { parseX509Certificate } from '../../src/internal/asn1/x509.js';
import { hex } from './helpers/build.js';
import { w3cAttestationRoot } from './helpers/vectors.js';

const asn1Error = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isMfaError(error, 'INVALID_ASN1');
  }
  return false;
};

describe('DER reader', () => {
  it('refuses indefinite, non-minimal and over-long lengths, and trailing bytes', () => {
    expect(asn1Error(() => parseDer(Uint8Array.of(0x30, 0x80, 0x00, 0x00)))).toBe(true);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x04, 0x81, 0x01, 0x00)))).toBe(true);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x04, 0x82, 0x00, 0x81, ...new Uint8Array(0x81))))).toBe(true);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x04, 0x85, 1, 0, 0, 0, 0)))).toBe(true);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x04, 0x05, 0x00)))).toBe(true);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x05, 0x00, 0x00)))).toBe(true);
  });

  it('reads high tag numbers ([600], [702] of the Android key description)', () => {
    const element = parseDer(Uint8Array.of(0xbf, 0x85, 0x3e, 0x03, 0x02, 0x01, 0x00));
    expect(element).toMatchObject({ cls: 2, constructed: true, tag: 702 });
    expect(readSmallInteger(derChildren(element)[0], 'origin')).toBe(0);
    expect(asn1Error(() => parseDer(Uint8Array.of(0x1f, 0x05, 0x00)))).toBe(true); // tag < 31 in long form
  });

  it('integers, booleans and OIDs in DER form only', () => {
    expect(readSmallInteger(parseDer(Uint8Array.of(0x02, 0x01, 0xff)), 'n')).toBe(-1);
    expect(readSmallInteger(parseDer(Uint8Array.of(0x02, 0x02, 0x00, 0x80)), 'n')).toBe(128);
    expect(asn1Error(() => readIntegerBytes(parseDer(Uint8Array.of(0x02, 0x02, 0x00, 0x01)), 'n'))).toBe(true);
    expect(asn1Error(() => readBoolean(parseDer(Uint8Array.of(0x01, 0x01, 0x01)), 'b'))).toBe(true);
    expect(readOid(parseDer(hex('06082a8648ce3d030107')), 'curve')).toBe('1.2.840.10045.3.1.7');
    expect(asn1Error(() => readOid(parseDer(Uint8Array.of(0x06, 0x02, 0x2a, 0x86)), 'oid'))).toBe(true);
  });

  it('UTCTime and GeneralizedTime in UTC', () => {
    expect(readTime(parseDer(Uint8Array.of(0x17, 13, ...new TextEncoder().encode('240101000000Z'))), 't')).toBe(Date.UTC(2024, 0, 1));
    expect(readTime(parseDer(Uint8Array.of(0x18, 15, ...new TextEncoder().encode('30240101000000Z'))), 't')).toBe(Date.UTC(3024, 0, 1));
    expect(asn1Error(() => readTime(parseDer(Uint8Array.of(0x17, 13, ...new TextEncoder().encode('241301000000Z'))), 't'))).toBe(true);
  });
});

describe('X.509', () => {
  it('parses the W3C attestation root', () => {
    const cert = parseX509Certificate(hex(w3cAttestationRoot()));
    expect(cert.version).toBe(3);
    expect(cert.subjectAttributes.get('2.5.4.11')).toBe('Authenticator Attestation CA');
    expect(cert.notBefore).toBe(Date.UTC(2024, 0, 1));
    expect(cert.notAfter).toBe(Date.UTC(3024, 0, 1));
    expect(cert.extensions.get('2.5.29.19')?.critical).toBe(true);
  });

  it('malformed certificates throw INVALID_CERTIFICATE', () => {
    const der = hex(w3cAttestationRoot());
    for (const bytes of [der.slice(0, 100), new Uint8Array(0), Uint8Array.of(0x30, 0x00), new Uint8Array([...der, 0])]) {
      expect(() => parseX509Certificate(bytes)).toThrow(expect.objectContaining({ code: 'INVALID_CERTIFICATE' }));
    }
  });
});
