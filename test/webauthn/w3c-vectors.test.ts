// Every registration and authentication example of the W3C WebAuthn Level 3 "Test Vectors"
// section (test/vectors/webauthn/, SOURCE.txt names the commit) verifies with mfakit, with the
// attestation root of the section as the trust anchor.
import { describe, expect, it } from 'vitest';
import { decodeCbor, verifyWebAuthnAuthentication, verifyWebAuthnRegistration } from '../../src/webauthn/index.js';
import type { CborMap } from '../../src/webauthn/index.js';
import { authenticationResponse, b64u, hex, registrationResponse } from './helpers/build.js';
import { w3cAttestationRoot, w3cExamples } from './helpers/vectors.js';

const examples = w3cExamples();
const root = hex(w3cAttestationRoot());
const ALL_ALGORITHMS = [-7, -35, -36, -8, -53, -257];
const base = { expectedOrigin: 'https://example.org', expectedRpId: 'example.org', algorithms: ALL_ALGORITHMS, allowCrossOrigin: true };
// The Android example's key description has empty authorisation lists (no origin, no purpose), so
// it verifies only with the list check switched off; the default ('tee') refuses it (tested below).
const androidKeyAuthorizations = 'unchecked' as const;
// The attestation certificates of the section are valid from 2024 on.
const now = () => Date.UTC(2025, 0, 1);

describe('W3C WebAuthn L3 test vectors', () => {
  it('has all the examples of the section', () => {
    expect(examples.map((e) => e.id)).toEqual([
      'sctn-test-vectors-none-es256',
      'sctn-test-vectors-packed-self-es256',
      'sctn-test-vectors-none-es256-crossOrigin',
      'sctn-test-vectors-none-es256-topOrigin',
      'sctn-test-vectors-none-es256-long-credential-id',
      'sctn-test-vectors-packed-es256',
      'sctn-test-vectors-packed-es384',
      'sctn-test-vectors-packed-es512',
      'sctn-test-vectors-packed-rs256',
      'sctn-test-vectors-packed-eddsa',
      'sctn-test-vectors-packed-ed448',
      'sctn-test-vectors-tpm-es256',
      'sctn-test-vectors-android-key-es256',
      'sctn-test-vectors-apple-es256',
      'sctn-test-vectors-fido-u2f-es256',
    ]);
  });

  for (const example of examples) {
    it(`${example.title}: registration then authentication verify`, async () => {
      const reg = example.registration;
      const auth = example.authentication;
      const credentialId = hex(reg.credential_id!);
      const registration = await verifyWebAuthnRegistration(
        registrationResponse(credentialId, hex(reg.clientDataJSON!), hex(reg.attestationObject!)),
        { ...base, expectedChallenge: hex(reg.challenge!), attestationRoots: [root], requireTrustedAttestation: !example.id.includes('none') && !example.id.includes('self'), now, androidKeyAuthorizations },
      );
      expect(registration).toMatchObject({ ok: true });
      if (!registration.ok) return;
      const fmt = (decodeCbor(hex(reg.attestationObject!)) as CborMap).get('fmt');
      expect(registration.credential.attestationFormat).toBe(fmt);
      expect(registration.credential.id).toBe(b64u(credentialId));
      expect(registration.credential.aaguid.replaceAll('-', '')).toBe(reg.aaguid);

      const result = await verifyWebAuthnAuthentication(
        authenticationResponse(credentialId, hex(auth.clientDataJSON!), hex(auth.authenticatorData!), hex(auth.signature!)),
        { id: registration.credential.id, publicKey: registration.credential.publicKey, counter: registration.credential.counter, backupEligible: registration.credential.backupEligible },
        // The examples' counters stay 0, which is allowed (an authenticator without a counter).
        { ...base, expectedChallenge: hex(auth.challenge!) },
      );
      expect(result).toMatchObject({ ok: true, possibleClone: false });
    });
  }

  it('android-key: the default policy refuses empty authorisation lists', async () => {
    const reg = examples.find((e) => e.id === 'sctn-test-vectors-android-key-es256')!.registration;
    const result = await verifyWebAuthnRegistration(registrationResponse(hex(reg.credential_id!), hex(reg.clientDataJSON!), hex(reg.attestationObject!)), {
      ...base,
      expectedChallenge: hex(reg.challenge!),
    });
    expect(result).toEqual({ ok: false, reason: 'attestation-certificate-invalid' });
  });

  it('attested examples are untrusted without the root, and refused when trust is required', async () => {
    const reg = examples.find((e) => e.id === 'sctn-test-vectors-packed-es256')!.registration;
    const response = registrationResponse(hex(reg.credential_id!), hex(reg.clientDataJSON!), hex(reg.attestationObject!));
    const untrusted = await verifyWebAuthnRegistration(response, { ...base, expectedChallenge: hex(reg.challenge!), now });
    expect(untrusted).toMatchObject({ ok: true, credential: { attestationTrusted: false, attestationType: 'basic' } });
    const required = await verifyWebAuthnRegistration(response, { ...base, expectedChallenge: hex(reg.challenge!), now, requireTrustedAttestation: true });
    expect(required).toEqual({ ok: false, reason: 'attestation-untrusted' });
    const expired = await verifyWebAuthnRegistration(response, {
      ...base, expectedChallenge: hex(reg.challenge!), attestationRoots: [root], requireTrustedAttestation: true, now: () => Date.UTC(2023, 0, 1),
    });
    expect(expired).toEqual({ ok: false, reason: 'attestation-untrusted' });
  });

  it('refuses a credential ID one byte over the 1023-byte limit', async () => {
    const example = examples.find((e) => e.id === 'sctn-test-vectors-none-es256-long-credential-id')!;
    const reg = example.registration;
    const object = decodeCbor(hex(reg.attestationObject!)) as CborMap;
    const authData = object.get('authData') as Uint8Array;
    // authData: rpIdHash(32) flags(1) counter(4) aaguid(16) idLength(2) id(1023) key
    const longId = new Uint8Array(1024).fill(7);
    const rebuilt = new Uint8Array(authData.length + 1);
    rebuilt.set(authData.subarray(0, 53));
    rebuilt[53] = 0x04;
    rebuilt[54] = 0x00;
    rebuilt.set(longId, 55);
    rebuilt.set(authData.subarray(55 + 1023), 55 + 1024);
    // attestationObject {fmt: "none", attStmt: {}, authData: bytes(len)} re-encoded by hand.
    const header = hex('a363666d74646e6f6e656761747453746d74a068617574684461746159');
    const attestationObject = new Uint8Array([...header, rebuilt.length >> 8, rebuilt.length & 255, ...rebuilt]);
    const result = await verifyWebAuthnRegistration(registrationResponse(longId, hex(reg.clientDataJSON!), attestationObject), {
      ...base,
      expectedChallenge: hex(reg.challenge!),
    });
    expect(result).toEqual({ ok: false, reason: 'credential-id-too-long' });
  });
});
