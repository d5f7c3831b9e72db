// Issue 22, "Which authenticator is it": a `tpm` attestation chain checked against the roots a FIDO
// metadata (MDS3) entry lists, with no `attestationRoots` given. Two sources of TPM statements:
// - the W3C WebAuthn Level 3 test vector "TPM Attestation with ES256 Credential" (real bytes,
//   test/vectors/webauthn/, SOURCE.txt names the commit), whose AIK certificate is signed by the
//   section's attestation CA: a small MDS3 blob generated here lists that CA for the vector's AAGUID;
// - a TPM statement built here (RSA credential) whose AIK chains through an intermediate CA to a
//   generated vendor root, with the FIDO AAGUID extension in the AIK certificate.
// The blob itself is signed by a generated test MDS root (as in metadata.test.ts).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyFidoMetadataBlob, verifyWebAuthnRegistration, type FidoMetadata } from '../../src/webauthn/index.js';
import { b64u, fromB64u, hex, registrationResponse } from './helpers/build.js';
import { encodeCbor } from './helpers/cbor-encode.js';
import { bool, certificate, explicit, int, name, octet, oid, seq, set, sha256, tlv, utf8 } from './helpers/der-encode.js';
import { w3cAttestationRoot, w3cExamples } from './helpers/vectors.js';

// The W3C section's certificates are valid from 2024 on; the generated ones from 2024 to 2040.
const NOW = Date.UTC(2025, 0, 1);
const now = () => NOW;

const caExtensions = (pathLength?: number): [string, boolean, Uint8Array][] => [
  ['2.5.29.19', true, seq(bool(true), ...(pathLength === undefined ? [] : [int(pathLength)]))],
  ['2.5.29.15', true, tlv(3, Uint8Array.of(1, 0x06))],
];

function ca(commonName: string) {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const subject = name(['2.5.4.6', 'AA'], ['2.5.4.10', 'mfakit tests'], ['2.5.4.3', commonName]);
  return { keys, subject, der: certificate({ subject, issuer: subject, publicKey: keys.publicKey, signingKey: keys.privateKey, extensions: caExtensions() }) };
}

// The metadata service: its root and the blob signer.
const mdsRoot = ca('Test MDS root');
const signerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = certificate({ subject: name(['2.5.4.3', 'Test MDS signer']), issuer: mdsRoot.subject, publicKey: signerKeys.publicKey, signingKey: mdsRoot.keys.privateKey });

const text = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const base64 = (der: Uint8Array) => Buffer.from(der).toString('base64');

interface Listing {
  aaguid: string;
  description: string;
  roots: Uint8Array[];
  status?: string[];
}

async function metadataFor(listings: Listing[]): Promise<FidoMetadata> {
  const entries = listings.map((l) => ({
    aaguid: l.aaguid,
    metadataStatement: { aaguid: l.aaguid, description: l.description, attestationTypes: ['attca'], attestationRootCertificates: l.roots.map(base64) },
    statusReports: (l.status ?? ['FIDO_CERTIFIED_L1']).map((status) => ({ status, effectiveDate: '2024-06-01' })),
  }));
  const header = text({ alg: 'ES256', typ: 'JWT', x5c: [base64(signer)] });
  const payload = text({ legalHeader: 'test', no: 3, nextUpdate: '2025-02-01', entries });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: signerKeys.privateKey, dsaEncoding: 'ieee-p1363' });
  return verifyFidoMetadataBlob(`${header}.${payload}.${Buffer.from(signature).toString('base64url')}`, mdsRoot.der, { now });
}

const uuid = (hexText: string) => hexText.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const aaguidBytes = (id: string) => Uint8Array.from(Buffer.from(id.replace(/-/g, ''), 'hex'));

describe('tpm attestation checked against metadata roots: the W3C L3 TPM ES256 vector', () => {
  const vector = w3cExamples().find((e) => e.id === 'sctn-test-vectors-tpm-es256')!.registration;
  const AAGUID = uuid(vector.aaguid!);
  const w3cRoot = hex(w3cAttestationRoot());
  const otherRoot = ca('Not the W3C attestation CA');
  const response = () => registrationResponse(hex(vector.credential_id!), hex(vector.clientDataJSON!), hex(vector.attestationObject!));
  const expectations = { expectedChallenge: hex(vector.challenge!), expectedOrigin: 'https://example.org', expectedRpId: 'example.org', now };

  it('listed with the W3C attestation CA as its root: trusted through the metadata alone, named, attca', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'W3C test TPM', roots: [w3cRoot] }]);
    const result = await verifyWebAuthnRegistration(response(), { ...expectations, metadata, requireListedAuthenticator: true });
    expect(result).toMatchObject({
      ok: true,
      credential: { aaguid: AAGUID, attestationFormat: 'tpm', attestationType: 'attca', attestationTrusted: true, authenticatorName: 'W3C test TPM' },
    });
  });

  it('listed with another root: not trusted, and refused under requireListedAuthenticator even when attestationRoots would trust it', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'W3C test TPM', roots: [otherRoot.der] }]);
    expect(await verifyWebAuthnRegistration(response(), { ...expectations, metadata })).toMatchObject({
      ok: true,
      credential: { attestationTrusted: false, authenticatorName: 'W3C test TPM' },
    });
    expect(await verifyWebAuthnRegistration(response(), { ...expectations, metadata, requireListedAuthenticator: true })).toEqual({ ok: false, reason: 'attestation-untrusted' });
    expect(await verifyWebAuthnRegistration(response(), { ...expectations, metadata, requireListedAuthenticator: true, attestationRoots: [w3cRoot] })).toEqual({
      ok: false,
      reason: 'attestation-untrusted',
    });
  });

  it('listed but revoked (attestation key compromise): refused; not listed: refused', async () => {
    const revoked = await metadataFor([{ aaguid: AAGUID, description: 'W3C test TPM', roots: [w3cRoot], status: ['FIDO_CERTIFIED_L1', 'ATTESTATION_KEY_COMPROMISE'] }]);
    expect(await verifyWebAuthnRegistration(response(), { ...expectations, metadata: revoked, requireListedAuthenticator: true })).toEqual({ ok: false, reason: 'authenticator-revoked' });
    const unlisted = await metadataFor([{ aaguid: '00112233-4455-4677-8899-aabbccddeeff', description: 'Someone else', roots: [w3cRoot] }]);
    expect(await verifyWebAuthnRegistration(response(), { ...expectations, metadata: unlisted, requireListedAuthenticator: true })).toEqual({ ok: false, reason: 'authenticator-not-listed' });
  });
});

describe('tpm attestation checked against metadata roots: a generated AIK under an intermediate CA', () => {
  const AAGUID = '6e1f1c3a-0b9d-4d6e-9a41-3c2b7e5d8f10';
  const vendorRoot = ca('Test TPM vendor root');
  const intermediateKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const intermediateName = name(['2.5.4.6', 'AA'], ['2.5.4.10', 'mfakit tests'], ['2.5.4.3', 'Test TPM intermediate']);
  const intermediate = certificate({ subject: intermediateName, issuer: vendorRoot.subject, publicKey: intermediateKeys.publicKey, signingKey: vendorRoot.keys.privateKey, extensions: caExtensions(0) });
  const challenge = new Uint8Array(32).fill(9);
  const expectations = { expectedChallenge: challenge, expectedOrigin: 'https://example.org', expectedRpId: 'example.org', algorithms: [-7, -257], now };

  const u16 = (n: number) => [n >> 8, n & 255];
  const u32 = (n: number) => [(n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const sized = (b: Uint8Array | number[]) => [...u16(b.length), ...b];

  function coseOf(key: KeyObject): Uint8Array {
    const jwk = key.export({ format: 'jwk' });
    return encodeCbor(new Map<number, any>([[1, 3], [3, -257], [-1, fromB64u(jwk.n!)], [-2, fromB64u(jwk.e!)]]));
  }

  /** A TPM 2.0 statement: pubArea for an RSA credential, certInfo signed by an AIK the intermediate certifies. */
  function tpm(options: { withIntermediate?: boolean; certifiedAaguid?: string } = {}) {
    const credential = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const aik = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cose = coseOf(credential.publicKey);
    const credentialId = sha256(cose);
    const authData = new Uint8Array([...sha256(new TextEncoder().encode('example.org')), 0x45, 0, 0, 0, 0, ...aaguidBytes(AAGUID), 0, credentialId.length, ...credentialId, ...cose]);
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.create', challenge: b64u(challenge), origin: 'https://example.org' }));
    const clientDataHash = sha256(clientDataJSON);
    const pubArea = Uint8Array.from([
      ...u16(0x0001), ...u16(0x000b), ...u32(0x00060472), ...sized([]),
      ...u16(0x0010), ...u16(0x0010), ...u16(2048), ...u32(0),
      ...sized(fromB64u(credential.publicKey.export({ format: 'jwk' }).n!)),
    ]);
    const certInfo = Uint8Array.from([
      ...u32(0xff544347), ...u16(0x8017),
      ...sized([]),
      ...sized(sha256(new Uint8Array([...authData, ...clientDataHash]))),
      ...new Uint8Array(17), ...new Uint8Array(8),
      ...sized([...u16(0x000b), ...sha256(pubArea)]),
      ...sized([]),
    ]);
    const san = seq(explicit(4, seq(set(seq(oid('2.23.133.2.1'), utf8('id:FFFFF1D0'))), set(seq(oid('2.23.133.2.2'), utf8('NPCT6xx'))), set(seq(oid('2.23.133.2.3'), utf8('id:0007'))))));
    const aikCert = certificate({
      subject: seq(),
      issuer: intermediateName,
      publicKey: aik.publicKey,
      signingKey: intermediateKeys.privateKey,
      extensions: [
        ['2.5.29.19', true, seq()],
        ['2.5.29.17', true, san],
        ['2.5.29.37', false, seq(oid('2.23.133.8.3'))],
        ['1.3.6.1.4.1.45724.1.1.4', false, octet(aaguidBytes(options.certifiedAaguid ?? AAGUID))],
      ],
    });
    const sig = new Uint8Array(sign('sha256', certInfo, aik.privateKey));
    const x5c = options.withIntermediate === false ? [aikCert] : [aikCert, intermediate];
    const attStmt = new Map<string, any>([['ver', '2.0'], ['alg', -257], ['x5c', x5c], ['sig', sig], ['certInfo', certInfo], ['pubArea', pubArea]]);
    return registrationResponse(credentialId, clientDataJSON, encodeCbor(new Map<string, any>([['fmt', 'tpm'], ['attStmt', attStmt], ['authData', authData]])));
  }

  it('AIK -> intermediate -> the vendor root the entry lists: trusted and named under requireListedAuthenticator', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'mfakit Test TPM 2.0', roots: [vendorRoot.der] }]);
    expect(await verifyWebAuthnRegistration(tpm(), { ...expectations, metadata, requireListedAuthenticator: true })).toMatchObject({
      ok: true,
      credential: { aaguid: AAGUID, attestationFormat: 'tpm', attestationType: 'attca', attestationTrusted: true, authenticatorName: 'mfakit Test TPM 2.0', algorithm: -257 },
    });
  });

  it('the intermediate left out of x5c: no path to the listed root, refused', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'mfakit Test TPM 2.0', roots: [vendorRoot.der] }]);
    expect(await verifyWebAuthnRegistration(tpm({ withIntermediate: false }), { ...expectations, metadata, requireListedAuthenticator: true })).toEqual({ ok: false, reason: 'attestation-untrusted' });
  });

  it('the entry lists the intermediate itself as a root: the chain ends there and is trusted', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'mfakit Test TPM 2.0', roots: [intermediate] }]);
    expect(await verifyWebAuthnRegistration(tpm(), { ...expectations, metadata, requireListedAuthenticator: true })).toMatchObject({ ok: true, credential: { attestationTrusted: true } });
  });

  it('an AIK certificate that names another AAGUID is refused before any metadata lookup', async () => {
    const metadata = await metadataFor([{ aaguid: AAGUID, description: 'mfakit Test TPM 2.0', roots: [vendorRoot.der] }]);
    expect(await verifyWebAuthnRegistration(tpm({ certifiedAaguid: '00000000-0000-4000-8000-000000000000' }), { ...expectations, metadata })).toEqual({
      ok: false,
      reason: 'attestation-aaguid-mismatch',
    });
  });
});
