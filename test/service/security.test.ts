// Security hardening (issue 17) through the public service API on the memory store: the cases that
// need a software WebAuthn authenticator or an SMS sender. The store-independent cases run on every
// store in src/conformance/security-cases.ts.
import { describe, expect, test } from 'vitest';
import { createMemoryStore, createMfaService, type MfaEvent, type MfaService } from '../../src/index.js';
import { authenticate, createSoftwareCredential, register, type SoftwareCredential } from '../webauthn/helpers/authenticator.js';
import { fromB64u } from '../webauthn/helpers/build.js';
import { enrolApp, harness, phone, stepUp } from './helpers.js';

const T0 = Date.UTC(2026, 4, 1, 9);

function webauthnSetup() {
  let t = T0;
  const clock = Object.assign(() => t, { advance: (ms: number) => void (t += ms) });
  const events: MfaEvent[] = [];
  const store = createMemoryStore();
  const service = createMfaService({
    issuer: 'ACME Cloud',
    store,
    now: clock,
    keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
    backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
    events: (e) => void events.push(e),
    webauthn: { rpId: 'example.org', origins: ['https://example.org'] },
  });
  return { service, store, clock, events };
}

async function startKey(service: MfaService, accountId: string, cred: SoftwareCredential, options: Parameters<MfaService['startWebAuthnRegistration']>[1] = {}) {
  const start = await service.startWebAuthnRegistration(accountId, options);
  cred.userHandle = fromB64u(start.options.user.id);
  return { start, response: register(cred, fromB64u(start.options.challenge)) };
}

describe('security: enrolments are bound to the MFA state at their start', () => {
  test('a WebAuthn registration started before MFA was turned on is dead once the owner registers a key', async () => {
    const s = webauthnSetup();
    const attacker = await startKey(s.service, 'user-1', createSoftwareCredential(-7, 1), { name: 'Attacker' });
    const owner = await startKey(s.service, 'user-1', createSoftwareCredential(-8, 2), { name: 'Owner' });
    const ownerDone = await s.service.finishWebAuthnRegistration('user-1', owner.start.enrolmentId, owner.response);
    expect(ownerDone).toMatchObject({ ok: true, stepUp: { token: expect.any(String) } });
    await expect(s.service.finishWebAuthnRegistration('user-1', attacker.start.enrolmentId, attacker.response)).rejects.toMatchObject({ code: 'ENROLMENT_STALE' });
    expect((await s.service.listFactors('user-1')).map((f) => f.name)).not.toContain('Attacker');
    expect(s.events.some((e) => e.type === 'enrolment-failed' && e.reason === 'stale')).toBe(true);
  });

  test('a second WebAuthn key confirms without a new step-up grant', async () => {
    const s = webauthnSetup();
    const first = await startKey(s.service, 'user-2', createSoftwareCredential(-7, 3));
    const done = await s.service.finishWebAuthnRegistration('user-2', first.start.enrolmentId, first.response);
    if (!done.ok || done.stepUp === null) throw new Error('first key');
    const second = await startKey(s.service, 'user-2', createSoftwareCredential(-8, 4), { name: 'Second', stepUpToken: done.stepUp.token });
    const secondDone = await s.service.finishWebAuthnRegistration('user-2', second.start.enrolmentId, second.response);
    expect(secondDone).toMatchObject({ ok: true, stepUp: null });
  });

  test('a recovery phone pending while another factor is added is dead', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-3');
    const token = await stepUp(h, 'user-3', app);
    const pending = await h.service.addRecoveryPhone('user-3', { phoneNumber: '+41791234567', stepUpToken: token });
    const code = h.sent[h.sent.length - 1]!.code;
    // A second authenticator app is added meanwhile: the MFA state moved on.
    await enrolApp(h, 'user-3', { name: 'Second', stepUpToken: token });
    await expect(h.service.confirmRecoveryPhone('user-3', pending.enrolmentId, code)).rejects.toMatchObject({ code: 'ENROLMENT_STALE' });
    expect((await h.service.listFactors('user-3')).some((f) => f.kind === 'phone')).toBe(false);
  });
});

describe('security: WebAuthn clone detection (L3 §6.1.1)', () => {
  async function loginWith(s: ReturnType<typeof webauthnSetup>, accountId: string, cred: SoftwareCredential, counter: number) {
    const start = await s.service.startWebAuthnLogin(accountId);
    return s.service.finishWebAuthnLogin(authenticate(cred, fromB64u(start.options.challenge), { counter }), { accountId });
  }

  test('a credential that reported 0 twice, then starts counting, has its regressions flagged again', async () => {
    const s = webauthnSetup();
    const key = createSoftwareCredential(-7, 21);
    const { start, response } = await startKey(s.service, 'user-21', key);
    expect(await s.service.finishWebAuthnRegistration('user-21', start.enrolmentId, response)).toMatchObject({ ok: true });
    const outcomes: string[] = [];
    for (const counter of [0, 0, 5, 3, 3, 0, 6]) {
      s.clock.advance(60_000);
      const result = await loginWith(s, 'user-21', key, counter);
      outcomes.push(result.ok ? 'ok' : result.reason);
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'counter-regression', 'counter-regression', 'counter-regression', 'ok']);
    expect(s.events.filter((e) => e.type === 'replay-refused' && e.reason === 'counter-regression')).toHaveLength(3);
  });

  test('with onCounterRegression accept, the same regressions are reported as possible clones', async () => {
    const s = webauthnSetup();
    const service = createMfaService({
      issuer: 'ACME Cloud',
      store: s.store,
      now: s.clock,
      keyRing: { currentKeyId: 'k1', keys: { k1: new Uint8Array(32).fill(1) } },
      backupCodes: { kdf: { algorithm: 'pbkdf2-sha256', iterations: 1000 } },
      webauthn: { rpId: 'example.org', origins: ['https://example.org'], onCounterRegression: 'accept' },
    });
    const key = createSoftwareCredential(-8, 22);
    const { start, response } = await startKey(service, 'user-22', key);
    expect(await service.finishWebAuthnRegistration('user-22', start.enrolmentId, response)).toMatchObject({ ok: true });
    const clones: boolean[] = [];
    for (const counter of [0, 4, 2, 0]) {
      s.clock.advance(60_000);
      const started = await service.startWebAuthnLogin('user-22');
      const result = await service.finishWebAuthnLogin(authenticate(key, fromB64u(started.options.challenge), { counter }), { accountId: 'user-22' });
      clones.push(result.ok && result.possibleClone);
    }
    expect(clones).toEqual([false, false, true, true]);
  });
});

describe('security: a WebAuthn credential id is registered to one account at most (L3 §7.1 step 26)', () => {
  test('registering a credential id another account holds is refused as credential-already-registered', async () => {
    const s = webauthnSetup();
    const victim = createSoftwareCredential(-7, 31);
    const a = await startKey(s.service, 'victim', victim);
    expect(await s.service.finishWebAuthnRegistration('victim', a.start.enrolmentId, a.response)).toMatchObject({ ok: true });
    // The attacker's authenticator answers with the victim's credential id (not a secret: login options list it).
    const forged = createSoftwareCredential(-7, 31);
    const b = await startKey(s.service, 'attacker', forged);
    expect(await s.service.finishWebAuthnRegistration('attacker', b.start.enrolmentId, b.response)).toEqual({ ok: false, reason: 'credential-already-registered' });
    expect(await s.service.listFactors('attacker')).toEqual([]);
    expect(s.events.some((e) => e.type === 'enrolment-failed' && e.accountId === 'attacker' && e.reason === 'credential-already-registered')).toBe(true);
  });
});

describe('security: key rotation and pending enrolments', () => {
  test('resealSecrets says how long pending enrolments may still need the old key; they expire within it', async () => {
    const KEY_A = new Uint8Array(32).fill(5);
    const KEY_B = new Uint8Array(32).fill(6);
    const store = createMemoryStore();
    const old = harness({ store, keyRing: { currentKeyId: 'a', keys: { a: KEY_A } } });
    const pending = await old.service.startAuthenticatorEnrolment('user-41');
    // The new key becomes current; the old one stays in the ring for now.
    const rotated = harness({ store, keyRing: { currentKeyId: 'b', keys: { a: KEY_A, b: KEY_B } } });
    rotated.clock.set(old.clock());
    const outcome = await rotated.service.resealSecrets('user-41');
    expect(outcome.pendingEnrolmentsNeedOldKeysForMs).toBe(600_000);
    // Within that time the pending enrolment still confirms (sealed under the old key)...
    const app = phone(pending.manualKey, rotated.clock);
    expect(await rotated.service.confirmEnrolment('user-41', pending.enrolmentId, app.code())).toMatchObject({ ok: true });
    // ...and one started before the rotation is dead after it, whatever the key ring holds.
    const late = await old.service.startAuthenticatorEnrolment('user-42');
    const dropped = harness({ store, keyRing: { currentKeyId: 'b', keys: { b: KEY_B } } });
    dropped.clock.set(old.clock() + outcome.pendingEnrolmentsNeedOldKeysForMs + 1);
    expect(await dropped.service.confirmEnrolment('user-42', late.enrolmentId, '000000')).toEqual({ ok: false, reason: 'expired' });
  });
});
