// Security hardening (issue 17) through the public service API on the memory store: the cases that
// need a software WebAuthn authenticator or an SMS sender. The store-independent cases run on every
// store in src/conformance/security-cases.ts.
import { describe, expect, test } from 'vitest';
import { createMemoryStore, createMfaService, type MfaEvent, type MfaService } from '../../src/index.js';
import { createSoftwareCredential, register, type SoftwareCredential } from '../webauthn/helpers/authenticator.js';
import { fromB64u } from '../webauthn/helpers/build.js';
import { enrolApp, harness, stepUp } from './helpers.js';

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
