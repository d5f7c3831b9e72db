// WebAuthn in the MFA service, on the in-memory store with a hand-driven clock and a software
// authenticator: register named keys (several per account), log in, passkey login without a
// username, single-use and expiring challenges, removal with step-up, attempt throttling.
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createMfaService, isMfaError, type MfaEvent } from '../../src/index.js';
import { authenticate, createSoftwareCredential, FLAG, register, type SoftwareCredential } from './helpers/authenticator.js';
import { fromB64u } from './helpers/build.js';

const T0 = Date.UTC(2026, 4, 1, 9);

function setup(webauthn: Record<string, unknown> = {}) {
  let t = T0;
  const clock = Object.assign(() => t, { advance: (ms: number) => void (t += ms) });
  const events: MfaEvent[] = [];
  const service = createMfaService({
    issuer: 'ACME Cloud',
    store: createMemoryStore(),
    now: clock,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    events: (e) => void events.push(e),
    webauthn: { rpId: 'example.org', origins: ['https://example.org'], ...webauthn },
  });
  return { service, clock, events };
}

type Setup = ReturnType<typeof setup>;

async function registerKey(s: Setup, accountId: string, cred: SoftwareCredential, options: Parameters<Setup['service']['startWebAuthnRegistration']>[1] = {}) {
  const start = await s.service.startWebAuthnRegistration(accountId, options);
  cred.userHandle = fromB64u(start.options.user.id);
  const response = register(cred, fromB64u(start.options.challenge));
  const result = await s.service.finishWebAuthnRegistration(accountId, start.enrolmentId, response);
  return { start, result };
}

async function login(s: Setup, accountId: string | null, cred: SoftwareCredential, overrides: Parameters<typeof authenticate>[2] = {}) {
  const start = await s.service.startWebAuthnLogin(accountId);
  const response = authenticate(cred, fromB64u(start.options.challenge), overrides);
  return { start, response, result: await s.service.finishWebAuthnLogin(response, accountId === null ? {} : { accountId }) };
}

describe('service: WebAuthn factors', () => {
  it('registers a named security key (first factor: backup codes once), then logs in with it', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 1);
    const { start, result } = await registerKey(s, 'user-1', key, { name: 'YubiKey' });
    expect(start.options.rp).toEqual({ id: 'example.org', name: 'ACME Cloud' });
    expect(start.expiresAt - T0).toBe(300_000);
    expect(result).toMatchObject({ ok: true, factor: { kind: 'webauthn', name: 'YubiKey', role: 'login' } });
    if (!result.ok) return;
    expect(result.backupCodes?.length).toBeGreaterThan(0);

    const { start: loginStart, result: r1 } = await login(s, 'user-1', key);
    expect(loginStart.options.allowCredentials.map((c) => c.id)).toHaveLength(1);
    expect(r1).toMatchObject({ ok: true, accountId: 'user-1', kind: 'webauthn', factor: { id: result.factor.id } });
    const { result: r2 } = await login(s, 'user-1', key);
    expect(r2).toMatchObject({ ok: true });
    expect(s.events.filter((e) => e.type === 'verified')).toHaveLength(2);
  });

  it('several keys per account; the exclude list names the registered ones; removal needs step-up', async () => {
    const s = setup();
    const a = createSoftwareCredential(-7, 1);
    const b = createSoftwareCredential(-8, 2);
    const first = await registerKey(s, 'user-2', a);
    expect(first.result).toMatchObject({ ok: true, factor: { name: 'Security key' } });
    // Once MFA is on, a new registration needs a step-up from an existing factor.
    await expect(s.service.startWebAuthnRegistration('user-2')).rejects.toSatisfy((e) => isMfaError(e, 'STEP_UP_REQUIRED'));
    const { result: stepUp } = await login(s, 'user-2', a);
    if (!stepUp.ok) throw new Error(stepUp.reason);
    const second = await registerKey(s, 'user-2', b, { stepUpToken: stepUp.stepUp.token });
    expect(second.start.options.excludeCredentials).toHaveLength(1);
    expect(second.result).toMatchObject({ ok: true, factor: { name: 'Security key 2' }, backupCodes: null });
    // Registering the same authenticator again is refused.
    const again = await registerKey(s, 'user-2', b, { stepUpToken: stepUp.stepUp.token, name: 'Again' });
    expect(again.result).toEqual({ ok: false, reason: 'credential-already-registered' });

    const factors = (await s.service.listFactors('user-2')).filter((f) => f.kind === 'webauthn');
    expect(factors.map((f) => f.name).sort()).toEqual(['Security key', 'Security key 2']);
    expect((await login(s, 'user-2', b)).result).toMatchObject({ ok: true });

    const removed = await s.service.removeFactor('user-2', factors.find((f) => f.name === 'Security key 2')!.id, { stepUpToken: stepUp.stepUp.token });
    expect(removed).toMatchObject({ ok: true, mfaDisabled: false });
    expect((await login(s, 'user-2', b)).result).toEqual({ ok: false, reason: 'unknown-credential' });
    expect((await login(s, 'user-2', a)).result).toMatchObject({ ok: true });
  });

  it('a login challenge is consumed once: a second response to it fails', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 3);
    await registerKey(s, 'user-3', key);
    const { start, result } = await login(s, 'user-3', key);
    expect(result).toMatchObject({ ok: true });
    const replay = authenticate(key, fromB64u(start.options.challenge));
    expect(await s.service.finishWebAuthnLogin(replay, { accountId: 'user-3' })).toEqual({ ok: false, reason: 'challenge-mismatch' });
    expect(s.events.some((e) => e.type === 'replay-refused')).toBe(true);
  });

  it('concurrent responses to one challenge: exactly one wins', async () => {
    const s = setup();
    const key = createSoftwareCredential(-8, 4);
    await registerKey(s, 'user-4', key);
    const start = await s.service.startWebAuthnLogin('user-4');
    const responses = Array.from({ length: 8 }, () => authenticate(key, fromB64u(start.options.challenge)));
    const results = await Promise.all(responses.map((r) => s.service.finishWebAuthnLogin(r, { accountId: 'user-4' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('challenges expire: login after 300 s and registration after its lifetime fail', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 5);
    const start = await s.service.startWebAuthnRegistration('user-5');
    key.userHandle = fromB64u(start.options.user.id);
    s.clock.advance(300_001);
    expect(await s.service.finishWebAuthnRegistration('user-5', start.enrolmentId, register(key, fromB64u(start.options.challenge)))).toEqual({ ok: false, reason: 'expired' });
    await registerKey(s, 'user-5', key);
    const login1 = await s.service.startWebAuthnLogin('user-5');
    s.clock.advance(300_001);
    const late = authenticate(key, fromB64u(login1.options.challenge));
    expect(await s.service.finishWebAuthnLogin(late, { accountId: 'user-5' })).toEqual({ ok: false, reason: 'challenge-mismatch' });
  });

  it('a challenge issued for one account cannot be answered for another', async () => {
    const s = setup();
    const a = createSoftwareCredential(-7, 6);
    const b = createSoftwareCredential(-7, 7);
    await registerKey(s, 'user-6', a);
    await registerKey(s, 'user-7', b);
    const startForA = await s.service.startWebAuthnLogin('user-6');
    const response = authenticate(b, fromB64u(startForA.options.challenge));
    expect(await s.service.finishWebAuthnLogin(response, { accountId: 'user-7' })).toEqual({ ok: false, reason: 'challenge-mismatch' });
    // And a key of another account is unknown here.
    const start = await s.service.startWebAuthnLogin('user-6');
    expect(await s.service.finishWebAuthnLogin(authenticate(b, fromB64u(start.options.challenge)), { accountId: 'user-6' })).toEqual({ ok: false, reason: 'unknown-credential' });
  });

  it('passkey login without a username: the account comes from the user handle, UV required', async () => {
    const s = setup();
    const passkey = createSoftwareCredential(-8, 8);
    const reg = await registerKey(s, 'user-8', passkey, { residentKey: 'required' });
    expect(reg.result).toMatchObject({ ok: true, factor: { name: 'Passkey' } });
    expect(reg.start.options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    const { start, result } = await login(s, null, passkey);
    expect(start.options.allowCredentials).toEqual([]);
    expect(result).toMatchObject({ ok: true, accountId: 'user-8', userVerified: true });
    // Without UV a passkey login is refused.
    expect((await login(s, null, passkey, { flags: FLAG.UP })).result).toEqual({ ok: false, reason: 'user-not-verified' });
    // A user handle naming another account finds no such credential there.
    const other = createSoftwareCredential(-7, 9);
    await registerKey(s, 'user-9', other);
    const forged = await login(s, null, passkey, { userHandle: new TextEncoder().encode('user-9') });
    expect(forged.result).toEqual({ ok: false, reason: 'unknown-credential' });
  });

  it('counter regression (possible clone) is refused and reported', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 10);
    await registerKey(s, 'user-10', key);
    expect((await login(s, 'user-10', key, { counter: 10 })).result).toMatchObject({ ok: true });
    expect((await login(s, 'user-10', key, { counter: 4 })).result).toEqual({ ok: false, reason: 'counter-regression' });
  });

  it('a passkey that always signs counter 0 still records each login; a counting key keeps clone detection', async () => {
    const s = setup();
    const passkey = createSoftwareCredential(-8, 11);
    const reg = await registerKey(s, 'user-11', passkey);
    if (!reg.result.ok) throw new Error('registration failed');
    const id = reg.result.factor.id;
    const lastUsed = async () => (await s.service.listFactors('user-11')).find((f) => f.id === id)?.lastUsedAt;
    expect(await lastUsed()).toBeUndefined();
    for (let i = 1; i <= 3; i++) {
      s.clock.advance(60_000);
      expect((await login(s, 'user-11', passkey, { counter: 0 })).result).toMatchObject({ ok: true });
      expect(await lastUsed()).toBe(T0 + i * 60_000);
    }
    // A key whose counter starts at 0 at registration and then counts is not counterless.
    const key = createSoftwareCredential(-7, 12);
    await registerKey(s, 'user-12', key);
    expect((await login(s, 'user-12', key, { counter: 5 })).result).toMatchObject({ ok: true });
    expect((await login(s, 'user-12', key, { counter: 0 })).result).toEqual({ ok: false, reason: 'counter-regression' });
    expect((await login(s, 'user-12', key, { counter: 3 })).result).toEqual({ ok: false, reason: 'counter-regression' });
  });

  it('failed signatures are limited per requester, never by locking the account', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 11);
    await registerKey(s, 'user-11', key);
    const reasons: string[] = [];
    for (let i = 0; i < 12; i++) {
      const start = await s.service.startWebAuthnLogin('user-11');
      const response = authenticate(key, fromB64u(start.options.challenge), { tamperSignature: true });
      const result = await s.service.finishWebAuthnLogin(response, { accountId: 'user-11', requester: '203.0.113.9' });
      if (!result.ok) reasons.push(result.reason);
    }
    expect(reasons.slice(0, 3)).toEqual(Array(3).fill('signature-invalid'));
    expect(reasons).toContain('throttled');
    // Without a requester (or from another source) the genuine key still logs in at once.
    expect((await login(s, 'user-11', key)).result).toMatchObject({ ok: true });
  });

  it('without the webauthn option the methods say what is missing', async () => {
    const s = createMfaService({ issuer: 'X', store: createMemoryStore(), keyRing: { currentKeyId: 'k', keys: { k: new Uint8Array(32) } } });
    await expect(s.startWebAuthnLogin('u')).rejects.toSatisfy((e) => isMfaError(e, 'INVALID_OPTION'));
  });
});

describe('service: a registration completes once', () => {
  it('concurrent finishes with one response: one factor, the rest refused', async () => {
    const s = setup();
    const key = createSoftwareCredential(-7, 12);
    const start = await s.service.startWebAuthnRegistration('user-12');
    key.userHandle = fromB64u(start.options.user.id);
    const response = register(key, fromB64u(start.options.challenge));
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => s.service.finishWebAuthnRegistration('user-12', start.enrolmentId, response)));
    expect(settled.filter((r) => r.status === 'fulfilled' && r.value.ok)).toHaveLength(1);
    expect(settled.filter((r) => r.status === 'rejected').every((r) => isMfaError((r as PromiseRejectedResult).reason, 'ENROLMENT_NOT_FOUND'))).toBe(true);
    await expect(s.service.finishWebAuthnRegistration('user-12', start.enrolmentId, response)).rejects.toSatisfy((e) => isMfaError(e, 'ENROLMENT_NOT_FOUND'));
    expect((await s.service.listFactors('user-12')).filter((f) => f.kind === 'webauthn')).toHaveLength(1);
  });
});

describe('service: WebAuthn factors in the account view', () => {
  it('loginRequirement lists the key; disabling MFA removes it', async () => {
    const s = setup();
    const key = createSoftwareCredential(-8, 13);
    await registerKey(s, 'user-13', key, { name: 'Laptop' });
    const requirement = await s.service.loginRequirement('user-13');
    expect(requirement.mfaRequired).toBe(true);
    expect(requirement.factors.map((f) => f.kind)).toContain('webauthn');
    const { result } = await login(s, 'user-13', key);
    if (!result.ok) throw new Error(result.reason);
    await s.service.disable('user-13', { confirmation: 'disable', stepUpToken: result.stepUp.token });
    await expect(s.service.startWebAuthnLogin('user-13')).rejects.toSatisfy((e) => isMfaError(e, 'FACTOR_NOT_FOUND'));
  });
});
