// One negative test per verification step of registration (§7.1) and authentication (§7.2), made
// with a software authenticator so that exactly one thing is wrong each time.
import { describe, expect, it } from 'vitest';
import { isMfaError } from '../../src/errors.js';
import {
  createWebAuthnAuthenticationOptions,
  createWebAuthnRegistrationOptions,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnRegisteredCredential,
} from '../../src/webauthn/index.js';
import { FLAG, authenticate, createSoftwareCredential, register } from './helpers/authenticator.js';
import { b64u, fromB64u } from './helpers/build.js';
import { encodeCbor } from './helpers/cbor-encode.js';

const challenge = new Uint8Array(32).fill(9);
const expect_ = { expectedChallenge: challenge, expectedOrigin: 'https://example.org', expectedRpId: 'example.org' };

async function registered(alg: -7 | -8 = -7) {
  const cred = createSoftwareCredential(alg);
  const result = await verifyWebAuthnRegistration(register(cred, challenge), expect_);
  if (!result.ok) throw new Error(result.reason);
  return { cred, stored: result.credential };
}

function stored(credential: WebAuthnRegisteredCredential, counter = credential.counter) {
  return { id: credential.id, publicKey: credential.publicKey, counter, backupEligible: credential.backupEligible };
}

describe('options', () => {
  it('registration options carry a fresh ≥16-byte challenge, explicit algorithms and a 300 s timeout', () => {
    const a = createWebAuthnRegistrationOptions({ id: 'example.org', name: 'Example' }, { id: new Uint8Array(16).fill(1), name: 'alice' }, {
      excludeCredentials: [{ id: 'AAAA', transports: ['usb'] }],
    });
    const b = createWebAuthnRegistrationOptions({ id: 'example.org', name: 'Example' }, { id: new Uint8Array(16).fill(1), name: 'alice' });
    expect(fromB64u(a.challenge).length).toBeGreaterThanOrEqual(16);
    expect(a.challenge).not.toBe(b.challenge);
    expect(a.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    expect(a.timeout).toBe(300000);
    expect(a.excludeCredentials).toEqual([{ type: 'public-key', id: 'AAAA', transports: ['usb'] }]);
    expect(a.user).toEqual({ id: b64u(new Uint8Array(16).fill(1)), name: 'alice', displayName: 'alice' });
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    expect(() => createWebAuthnRegistrationOptions({ id: 'example.org', name: 'E' }, { id: new Uint8Array(65), name: 'a' })).toThrow();
    expect(() => createWebAuthnRegistrationOptions({ id: 'example.org', name: 'E' }, { id: new Uint8Array(8), name: 'a' }, { challengeBytes: 8 })).toThrow();
  });

  it('authentication options: allowCredentials, or none for discoverable credentials', () => {
    const known = createWebAuthnAuthenticationOptions('example.org', { allowCredentials: [{ id: 'AAAA' }] });
    const passkey = createWebAuthnAuthenticationOptions('example.org', { userVerification: 'required' });
    expect(known.allowCredentials).toEqual([{ type: 'public-key', id: 'AAAA' }]);
    expect(passkey.allowCredentials).toEqual([]);
    expect(passkey.userVerification).toBe('required');
    expect(known.timeout).toBe(300000);
  });
});

describe('registration: one failure per step', () => {
  const cases: [string, Parameters<typeof register>[2], object, string][] = [
    ['wrong type', { type: 'webauthn.get' }, {}, 'type-mismatch'],
    ['wrong challenge', { challenge: new Uint8Array(32).fill(8) }, {}, 'challenge-mismatch'],
    ['wrong origin', { origin: 'https://evil.example' }, {}, 'origin-mismatch'],
    ['cross-origin not allowed', { crossOrigin: true, topOrigin: 'https://evil.example' }, {}, 'cross-origin-not-allowed'],
    ['top origin not allowed', { crossOrigin: true, topOrigin: 'https://evil.example' }, { allowCrossOrigin: true, allowedTopOrigins: ['https://example.com'] }, 'top-origin-mismatch'],
    ['wrong RP ID', { rpId: 'evil.example' }, {}, 'rp-id-mismatch'],
    ['missing UP', { flags: FLAG.UV | FLAG.AT }, {}, 'user-not-present'],
    ['missing UV when required', { flags: FLAG.UP | FLAG.AT }, { requireUserVerification: true }, 'user-not-verified'],
    ['BS without BE', { flags: FLAG.UP | FLAG.AT | FLAG.BS }, {}, 'backup-state-invalid'],
    ['missing attested credential data', { flags: FLAG.UP }, {}, 'attested-credential-data-missing'],
    ['disallowed algorithm', {}, { algorithms: [-8] }, 'algorithm-not-allowed'],
    ['tampered self-attestation signature', { selfAttest: true, tamperSignature: true }, {}, 'attestation-signature-invalid'],
    ['format not allowed', { selfAttest: true }, { attestationFormats: ['none'] }, 'attestation-format-not-allowed'],
    ['untrusted attestation when trust is required', {}, { requireTrustedAttestation: true }, 'attestation-untrusted'],
  ];
  for (const [name, overrides, options, reason] of cases) {
    it(name, async () => {
      const cred = createSoftwareCredential(-7);
      const result = await verifyWebAuthnRegistration(register(cred, challenge, overrides), { ...expect_, ...options });
      expect(result).toEqual({ ok: false, reason });
    });
  }

  it('ok with UV missing when not required; self attestation verifies', async () => {
    const cred = createSoftwareCredential(-8);
    const result = await verifyWebAuthnRegistration(register(cred, challenge, { flags: FLAG.UP | FLAG.AT | FLAG.BE | FLAG.BS, selfAttest: true }), expect_);
    expect(result).toMatchObject({ ok: true, userVerified: false, credential: { backupEligible: true, backedUp: true, attestationType: 'self', algorithm: -8, transports: ['usb'] } });
  });

  it('RSA-SHA1 (RS1) is refused unless allowed', async () => {
    const cred = createSoftwareCredential(-7);
    // An RS1 COSE key (2048-bit odd modulus): refused by the default allow-list.
    const n = new Uint8Array(256).fill(0xc5);
    const rs1 = encodeCbor(new Map<number, any>([[1, 3], [3, -65535], [-1, n], [-2, Uint8Array.of(1, 0, 1)]]));
    const result = await verifyWebAuthnRegistration(register(cred, challenge, { coseKey: rs1 }), expect_);
    expect(result).toEqual({ ok: false, reason: 'algorithm-not-allowed' });
  });

  it('a credential ID already registered is refused', async () => {
    const cred = createSoftwareCredential(-7);
    const result = await verifyWebAuthnRegistration(register(cred, challenge), { ...expect_, isCredentialRegistered: (id) => id === b64u(cred.id) });
    expect(result).toEqual({ ok: false, reason: 'credential-already-registered' });
  });

  it('malformed structures throw MfaError', async () => {
    const cred = createSoftwareCredential(-7);
    const good = register(cred, challenge);
    const broken = { ...good, response: { ...good.response, attestationObject: b64u(Uint8Array.of(0xa1, 0x01)) } };
    await expect(verifyWebAuthnRegistration(broken, expect_)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ATTESTATION'));
    const badJson = { ...good, response: { ...good.response, clientDataJSON: b64u(new TextEncoder().encode('{"type":1')) } };
    await expect(verifyWebAuthnRegistration(badJson, expect_)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_CLIENT_DATA'));
    const notBase64 = { ...good, response: { ...good.response, clientDataJSON: '***' } };
    await expect(verifyWebAuthnRegistration(notBase64, expect_)).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_CREDENTIAL'));
  });
});

describe('authentication: one failure per step', () => {
  const cases: [string, Parameters<typeof authenticate>[2], object, string][] = [
    ['wrong type', { type: 'webauthn.create' }, {}, 'type-mismatch'],
    ['wrong challenge', { challenge: new Uint8Array(32).fill(8) }, {}, 'challenge-mismatch'],
    ['wrong origin', { origin: 'https://example.org.evil.example' }, {}, 'origin-mismatch'],
    ['wrong RP ID', { rpId: 'evil.example' }, {}, 'rp-id-mismatch'],
    ['missing UP', { flags: FLAG.UV }, {}, 'user-not-present'],
    ['missing UV when required', { flags: FLAG.UP }, { requireUserVerification: true }, 'user-not-verified'],
    ['tampered signature', { tamperSignature: true }, {}, 'signature-invalid'],
    ['user handle of someone else', { userHandle: new Uint8Array(32).fill(3) }, {}, 'user-handle-mismatch'],
    ['BE flag changed since registration', { flags: FLAG.UP | FLAG.BE }, {}, 'backup-eligibility-changed'],
  ];
  for (const [name, overrides, options, reason] of cases) {
    it(name, async () => {
      const { cred, stored: credential } = await registered();
      const result = await verifyWebAuthnAuthentication(authenticate(cred, challenge, overrides), { ...stored(credential), userHandle: b64u(cred.userHandle) }, { ...expect_, ...options });
      expect(result).toMatchObject({ ok: false, reason });
    });
  }

  it('registration returns the user handle it was given; storing that credential makes login check it', async () => {
    const cred = createSoftwareCredential(-7);
    const result = await verifyWebAuthnRegistration(register(cred, challenge), { ...expect_, userHandle: b64u(cred.userHandle) });
    if (!result.ok) throw new Error(result.reason);
    expect(result.credential.userHandle).toBe(b64u(cred.userHandle));
    // The app stores what registration returned, as is: a response for another user is refused.
    const foreign = authenticate(cred, challenge, { userHandle: new Uint8Array(32).fill(3) });
    expect(await verifyWebAuthnAuthentication(foreign, result.credential, expect_)).toMatchObject({ ok: false, reason: 'user-handle-mismatch' });
    expect(await verifyWebAuthnAuthentication(authenticate(cred, challenge), result.credential, expect_)).toMatchObject({ ok: true });
    await expect(verifyWebAuthnRegistration(register(cred, challenge), { ...expect_, userHandle: 'not base64url!' })).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_ARGUMENT'));
  });

  it('disallowed algorithm', async () => {
    const { cred, stored: credential } = await registered(-8);
    const result = await verifyWebAuthnAuthentication(authenticate(cred, challenge), stored(credential), { ...expect_, algorithms: [-7] });
    expect(result).toEqual({ ok: false, reason: 'algorithm-not-allowed' });
  });

  it('counter regression is a possible clone: refused by default, reported when accepted', async () => {
    const { cred, stored: credential } = await registered();
    const first = await verifyWebAuthnAuthentication(authenticate(cred, challenge, { counter: 5 }), stored(credential), expect_);
    expect(first).toMatchObject({ ok: true, counter: 5, possibleClone: false });
    const replayedCounter = authenticate(cred, challenge, { counter: 5 });
    expect(await verifyWebAuthnAuthentication(replayedCounter, stored(credential, 5), expect_)).toEqual({ ok: false, reason: 'counter-regression', possibleClone: true });
    const lower = authenticate(cred, challenge, { counter: 3 });
    expect(await verifyWebAuthnAuthentication(lower, stored(credential, 5), { ...expect_, onCounterRegression: 'accept' })).toMatchObject({ ok: true, possibleClone: true, counter: 5 });
    // Both zero: an authenticator without a counter, not a clone.
    const zero = authenticate(cred, challenge, { counter: 0 });
    expect(await verifyWebAuthnAuthentication(zero, stored(credential, 0), expect_)).toMatchObject({ ok: true, possibleClone: false, counter: 0 });
  });

  it('a replayed challenge fails when the expectation consumes challenges once', async () => {
    const { cred, stored: credential } = await registered();
    const outstanding = new Set([b64u(challenge)]);
    const consume = (c: string) => outstanding.delete(c);
    const response = authenticate(cred, challenge);
    expect(await verifyWebAuthnAuthentication(response, stored(credential), { ...expect_, expectedChallenge: consume })).toMatchObject({ ok: true });
    const again = authenticate(cred, challenge);
    expect(await verifyWebAuthnAuthentication(again, stored(credential, 1), { ...expect_, expectedChallenge: consume })).toEqual({ ok: false, reason: 'challenge-mismatch' });
  });

  it('a response for another credential is refused', async () => {
    const { cred } = await registered();
    const other = await registered(-8);
    const result = await verifyWebAuthnAuthentication(authenticate(cred, challenge), stored(other.stored), expect_);
    expect(result).toEqual({ ok: false, reason: 'credential-id-mismatch' });
  });

  it('usernameless login requires the user handle when asked', async () => {
    const { cred, stored: credential } = await registered();
    const response = authenticate(cred, challenge);
    delete response.response.userHandle;
    expect(await verifyWebAuthnAuthentication(response, stored(credential), { ...expect_, requireUserHandle: true })).toEqual({ ok: false, reason: 'user-handle-missing' });
    const withHandle = authenticate(cred, challenge);
    expect(await verifyWebAuthnAuthentication(withHandle, stored(credential), { ...expect_, requireUserHandle: true })).toMatchObject({ ok: true, userHandle: b64u(cred.userHandle) });
  });

  it('Ed25519 and ES256 logins verify and move the counter', async () => {
    for (const alg of [-7, -8] as const) {
      const { cred, stored: credential } = await registered(alg);
      const r1 = await verifyWebAuthnAuthentication(authenticate(cred, challenge), stored(credential), expect_);
      expect(r1).toMatchObject({ ok: true, counter: 1, userVerified: true });
      const r2 = await verifyWebAuthnAuthentication(authenticate(cred, challenge), stored(credential, 1), expect_);
      expect(r2).toMatchObject({ ok: true, counter: 2 });
    }
  });
});

describe('Ed448 needs its own algorithm identifier in the allow-list', () => {
  it('an Ed448 key with alg EdDSA (-8) is refused unless -53 is allowed', async () => {
    const { coseAlgorithmAllowed, parseCosePublicKey } = await import('../../src/webauthn/index.js');
    const { ed448 } = await import('@noble/curves/ed448.js');
    const x = ed448.getPublicKey(ed448.utils.randomSecretKey());
    const key = parseCosePublicKey(encodeCbor(new Map<number, any>([[1, 1], [3, -8], [-1, 7], [-2, x]])));
    expect(coseAlgorithmAllowed(key, [-8, -7])).toBe(false);
    expect(coseAlgorithmAllowed(key, [-8, -53])).toBe(true);
  });
});
