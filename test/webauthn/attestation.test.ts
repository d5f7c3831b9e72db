// Attestation statement refusals, one per format, made by changing one thing in a W3C example
// (test/vectors/webauthn/): clientDataJSON changed (so clientDataHash no longer matches what the
// statement binds), statement fields swapped, and the certificate path checks.
import { describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import { verifyCertificatePath } from '../../src/internal/asn1/chain.js';
import { parseX509Certificate } from '../../src/internal/asn1/x509.js';
import { decodeCbor, verifyWebAuthnRegistration, type CborMap } from '../../src/webauthn/index.js';
import { hex, registrationResponse } from './helpers/build.js';
import { encodeCbor } from './helpers/cbor-encode.js';
import { w3cAttestationRoot, w3cExamples } from './helpers/vectors.js';

const examples = w3cExamples();
const root = hex(w3cAttestationRoot());
const now = () => Date.UTC(2025, 0, 1);
const options = {
  expectedChallenge: () => true,
  expectedOrigin: 'https://example.org',
  expectedRpId: 'example.org',
  algorithms: [-7, -35, -36, -8, -53, -257],
  androidKeyAuthorizations: 'unchecked' as const,
  attestationRoots: [root],
  now,
};

function example(id: string) {
  const reg = examples.find((e) => e.id === id)!.registration;
  return { reg, object: decodeCbor(hex(reg.attestationObject!)) as CborMap };
}

function withClientDataExtra(id: string) {
  const { reg } = example(id);
  const json = JSON.parse(Buffer.from(hex(reg.clientDataJSON!)).toString());
  json.extra = 'changed';
  return registrationResponse(hex(reg.credential_id!), new TextEncoder().encode(JSON.stringify(json)), hex(reg.attestationObject!));
}

function withStatement(id: string, change: (stmt: CborMap) => void) {
  const { reg, object } = example(id);
  change(object.get('attStmt') as CborMap);
  return registrationResponse(hex(reg.credential_id!), hex(reg.clientDataJSON!), encodeCbor(object as any));
}

describe('attestation statements bind the client data', () => {
  const cases: [string, string][] = [
    ['sctn-test-vectors-packed-self-es256', 'attestation-signature-invalid'],
    ['sctn-test-vectors-packed-es256', 'attestation-signature-invalid'],
    ['sctn-test-vectors-packed-rs256', 'attestation-signature-invalid'],
    ['sctn-test-vectors-tpm-es256', 'attestation-challenge-mismatch'],
    ['sctn-test-vectors-android-key-es256', 'attestation-signature-invalid'],
    ['sctn-test-vectors-apple-es256', 'attestation-challenge-mismatch'],
    ['sctn-test-vectors-fido-u2f-es256', 'attestation-signature-invalid'],
  ];
  for (const [id, reason] of cases) {
    it(`${id}: changed clientDataJSON -> ${reason}`, async () => {
      expect(await verifyWebAuthnRegistration(withClientDataExtra(id), options)).toEqual({ ok: false, reason });
    });
  }
});

describe('attestation statement fields', () => {
  it('packed: alg that does not fit the certificate key', async () => {
    const response = withStatement('sctn-test-vectors-packed-es256', (s) => s.set('alg', -257));
    expect(await verifyWebAuthnRegistration(response, options)).toEqual({ ok: false, reason: 'attestation-algorithm-mismatch' });
  });

  it('packed self: alg other than the credential key alg', async () => {
    const response = withStatement('sctn-test-vectors-packed-self-es256', (s) => s.set('alg', -35));
    expect(await verifyWebAuthnRegistration(response, options)).toEqual({ ok: false, reason: 'attestation-algorithm-mismatch' });
  });

  it('tpm: a pubArea for another key', async () => {
    const response = withStatement('sctn-test-vectors-tpm-es256', (s) => {
      const pubArea = (s.get('pubArea') as Uint8Array).slice();
      pubArea[pubArea.length - 1]! ^= 1;
      s.set('pubArea', pubArea);
    });
    expect(await verifyWebAuthnRegistration(response, options)).toEqual({ ok: false, reason: 'attestation-key-mismatch' });
  });

  it('tpm: a tampered signature over certInfo', async () => {
    const response = withStatement('sctn-test-vectors-tpm-es256', (s) => {
      const sig = (s.get('sig') as Uint8Array).slice();
      sig[sig.length - 1]! ^= 1;
      s.set('sig', sig);
    });
    expect(await verifyWebAuthnRegistration(response, options)).toEqual({ ok: false, reason: 'attestation-signature-invalid' });
  });

  it('tpm: version other than 2.0 is malformed', async () => {
    const response = withStatement('sctn-test-vectors-tpm-es256', (s) => s.set('ver', '1.2'));
    await expect(verifyWebAuthnRegistration(response, options)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ATTESTATION'));
  });

  it('fido-u2f: two certificates are malformed', async () => {
    const response = withStatement('sctn-test-vectors-fido-u2f-es256', (s) => s.set('x5c', [...(s.get('x5c') as Uint8Array[]), root]));
    await expect(verifyWebAuthnRegistration(response, options)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ATTESTATION'));
  });

  it('none: a non-empty statement is malformed', async () => {
    const response = withStatement('sctn-test-vectors-none-es256', (s) => s.set('sig', new Uint8Array(4)));
    await expect(verifyWebAuthnRegistration(response, options)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ATTESTATION'));
  });

  it('apple: a certificate for another key', async () => {
    // Swap in the packed example's certificate: no Apple nonce extension.
    const packedCert = (example('sctn-test-vectors-packed-es256').object.get('attStmt') as CborMap).get('x5c') as Uint8Array[];
    const response = withStatement('sctn-test-vectors-apple-es256', (s) => s.set('x5c', packedCert));
    expect(await verifyWebAuthnRegistration(response, options)).toEqual({ ok: false, reason: 'attestation-certificate-invalid' });
  });
});

describe('certificate paths', () => {
  const leafDer = ((example('sctn-test-vectors-packed-es256').object.get('attStmt') as CborMap).get('x5c') as Uint8Array[])[0]!;
  const leaf = parseX509Certificate(leafDer);
  const ca = parseX509Certificate(root);

  it('a leaf chains to the root within validity', async () => {
    expect(await verifyCertificatePath([leaf], [ca], { now: now() })).toMatchObject({ ok: true });
    expect(await verifyCertificatePath([leaf, ca], [ca], { now: now() })).toMatchObject({ ok: true });
  });

  it('not before notBefore, not after notAfter, not to an unrelated root', async () => {
    expect(await verifyCertificatePath([leaf], [ca], { now: leaf.notBefore - 1000 })).toEqual({ ok: false, reason: 'not-yet-valid' });
    expect(await verifyCertificatePath([leaf], [ca], { now: leaf.notAfter + 1000 })).toEqual({ ok: false, reason: 'expired' });
    const other = parseX509Certificate(((example('sctn-test-vectors-tpm-es256').object.get('attStmt') as CborMap).get('x5c') as Uint8Array[])[0]!);
    expect(await verifyCertificatePath([leaf], [other], { now: now() })).toEqual({ ok: false, reason: 'no-trusted-root' });
    // A certificate the app pins as a root is trusted as itself.
    expect(await verifyCertificatePath([leaf], [leaf], { now: now() })).toMatchObject({ ok: true });
  });

  it('a leaf (CA false) cannot issue', async () => {
    expect(await verifyCertificatePath([ca, leaf], [], { now: now() })).toEqual({ ok: false, reason: 'not-a-ca' });
  });

  it('a tampered certificate signature is refused', async () => {
    const tampered = leafDer.slice();
    tampered[tampered.length - 3]! ^= 1;
    expect(await verifyCertificatePath([parseX509Certificate(tampered)], [ca], { now: now() })).toEqual({ ok: false, reason: 'no-trusted-root' });
  });
});
