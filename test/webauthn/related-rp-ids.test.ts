// Related origins: several RP IDs. A credential created for RP ID B (a sister site, or the domain a
// site moved to) verifies when [A, B] are expected and is refused when only [A] is, in the core
// verify functions (registration and authentication) and in the service (webauthn.relatedRpIds).
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createMfaService, isMfaError } from '../../src/index.js';
import { verifyWebAuthnAuthentication, verifyWebAuthnRegistration } from '../../src/webauthn/index.js';
import { authenticate, createSoftwareCredential, register } from './helpers/authenticator.js';
import { b64u, fromB64u } from './helpers/build.js';

const A = 'example.org';
const B = 'example.co.uk';
const origins = ['https://example.org', 'https://example.co.uk'];
const challenge = new Uint8Array(32).fill(7);

describe('core: expectedRpId as a list', () => {
  it('registration for RP ID B: accepted with [A, B] (result names B), refused with [A] and with A', async () => {
    const cred = createSoftwareCredential(-7, 11);
    const response = register(cred, challenge, { rpId: B, origin: 'https://example.co.uk' });
    const base = { expectedChallenge: challenge, expectedOrigin: origins };
    const both = await verifyWebAuthnRegistration(response, { ...base, expectedRpId: [A, B] });
    expect(both).toMatchObject({ ok: true, rpId: B, credential: { id: b64u(cred.id) } });
    expect(await verifyWebAuthnRegistration(response, { ...base, expectedRpId: [A] })).toEqual({ ok: false, reason: 'rp-id-mismatch' });
    expect(await verifyWebAuthnRegistration(response, { ...base, expectedRpId: A })).toEqual({ ok: false, reason: 'rp-id-mismatch' });
    // A single RP ID still works as before, and the result names it.
    const forA = register(cred, challenge, { rpId: A });
    expect(await verifyWebAuthnRegistration(forA, { ...base, expectedRpId: A })).toMatchObject({ ok: true, rpId: A });
  });

  it('authentication for RP ID B: accepted with [A, B] (result names B), refused with [A]; order does not matter', async () => {
    const cred = createSoftwareCredential(-7, 12);
    const registration = await verifyWebAuthnRegistration(register(cred, challenge, { rpId: B, origin: origins[1] }), { expectedChallenge: challenge, expectedOrigin: origins, expectedRpId: [A, B] });
    if (!registration.ok) throw new Error(registration.reason);
    const stored = { ...registration.credential, counter: 0 };
    const response = authenticate(cred, challenge, { rpId: B, origin: origins[1] });
    const base = { expectedChallenge: challenge, expectedOrigin: origins };
    expect(await verifyWebAuthnAuthentication(response, stored, { ...base, expectedRpId: [A, B] })).toMatchObject({ ok: true, rpId: B });
    expect(await verifyWebAuthnAuthentication(response, stored, { ...base, expectedRpId: [B, A] })).toMatchObject({ ok: true, rpId: B });
    expect(await verifyWebAuthnAuthentication(response, stored, { ...base, expectedRpId: [A] })).toEqual({ ok: false, reason: 'rp-id-mismatch' });
    expect(await verifyWebAuthnAuthentication(response, stored, { ...base, expectedRpId: ['other.example', A] })).toEqual({ ok: false, reason: 'rp-id-mismatch' });
  });

  it('an empty list or an empty RP ID is misuse (MfaError INVALID_ARGUMENT)', async () => {
    const cred = createSoftwareCredential(-7, 13);
    const response = register(cred, challenge);
    for (const expectedRpId of [[], [''], [A, '']] as string[][]) {
      const error = await verifyWebAuthnRegistration(response, { expectedChallenge: challenge, expectedOrigin: origins, expectedRpId }).catch((e: unknown) => e);
      expect(isMfaError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

function service(relatedRpIds?: string[]) {
  return createMfaService({
    issuer: 'ACME Cloud',
    store: createMemoryStore(),
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    webauthn: { rpId: A, origins, ...(relatedRpIds === undefined ? {} : { relatedRpIds }) },
  });
}

describe('service: webauthn.relatedRpIds', () => {
  it('a passkey made on site B (start with rpId B) registers and logs in when relatedRpIds is [B]', async () => {
    const s = service([B]);
    const cred = createSoftwareCredential(-7, 21);
    const start = await s.startWebAuthnRegistration('user-1', { rpId: B, residentKey: 'required' });
    expect(start.options.rp.id).toBe(B);
    cred.userHandle = fromB64u(start.options.user.id);
    const registered = await s.finishWebAuthnRegistration('user-1', start.enrolmentId, register(cred, fromB64u(start.options.challenge), { rpId: B, origin: origins[1] }));
    expect(registered).toMatchObject({ ok: true });

    // Logging in on site A with the default options (rpId A): the browser uses B's credential when
    // the related-origins file allows it; the response carries B's rpIdHash.
    const login = await s.startWebAuthnLogin('user-1');
    expect(login.options.rpId).toBe(A);
    const response = authenticate(cred, fromB64u(login.options.challenge), { rpId: B, origin: origins[0] });
    expect(await s.finishWebAuthnLogin(response, { accountId: 'user-1' })).toMatchObject({ ok: true, accountId: 'user-1' });
    // Usernameless on site B, options naming B.
    const passkey = await s.startWebAuthnLogin(null, { rpId: B });
    expect(passkey.options.rpId).toBe(B);
    const second = authenticate(cred, fromB64u(passkey.options.challenge), { rpId: B, origin: origins[1] });
    expect(await s.finishWebAuthnLogin(second)).toMatchObject({ ok: true, accountId: 'user-1' });
  });

  it('without relatedRpIds the same credential for B is refused (rp-id-mismatch) and rpId B cannot be asked for', async () => {
    const s = service();
    const cred = createSoftwareCredential(-7, 22);
    const start = await s.startWebAuthnRegistration('user-1');
    cred.userHandle = fromB64u(start.options.user.id);
    expect(await s.finishWebAuthnRegistration('user-1', start.enrolmentId, register(cred, fromB64u(start.options.challenge), { rpId: B }))).toEqual({ ok: false, reason: 'rp-id-mismatch' });
    const error = await s.startWebAuthnRegistration('user-1', { rpId: B }).catch((e: unknown) => e);
    expect(isMfaError(error, 'INVALID_ARGUMENT')).toBe(true);

    // Registered for A, then answered with B's rpIdHash: refused.
    const again = await s.startWebAuthnRegistration('user-1');
    expect(await s.finishWebAuthnRegistration('user-1', again.enrolmentId, register(cred, fromB64u(again.options.challenge)))).toMatchObject({ ok: true });
    const login = await s.startWebAuthnLogin('user-1');
    const response = authenticate(cred, fromB64u(login.options.challenge), { rpId: B });
    expect(await s.finishWebAuthnLogin(response, { accountId: 'user-1' })).toMatchObject({ ok: false, reason: 'rp-id-mismatch' });
  });

  it('relatedRpIds must be non-empty strings (INVALID_OPTION, when the service is created)', () => {
    let error: unknown;
    try {
      service(['']);
    } catch (e) {
      error = e;
    }
    expect(isMfaError(error, 'INVALID_OPTION')).toBe(true);
  });
});
