// The throttle model (issue 17, "lock-outs an attacker can cause"): code guesses share one exact
// limit per account with growing delays; a failed signature is not a guess; a passkey login is not
// blocked by code guessing; a requester key throttles one source harder; loginRequirement tells
// the truth; recovery has a hard cap. Through the public service API on the memory store.
import { describe, expect, test } from 'vitest';
import { enrolApp, harness, wrongCode, type Harness } from './helpers.js';
import { authenticate, createSoftwareCredential, type SoftwareCredential } from '../webauthn/helpers/authenticator.js';
import { fromB64u } from '../webauthn/helpers/build.js';
import type { MfaServiceOptions, MfaVerifyResult } from '../../src/index.js';

const WEBAUTHN = { rpId: 'example.org', origins: ['https://example.org'] };

/** Wrong codes, each sent as soon as the throttle allows, until `evaluated` were checked or a lock. */
async function guessUntil(h: Harness, accountId: string, right: () => string, evaluated: number, options: { requester?: string } = {}) {
  let checked = 0;
  let last: MfaVerifyResult | undefined;
  for (let i = 0; i < 10 * evaluated + 100 && checked < evaluated; i++) {
    last = await h.service.verify(accountId, wrongCode(right()), options);
    if (last.ok) throw new Error('a wrong code verified');
    if (last.reason === 'mismatch') checked++;
    else if (last.reason === 'locked') break;
    else if (last.reason === 'throttled') h.clock.set(last.retryAt!);
  }
  return { checked, last: last! };
}

async function withPasskey(h: Harness, accountId: string, stepUpToken: string): Promise<SoftwareCredential> {
  const key = createSoftwareCredential(-7, 77);
  const start = await h.service.startWebAuthnRegistration(accountId, { stepUpToken });
  key.userHandle = fromB64u(start.options.user.id);
  const { register } = await import('../webauthn/helpers/authenticator.js');
  const done = await h.service.finishWebAuthnRegistration(accountId, start.enrolmentId, register(key, fromB64u(start.options.challenge)));
  if (!done.ok) throw new Error(`passkey registration failed: ${done.reason}`);
  return key;
}

async function passkeyLogin(h: Harness, key: SoftwareCredential, options: { tamper?: boolean; requester?: string } = {}) {
  const start = await h.service.startWebAuthnLogin(null);
  const response = authenticate(key, fromB64u(start.options.challenge), options.tamper === true ? { tamperSignature: true } : {});
  return h.service.finishWebAuthnLogin(response, options.requester === undefined ? {} : { requester: options.requester });
}

async function accountWithAppAndPasskey(overrides: Partial<MfaServiceOptions> = {}) {
  const h = harness({ webauthn: WEBAUTHN, ...overrides });
  const { app } = await enrolApp(h, 'user-1');
  const first = await h.service.verify('user-1', app.code());
  if (!first.ok) throw new Error('step-up failed');
  const key = await withPasskey(h, 'user-1', first.stepUp.token);
  h.clock.advance(30_000);
  return { h, app, key };
}

describe('throttle: no lock-out button', () => {
  test('a burst of 200 wrong codes locks nothing: the owner\'s code passes once the first delay is over', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    const results = [];
    for (let i = 0; i < 200; i++) results.push(await h.service.verify('user-1', wrongCode(app.code())));
    expect(results.filter((r) => !r.ok && r.reason === 'mismatch')).toHaveLength(5);
    expect(results.some((r) => !r.ok && r.reason === 'locked')).toBe(false);
    const retryAt = Math.max(...results.map((r) => (!r.ok && r.retryAt !== undefined ? r.retryAt : 0)));
    expect(retryAt).toBeLessThanOrEqual(h.clock() + 1000);
    h.clock.set(retryAt);
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
  });

  test('50 failures, however spread, do not refuse the owner\'s correct code', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    const { checked, last } = await guessUntil(h, 'user-1', () => app.code(), 50);
    expect(checked).toBe(50);
    expect(last).toEqual({ ok: false, reason: 'mismatch' });
    const result = await h.service.verify('user-1', app.code());
    if (!result.ok && result.reason === 'throttled') {
      // At most the longest delay (15 minutes by default), never a lock.
      expect(result.retryAt - h.clock()).toBeLessThanOrEqual(15 * 60_000);
      h.clock.set(result.retryAt);
      expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
    } else {
      expect(result.ok).toBe(true);
    }
  });

  test('the shared limit is exact: 100 consecutive failures are checked, then nothing is, even a day later', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    const { checked, last } = await guessUntil(h, 'user-1', () => app.code(), 200);
    expect(checked).toBe(100);
    expect(last).toMatchObject({ ok: false, reason: 'locked' });
    h.clock.advance(86_400_000);
    expect(await h.service.verify('user-1', app.code())).toMatchObject({ ok: false, reason: 'locked' });
  });

  test('forged passkey assertions on the usernameless path never charge the code counter nor lock the owner', async () => {
    const { h, app, key } = await accountWithAppAndPasskey();
    for (let i = 0; i < 200; i++) expect(await passkeyLogin(h, key, { tamper: true })).toMatchObject({ ok: false, reason: 'signature-invalid' });
    expect(await passkeyLogin(h, key)).toMatchObject({ ok: true, accountId: 'user-1' });
    for (let i = 0; i < 200; i++) await passkeyLogin(h, key, { tamper: true });
    // The codes were not touched either: the first wrong codes are all free.
    for (let i = 0; i < 5; i++) expect(await h.service.verify('user-1', wrongCode(app.code()))).toEqual({ ok: false, reason: 'mismatch' });
  });

  test('a passkey login succeeds while code guessing is locked, and clears the lock', async () => {
    const { h, app, key } = await accountWithAppAndPasskey({ limits: { freeAttempts: 3, maxConsecutiveFailures: 3 } });
    const { last } = await guessUntil(h, 'user-1', () => app.code(), 10);
    expect(last).toMatchObject({ ok: false, reason: 'locked' });
    expect(await h.service.verify('user-1', app.code())).toMatchObject({ ok: false, reason: 'locked' });
    expect(await passkeyLogin(h, key)).toMatchObject({ ok: true });
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
  });

  test('a requester key throttles one source harder than the account; IPv6 sources are grouped by /64', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    const attacker = '2001:db8:1:2::1';
    for (let i = 0; i < 3; i++) expect(await h.service.verify('user-1', wrongCode(app.code()), { requester: attacker })).toEqual({ ok: false, reason: 'mismatch' });
    // The same /64 is the same source: its fourth guess waits.
    expect(await h.service.verify('user-1', wrongCode(app.code()), { requester: '2001:db8:1:2:ffff::9' })).toMatchObject({ ok: false, reason: 'throttled' });
    // Another source is not held up by it (the account as a whole still has free attempts).
    expect(await h.service.verify('user-1', wrongCode(app.code()), { requester: '2001:db8:1:3::1' })).toEqual({ ok: false, reason: 'mismatch' });
    // The attacker's source runs out long before the account does; the owner elsewhere gets in.
    const { checked, last } = await guessUntil(h, 'user-1', () => app.code(), 100, { requester: attacker });
    expect(checked).toBe(10 - 3);
    expect(last).toMatchObject({ ok: false, reason: 'locked' });
    const owner = await h.service.verify('user-1', app.code(), { requester: '198.51.100.7' });
    if (!owner.ok && owner.reason === 'throttled') {
      h.clock.set(owner.retryAt);
      expect((await h.service.verify('user-1', app.code(), { requester: '198.51.100.7' })).ok).toBe(true);
    } else {
      expect(owner.ok).toBe(true);
    }
  });

  test('loginRequirement reports a lock whenever verify would answer locked, with the same retryAt', async () => {
    const h = harness({ limits: { freeAttempts: 5, lockAfter: 10, maxConsecutiveFailures: 10, windowMs: 1000 } });
    const { app } = await enrolApp(h, 'user-1');
    await guessUntil(h, 'user-1', () => app.code(), 10);
    h.clock.advance(1001);
    const requirement = await h.service.loginRequirement('user-1');
    const verdict = await h.service.verify('user-1', app.code());
    expect(verdict).toMatchObject({ ok: false, reason: 'locked' });
    expect(requirement.retryAt).toBe(!verdict.ok ? verdict.retryAt : -1);
    expect(requirement.retryAt).not.toBeNull();
  });

  test('recovery has a hard cap on consecutive failures: no more guesses are checked, day after day', async () => {
    const h = harness({ recovery: { maxStartsPerHour: 1000 } });
    const { app } = await enrolApp(h, 'user-1');
    const first = await h.service.verify('user-1', app.code());
    if (!first.ok) throw new Error('step-up failed');
    const pending = await h.service.startOobEnrolment('user-1', { channel: 'sms', destination: '+41791234567', stepUpToken: first.stepUp.token });
    await h.service.confirmEnrolment('user-1', pending.enrolmentId, h.sent.at(-1)!.code);
    let checked = 0;
    for (let day = 0; day < 5; day++) {
      for (let i = 0; i < 40; i++) {
        await h.service.startPhoneRecovery('user-1');
        const code = h.sent.at(-1)!.code;
        const result = await h.service.completePhoneRecovery('user-1', code === '000000' ? '111111' : '000000');
        if (!result.ok && result.reason === 'mismatch') checked++;
        if (!result.ok && result.retryAt !== undefined) h.clock.set(Math.max(h.clock(), Math.min(result.retryAt, h.clock() + 3_600_000)));
        // Four codes an hour: under the per-destination send limit.
        h.clock.advance(15 * 60_000);
      }
      h.clock.advance(86_400_000);
    }
    expect(checked).toBe(10);
  });
});
