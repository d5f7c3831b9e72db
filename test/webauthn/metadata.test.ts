// FIDO Metadata Service (MDS3) offline: a test root CA and an MDS signing certificate generated
// here sign small MDS3 blobs (ES256 and RS256 JWTs); mfakit verifies the signature and the x5c
// chain up to the given root at an injected time, parses the entries, names authenticators, checks
// their status, and trusts packed attestation chains that reach the entry's roots. The real FIDO
// MDS3 root (GlobalSign Root CA - R3, test/vectors/fido-mds/) is parsed too.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createMfaService, isMfaError } from '../../src/index.js';
import { certificateBasicConstraints, parseX509Certificate } from '../../src/internal/asn1/x509.js';
import {
  findFidoMetadataEntry,
  isFidoAuthenticatorRevoked,
  verifyFidoMetadataBlob,
  verifyWebAuthnRegistration,
  type FidoMetadata,
} from '../../src/webauthn/index.js';
import { b64u, fromB64u, registrationResponse } from './helpers/build.js';
import { encodeCbor } from './helpers/cbor-encode.js';
import { bool, certificate, explicit, int, name, octet, seq, set, sha256, tlv } from './helpers/der-encode.js';

const NOW = Date.UTC(2026, 0, 1);
const now = () => NOW;
const caExtensions: [string, boolean, Uint8Array][] = [
  ['2.5.29.19', true, seq(bool(true))],
  ['2.5.29.15', true, tlv(3, Uint8Array.of(1, 0x06))],
];

function ca(commonName: string, keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })) {
  const subject = name(['2.5.4.6', 'AA'], ['2.5.4.10', 'mfakit tests'], ['2.5.4.3', commonName]);
  return { keys, subject, der: certificate({ subject, issuer: subject, publicKey: keys.publicKey, signingKey: keys.privateKey, extensions: caExtensions }) };
}

// The metadata service's root and its signing certificate (a leaf, as FIDO's is).
const mdsRoot = ca('Test MDS root');
const signerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signerName = name(['2.5.4.3', 'Test MDS signer']);
const signer = certificate({ subject: signerName, issuer: mdsRoot.subject, publicKey: signerKeys.publicKey, signingKey: mdsRoot.keys.privateKey });

// An authenticator vendor's attestation root, listed in the metadata entry.
const vendorRoot = ca('Test vendor attestation root');
const otherVendorRoot = ca('Another vendor root');

const AAGUID = '11223344-5566-7788-99aa-bbccddeeff00';
const REVOKED_AAGUID = 'deadbeef-0000-4000-8000-000000000001';
const aaguidBytes = (uuid: string) => Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));

const entries = [
  {
    aaguid: AAGUID,
    metadataStatement: { aaguid: AAGUID, description: 'mfakit Test Key 5 NFC', attestationRootCertificates: [Buffer.from(vendorRoot.der).toString('base64')] },
    statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-03-01' }],
    timeOfLastStatusChange: '2024-03-01',
  },
  {
    aaguid: REVOKED_AAGUID,
    metadataStatement: { aaguid: REVOKED_AAGUID, description: 'mfakit Leaky Key', attestationRootCertificates: [Buffer.from(vendorRoot.der).toString('base64')] },
    statusReports: [{ status: 'FIDO_CERTIFIED_L1', effectiveDate: '2023-01-01' }, { status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2025-06-01' }],
  },
  // A FIDO U2F entry: keyed by attestation key identifiers, no AAGUID.
  { attestationCertificateKeyIdentifiers: ['0123456789abcdef0123456789abcdef01234567'], metadataStatement: { description: 'U2F key', attestationRootCertificates: [] }, statusReports: [] },
];

const text = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(options: { alg?: string; key?: KeyObject; chain?: Uint8Array[]; payload?: unknown } = {}): string {
  const alg = options.alg ?? 'ES256';
  const header = text({ alg, typ: 'JWT', x5c: (options.chain ?? [signer]).map((der) => Buffer.from(der).toString('base64')) });
  const payload = text(options.payload ?? { legalHeader: 'test', no: 42, nextUpdate: '2026-02-01', entries });
  const data = Buffer.from(`${header}.${payload}`);
  const key = options.key ?? signerKeys.privateKey;
  const signature = key.asymmetricKeyType === 'rsa' ? sign('sha256', data, key) : sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${Buffer.from(signature).toString('base64url')}`;
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; reason: unknown; chain: unknown }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!isMfaError(error)) throw new Error(`expected an MfaError, got ${String(error)}`);
  return { code: error.code, reason: error.details?.['reason'], chain: error.details?.['chain'] };
}

describe('verifyFidoMetadataBlob', () => {
  it('ES256 blob chained to the given root: serial, nextUpdate and the AAGUID entries (U2F entries left out)', async () => {
    const metadata = await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now });
    expect(metadata.serial).toBe(42);
    expect(metadata.nextUpdate).toBe(Date.UTC(2026, 1, 1));
    expect([...metadata.entries.keys()]).toEqual([AAGUID, REVOKED_AAGUID]);
    const entry = findFidoMetadataEntry(metadata, AAGUID.toUpperCase())!;
    expect(entry.description).toBe('mfakit Test Key 5 NFC');
    expect(entry.attestationRootCertificates.map((der) => Buffer.from(der).equals(Buffer.from(vendorRoot.der)))).toEqual([true]);
    expect(isFidoAuthenticatorRevoked(entry)).toBe(false);
    expect(isFidoAuthenticatorRevoked(findFidoMetadataEntry(metadata, REVOKED_AAGUID)!)).toBe(true);
    expect(findFidoMetadataEntry(metadata, '00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('RS256 blob signed by an RSA signer under an RSA root', async () => {
    const rsaRoot = ca('Test MDS RSA root', generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const rsaSignerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaSigner = certificate({ subject: signerName, issuer: rsaRoot.subject, publicKey: rsaSignerKeys.publicKey, signingKey: rsaRoot.keys.privateKey });
    const metadata = await verifyFidoMetadataBlob(jwt({ alg: 'RS256', key: rsaSignerKeys.privateKey, chain: [rsaSigner] }), [rsaRoot.der], { now });
    expect(metadata.entries.size).toBe(2);
  });

  it('refused: another root, a chain expired at the clock, a tampered payload, a wrong signer, alg none/HS256, malformed input', async () => {
    expect(await rejection(verifyFidoMetadataBlob(jwt(), otherVendorRoot.der, { now }))).toMatchObject({ code: 'INVALID_METADATA', reason: 'chain', chain: 'no-trusted-root' });
    const expiredSigner = certificate({ subject: signerName, issuer: mdsRoot.subject, publicKey: signerKeys.publicKey, signingKey: mdsRoot.keys.privateKey, notAfter: new Date(Date.UTC(2025, 5, 1)) });
    expect(await rejection(verifyFidoMetadataBlob(jwt({ chain: [expiredSigner] }), mdsRoot.der, { now }))).toMatchObject({ reason: 'chain', chain: 'expired' });
    // The same blob is good at a time the signer was valid: the injected clock decides.
    await expect(verifyFidoMetadataBlob(jwt({ chain: [expiredSigner] }), mdsRoot.der, { now: () => Date.UTC(2025, 0, 1) })).resolves.toMatchObject({ serial: 42 });

    const [h, , s] = jwt().split('.');
    const tampered = `${h}.${text({ legalHeader: 'test', no: 43, nextUpdate: '2026-02-01', entries })}.${s}`;
    expect(await rejection(verifyFidoMetadataBlob(tampered, mdsRoot.der, { now }))).toMatchObject({ reason: 'signature' });
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(await rejection(verifyFidoMetadataBlob(jwt({ key: otherKey }), mdsRoot.der, { now }))).toMatchObject({ reason: 'signature' });
    for (const alg of ['none', 'HS256', 'ES384']) {
      expect(await rejection(verifyFidoMetadataBlob(jwt({ alg }), mdsRoot.der, { now }))).toMatchObject({ code: 'INVALID_METADATA', reason: 'algorithm' });
    }
    for (const blob of ['', 'a.b', 'a.b.c.d', '!!.??.**', `${text({ alg: 'ES256' })}.${text({})}.AA`]) {
      expect(await rejection(verifyFidoMetadataBlob(blob, mdsRoot.der, { now }))).toMatchObject({ code: 'INVALID_METADATA', reason: 'malformed' });
    }
    const noEntries = jwt({ payload: { no: 1, nextUpdate: '2026-02-01' } });
    expect(await rejection(verifyFidoMetadataBlob(noEntries, mdsRoot.der, { now }))).toMatchObject({ reason: 'malformed' });
    const badRoot = jwt({ payload: { no: 1, nextUpdate: '2026-02-01', entries: [{ aaguid: AAGUID, metadataStatement: { description: 'x', attestationRootCertificates: ['AAAA'] } }] } });
    expect(await rejection(verifyFidoMetadataBlob(badRoot, mdsRoot.der, { now }))).toMatchObject({ reason: 'malformed' });
  });

  it('the real FIDO MDS3 root (GlobalSign Root CA - R3) parses: subject, validity, a CA; a blob not under it is refused', async () => {
    const pem = readFileSync(new URL('../vectors/fido-mds/globalsign-root-ca-r3.pem', import.meta.url), 'utf8');
    const der = Uint8Array.from(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64'));
    const root = parseX509Certificate(der);
    expect(root.subjectAttributes.get('2.5.4.11')).toBe('GlobalSign Root CA - R3');
    expect(root.subjectAttributes.get('2.5.4.10')).toBe('GlobalSign');
    expect(root.subjectAttributes.get('2.5.4.3')).toBe('GlobalSign');
    expect(root.notBefore).toBe(Date.UTC(2009, 2, 18, 10));
    expect(root.notAfter).toBe(Date.UTC(2029, 2, 18, 10));
    expect(root.publicKeyAlgorithm).toBe('1.2.840.113549.1.1.1');
    expect(certificateBasicConstraints(root)).toMatchObject({ ca: true });
    expect(await rejection(verifyFidoMetadataBlob(jwt(), der, { now }))).toMatchObject({ reason: 'chain', chain: 'no-trusted-root' });
  });
});

// A packed attestation with a full chain: leaf (AAGUID extension) signed by a vendor root.
const challenge = new Uint8Array(32).fill(7);

function coseOf(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return encodeCbor(new Map<number, any>([[1, 2], [3, -7], [-1, 1], [-2, fromB64u(jwk.x!)], [-3, fromB64u(jwk.y!)]]));
}

function packed(aaguid: string, root = vendorRoot, options: { challenge?: Uint8Array; rpId?: string } = {}) {
  const credential = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attestationKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = certificate({
    subject: name(['2.5.4.6', 'AA'], ['2.5.4.10', 'mfakit tests'], ['2.5.4.11', 'Authenticator Attestation'], ['2.5.4.3', 'Test Key attestation']),
    issuer: root.subject,
    publicKey: attestationKeys.publicKey,
    signingKey: root.keys.privateKey,
    extensions: [['1.3.6.1.4.1.45724.1.1.4', false, octet(aaguidBytes(aaguid))], ['2.5.29.19', true, seq()]],
  });
  const cose = coseOf(credential.publicKey);
  const credentialId = sha256(cose);
  const authData = new Uint8Array([...sha256(new TextEncoder().encode(options.rpId ?? 'example.org')), 0x45, 0, 0, 0, 0, ...aaguidBytes(aaguid), 0, credentialId.length, ...credentialId, ...cose]);
  const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.create', challenge: b64u(options.challenge ?? challenge), origin: 'https://example.org' }));
  const sig = new Uint8Array(sign('sha256', new Uint8Array([...authData, ...sha256(clientDataJSON)]), attestationKeys.privateKey));
  const attStmt = new Map<string, any>([['alg', -7], ['sig', sig], ['x5c', [leaf]]]);
  return registrationResponse(credentialId, clientDataJSON, encodeCbor(new Map<string, any>([['fmt', 'packed'], ['attStmt', attStmt], ['authData', authData]])));
}

const expectations = { expectedChallenge: challenge, expectedOrigin: 'https://example.org', expectedRpId: 'example.org', now };

describe('registration with metadata', () => {
  let metadata: FidoMetadata;
  const load = async () => (metadata ??= await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now }));

  it('names the authenticator and trusts a packed chain that reaches the entry root (no attestationRoots given)', async () => {
    const result = await verifyWebAuthnRegistration(packed(AAGUID), { ...expectations, metadata: await load() });
    expect(result).toMatchObject({ ok: true, credential: { aaguid: AAGUID, authenticatorName: 'mfakit Test Key 5 NFC', attestationFormat: 'packed', attestationType: 'basic', attestationTrusted: true } });
    // Without metadata: as before (valid, untrusted, unnamed).
    const plain = await verifyWebAuthnRegistration(packed(AAGUID), expectations);
    expect(plain).toMatchObject({ ok: true, credential: { attestationTrusted: false } });
    expect(plain.ok && plain.credential.authenticatorName).toBe(undefined);
  });

  it('a chain to a root the entry does not list is not trusted by the metadata', async () => {
    const result = await verifyWebAuthnRegistration(packed(AAGUID, otherVendorRoot), { ...expectations, metadata: await load() });
    expect(result).toMatchObject({ ok: true, credential: { authenticatorName: 'mfakit Test Key 5 NFC', attestationTrusted: false } });
  });

  it('requireListedAuthenticator: listed and good passes; revoked, unlisted, or chained elsewhere is refused; without metadata it is misuse', async () => {
    const strict = { ...expectations, metadata: await load(), requireListedAuthenticator: true };
    expect(await verifyWebAuthnRegistration(packed(AAGUID), strict)).toMatchObject({ ok: true });
    expect(await verifyWebAuthnRegistration(packed(REVOKED_AAGUID), strict)).toEqual({ ok: false, reason: 'authenticator-revoked' });
    expect(await verifyWebAuthnRegistration(packed('99999999-9999-4999-8999-999999999999'), strict)).toEqual({ ok: false, reason: 'authenticator-not-listed' });
    expect(await verifyWebAuthnRegistration(packed(AAGUID, otherVendorRoot), strict)).toEqual({ ok: false, reason: 'attestation-untrusted' });
    const error = await verifyWebAuthnRegistration(packed(AAGUID), { ...expectations, requireListedAuthenticator: true }).catch((e: unknown) => e);
    expect(isMfaError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('service: webauthn.metadata', () => {
  function service(webauthn: Record<string, unknown>) {
    return createMfaService({
      issuer: 'ACME Cloud',
      store: createMemoryStore(),
      now,
      keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
      backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
      webauthn: { rpId: 'example.org', origins: ['https://example.org'], ...webauthn },
    });
  }

  it('factor summaries carry the authenticator name; requireListedAuthenticator refuses a revoked model; without metadata no name', async () => {
    const s = service({ metadata: await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now }), requireListedAuthenticator: true });
    const start = await s.startWebAuthnRegistration('user-1', { name: 'Desk key' });
    const done = await s.finishWebAuthnRegistration('user-1', start.enrolmentId, packed(AAGUID, vendorRoot, { challenge: fromB64u(start.options.challenge) }));
    expect(done).toMatchObject({ ok: true, factor: { name: 'Desk key', authenticatorName: 'mfakit Test Key 5 NFC' } });
    const listed = await s.listFactors('user-1');
    expect(listed.find((f) => f.kind === 'webauthn')).toMatchObject({ name: 'Desk key', authenticatorName: 'mfakit Test Key 5 NFC' });

    // The first factor's registration returns a step-up grant; the second registration needs it.
    if (!done.ok || done.stepUp === null) throw new Error('expected a step-up grant with the first factor');
    const revoked = await s.startWebAuthnRegistration('user-1', { name: 'Leaky', stepUpToken: done.stepUp.token });
    const refused = await s.finishWebAuthnRegistration('user-1', revoked.enrolmentId, packed(REVOKED_AAGUID, vendorRoot, { challenge: fromB64u(revoked.options.challenge) }));
    expect(refused).toEqual({ ok: false, reason: 'authenticator-revoked' });

    const plain = service({});
    const p = await plain.startWebAuthnRegistration('user-2');
    await plain.finishWebAuthnRegistration('user-2', p.enrolmentId, packed(AAGUID, vendorRoot, { challenge: fromB64u(p.options.challenge) }));
    const summary = (await plain.listFactors('user-2')).find((f) => f.kind === 'webauthn');
    expect(summary).toBeDefined();
    expect(summary).not.toHaveProperty('authenticatorName');
  });

  it("with metadata the creation options ask for 'direct' attestation (under 'none' browsers zero the AAGUID, so no model could be named); without, 'none'", async () => {
    const metadata = await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now });
    expect((await service({ metadata }).startWebAuthnRegistration('user-1')).options.attestation).toBe('direct');
    expect((await service({ metadata, requireListedAuthenticator: true }).startWebAuthnRegistration('user-1')).options.attestation).toBe('direct');
    expect((await service({}).startWebAuthnRegistration('user-1')).options.attestation).toBe('none');
  });

  it('webauthn.attestationConveyance chooses the preference the creation options ask for, with or without metadata', async () => {
    const metadata = await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now });
    for (const conveyance of ['none', 'indirect', 'direct', 'enterprise'] as const) {
      expect((await service({ metadata, attestationConveyance: conveyance }).startWebAuthnRegistration('user-1')).options.attestation).toBe(conveyance);
      expect((await service({ attestationConveyance: conveyance }).startWebAuthnRegistration('user-1')).options.attestation).toBe(conveyance);
    }
    // Opted out of attestation, a registration with metadata still completes and still names a model whose AAGUID comes through.
    const s = service({ metadata, attestationConveyance: 'none' });
    const start = await s.startWebAuthnRegistration('user-2', { name: 'Desk key' });
    const done = await s.finishWebAuthnRegistration('user-2', start.enrolmentId, packed(AAGUID, vendorRoot, { challenge: fromB64u(start.options.challenge) }));
    expect(done).toMatchObject({ ok: true, factor: { name: 'Desk key', authenticatorName: 'mfakit Test Key 5 NFC' } });
  });

  it('webauthn.attestationConveyance: anything but the four preferences, and none with requireListedAuthenticator, is MfaError INVALID_OPTION at creation', async () => {
    const metadata = await verifyFidoMetadataBlob(jwt(), mdsRoot.der, { now });
    const creationError = (webauthn: Record<string, unknown>): unknown => {
      try {
        service(webauthn);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const bad of ['Direct', 'self', '', 1, null, true, ['direct'], {}]) {
      const error = creationError({ metadata, attestationConveyance: bad });
      expect(isMfaError(error) && error.code, JSON.stringify(bad)).toBe('INVALID_OPTION');
      expect((error as Error).message).toContain('webauthn.attestationConveyance');
    }
    // Under 'none' browsers zero the AAGUID, so no registration could pass the listed-authenticator check.
    const contradiction = creationError({ metadata, requireListedAuthenticator: true, attestationConveyance: 'none' });
    expect(isMfaError(contradiction) && contradiction.code).toBe('INVALID_OPTION');
    expect((contradiction as Error).message).toContain('requireListedAuthenticator');
  });
});

describe('metadata with android-key attestation', () => {
  // Android key attestation through an intermediate CA whose root the entry lists.
  const ANDROID_AAGUID = 'b93fd961-f2e6-462f-b122-82002247de78';
  const androidRoot = ca('Test Android attestation root');
  const intermediateKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const intermediateName = name(['2.5.4.3', 'Test Android intermediate']);
  const intermediate = certificate({ subject: intermediateName, issuer: androidRoot.subject, publicKey: intermediateKeys.publicKey, signingKey: androidRoot.keys.privateKey, extensions: [['2.5.29.19', true, seq(bool(true), int(0))]] });

  function android() {
    const credential = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cose = coseOf(credential.publicKey);
    const credentialId = sha256(cose);
    const authData = new Uint8Array([...sha256(new TextEncoder().encode('example.org')), 0x45, 0, 0, 0, 0, ...aaguidBytes(ANDROID_AAGUID), 0, credentialId.length, ...credentialId, ...cose]);
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.create', challenge: b64u(challenge), origin: 'https://example.org' }));
    const clientDataHash = sha256(clientDataJSON);
    const description = seq(int(3), int(1, 10), int(4), int(1, 10), octet(clientDataHash), octet(new Uint8Array(0)), seq(), seq(explicit(1, set(int(2))), explicit(702, int(0))));
    const leaf = certificate({ subject: name(['2.5.4.3', 'Android Keystore Key']), issuer: intermediateName, publicKey: credential.publicKey, signingKey: intermediateKeys.privateKey, extensions: [['1.3.6.1.4.1.11129.2.1.17', false, description]] });
    const sig = new Uint8Array(sign('sha256', new Uint8Array([...authData, ...clientDataHash]), credential.privateKey));
    const attStmt = new Map<string, any>([['alg', -7], ['sig', sig], ['x5c', [leaf, intermediate]]]);
    return registrationResponse(credentialId, clientDataJSON, encodeCbor(new Map<string, any>([['fmt', 'android-key'], ['attStmt', attStmt], ['authData', authData]])));
  }

  const blobWith = (root: Uint8Array) =>
    jwt({ payload: { no: 7, nextUpdate: '2026-02-01', entries: [{ aaguid: ANDROID_AAGUID, metadataStatement: { description: 'Test Android phone', attestationRootCertificates: [Buffer.from(root).toString('base64')] }, statusReports: [{ status: 'FIDO_CERTIFIED' }] }] } });

  it('an android-key chain through an intermediate to the entry root is trusted and passes requireListedAuthenticator; another root is not', async () => {
    const metadata = await verifyFidoMetadataBlob(blobWith(androidRoot.der), mdsRoot.der, { now });
    expect(await verifyWebAuthnRegistration(android(), { ...expectations, metadata, requireListedAuthenticator: true })).toMatchObject({
      ok: true,
      credential: { attestationFormat: 'android-key', attestationTrusted: true, authenticatorName: 'Test Android phone' },
    });
    const elsewhere = await verifyFidoMetadataBlob(blobWith(vendorRoot.der), mdsRoot.der, { now });
    expect(await verifyWebAuthnRegistration(android(), { ...expectations, metadata: elsewhere, requireListedAuthenticator: true })).toEqual({ ok: false, reason: 'attestation-untrusted' });
  });
});

describe('verifyFidoMetadataBlob under fuzzing: resolves or throws MfaError, nothing else', () => {
  const settle = async (blob: string) => {
    try {
      await verifyFidoMetadataBlob(blob, mdsRoot.der, { now });
    } catch (error) {
      if (!isMfaError(error)) throw error;
    }
  };

  it('arbitrary strings and dotted base64url parts', async () => {
    const part = fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 3 }).map(text));
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.tuple(part, part, part).map((p) => p.join('.'))), settle), { numRuns: 300 });
  });

  it('correctly signed blobs with arbitrary payloads (the parser behind the signature)', async () => {
    const entry = fc.record({
      aaguid: fc.oneof(fc.constant(AAGUID), fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 1 })),
      metadataStatement: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ description: fc.jsonValue({ maxDepth: 1 }), attestationRootCertificates: fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 2 }) })),
      statusReports: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.record({ status: fc.jsonValue({ maxDepth: 1 }) }), { maxLength: 2 })),
    }, { requiredKeys: [] });
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ no: fc.jsonValue({ maxDepth: 1 }), nextUpdate: fc.oneof(fc.constant('2026-02-01'), fc.string({ maxLength: 12 })), entries: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(entry, { maxLength: 3 })) }, { requiredKeys: [] }),
    );
    await fc.assert(fc.asyncProperty(payload, (p) => settle(jwt({ payload: p }))), { numRuns: 200 });
  });
});
