// Account recovery by the phone on file, through the public service API on the memory store. The
// SMS sender is a real OobSender that records what it delivers (the harness's `sent`).
import { describe, expect, test } from 'vitest';
import { enrolApp, harness, stepUp, type Harness } from './helpers.js';
import type { MfaServiceOptions } from '../../src/index.js';
import type { OobMessage } from '../../src/oob/index.js';

const ACCOUNT = 'user-1';
const PHONE = '+41791234567';
const NEW_PHONE = '+41797654321';

function wrong(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

function last(h: Harness): OobMessage {
  return h.sent[h.sent.length - 1]!;
}

/** An account with an authenticator app and, optionally, an SMS factor. */
async function setup(overrides: Partial<MfaServiceOptions> = {}, withSms = true) {
  const h = harness(overrides);
  const { app } = await enrolApp(h, ACCOUNT);
  const token = await stepUp(h, ACCOUNT, app);
  let smsId: string | undefined;
  if (withSms) {
    const pending = await h.service.startOobEnrolment(ACCOUNT, { channel: 'sms', destination: PHONE, stepUpToken: token });
    const confirmed = await h.service.confirmEnrolment(ACCOUNT, pending.enrolmentId, last(h).code);
    if (!confirmed.ok) throw new Error('sms enrolment failed');
    smsId = confirmed.factor.id;
  }
  return { h, app, token, smsId };
}

async function addRecoveryPhone(h: Harness, token: string, phoneNumber = NEW_PHONE): Promise<string> {
  const pending = await h.service.addRecoveryPhone(ACCOUNT, { phoneNumber, stepUpToken: token });
  expect(last(h)).toMatchObject({ channel: 'sms', destination: phoneNumber, purpose: 'phone-verification' });
  const confirmed = await h.service.confirmRecoveryPhone(ACCOUNT, pending.enrolmentId, last(h).code);
  if (!confirmed.ok) throw new Error(`recovery phone failed: ${confirmed.reason}`);
  return confirmed.phone.id;
}

async function attempts(h: Harness): Promise<number> {
  return (await h.store.getAttempts(ACCOUNT, 'recovery', h.clock()))?.count ?? 0;
}

describe('phone recovery', () => {
  test('the SMS factor on file receives a recovery code; the code recovers the account', async () => {
    const { h, token, smsId } = await setup();
    const start = await h.service.startPhoneRecovery(ACCOUNT);
    expect(start).toEqual({ phoneId: smsId, destinationHint: '********4567', expiresAt: h.clock() + 600_000 });
    expect(last(h)).toMatchObject({ channel: 'sms', destination: PHONE, purpose: 'recovery' });
    h.clock.advance(60_000);
    const result = await h.service.completePhoneRecovery(ACCOUNT, last(h).code);
    expect(result).toMatchObject({ ok: true, method: 'phone', action: 'reset-factors', factorsRemoved: 2, reenrolmentRequired: true, recoveredWith: { id: smsId, kind: 'sms' } });
    expect(await h.service.listFactors(ACCOUNT)).toEqual([]);
    expect(await h.service.hasRecentStepUp(ACCOUNT, token)).toBe(false);
    expect(await h.service.loginRequirement(ACCOUNT)).toMatchObject({ mfaRequired: false, reenrolmentRequired: { method: 'phone', since: h.clock() } });
    const types = h.events.map((e) => e.type);
    expect(types).toContain('recovery-started');
    expect(types).toContain('recovery-completed');
    // Codes never appear in events, numbers only masked.
    const dump = JSON.stringify(h.events);
    for (const m of h.sent) expect(dump).not.toContain(m.code);
    expect(dump).not.toContain(PHONE);
  });

  test('a recovery phone (step-up, verified by a code) is preferred, and stays after the recovery', async () => {
    const { h, token } = await setup();
    const phoneId = await addRecoveryPhone(h, token);
    expect((await h.service.listFactors(ACCOUNT)).find((f) => f.id === phoneId)).toMatchObject({ kind: 'phone', role: 'recovery', destinationHint: '********4321' });
    expect((await h.service.loginRequirement(ACCOUNT)).factors.map((f) => f.id)).not.toContain(phoneId);
    const start = await h.service.startPhoneRecovery(ACCOUNT);
    expect(start.phoneId).toBe(phoneId);
    expect(last(h)).toMatchObject({ destination: NEW_PHONE, purpose: 'recovery' });
    expect(await h.service.completePhoneRecovery(ACCOUNT, last(h).code)).toMatchObject({ ok: true, recoveredWith: { id: phoneId, kind: 'phone' } });
    expect((await h.service.listFactors(ACCOUNT)).map((f) => f.id)).toEqual([phoneId]);
  });

  test('adding a recovery phone: step-up required, wrong verification code refused, duplicates refused', async () => {
    const { h, token } = await setup();
    await expect(h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: NEW_PHONE, stepUpToken: 'su_forged' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const pending = await h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: NEW_PHONE, stepUpToken: token });
    const code = last(h).code;
    expect(await h.service.confirmRecoveryPhone(ACCOUNT, pending.enrolmentId, wrong(code))).toEqual({ ok: false, reason: 'mismatch' });
    expect((await h.service.listFactors(ACCOUNT)).some((f) => f.kind === 'phone')).toBe(false);
    expect(await h.service.confirmRecoveryPhone(ACCOUNT, pending.enrolmentId, code)).toMatchObject({ ok: true });
    await expect(h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: '+41 79 765 43 21', stepUpToken: token })).rejects.toMatchObject({ code: 'DUPLICATE' });
    await expect(h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: 'not a number', stepUpToken: token })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('changing the phone number counts as enrolling a new factor: step-up required (recovery phone and SMS factor)', async () => {
    const { h, app, token, smsId } = await setup();
    const phoneId = await addRecoveryPhone(h, token);
    // Recovery phone: replacing it needs a live step-up.
    await expect(h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: '+41790000001', stepUpToken: '', replacesPhoneId: phoneId })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    h.clock.advance(3_600_000); // the step-up window (10 minutes) is over
    await expect(h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: '+41790000001', stepUpToken: token, replacesPhoneId: phoneId })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    // SMS factor: a new number is a new enrolment that replaces the old factor, with step-up.
    await expect(h.service.startOobEnrolment(ACCOUNT, { channel: 'sms', destination: '+41790000001', replacesFactorId: smsId! })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    expect(h.events.filter((e) => e.type === 'step-up-refused').length).toBeGreaterThanOrEqual(3);

    // With a fresh step-up the change goes through and the old number is gone.
    const fresh = await stepUp(h, ACCOUNT, app);
    const pending = await h.service.addRecoveryPhone(ACCOUNT, { phoneNumber: '+41790000001', stepUpToken: fresh, replacesPhoneId: phoneId });
    expect(await h.service.confirmRecoveryPhone(ACCOUNT, pending.enrolmentId, last(h).code)).toMatchObject({ ok: true, replacedPhoneId: phoneId });
    const phones = (await h.service.listFactors(ACCOUNT)).filter((f) => f.kind === 'phone');
    expect(phones.map((p) => p.destinationHint)).toEqual(['********0001']);
    expect(h.events.find((e) => e.type === 'factor-replaced')).toMatchObject({ kind: 'phone', details: { replacedFactorId: phoneId } });
  });

  test('a wrong code is refused, counts toward the recovery record and the code budget; nothing changes', async () => {
    const { h } = await setup();
    await h.service.startPhoneRecovery(ACCOUNT);
    const code = last(h).code;
    const before = await h.service.listFactors(ACCOUNT);
    expect(await h.service.completePhoneRecovery(ACCOUNT, wrong(code))).toEqual({ ok: false, reason: 'mismatch' });
    expect(await attempts(h)).toBe(1);
    expect(await h.service.listFactors(ACCOUNT)).toEqual(before);
    expect(h.events.filter((e) => e.type === 'recovery-failed').map((e) => e.reason)).toEqual(['mismatch']);
    // A typo can be retried: the right code still works.
    expect(await h.service.completePhoneRecovery(ACCOUNT, code)).toMatchObject({ ok: true });
    expect(await attempts(h)).toBe(0);
  });

  test("the code's own attempts run out: even the right code is then refused", async () => {
    const { h } = await setup();
    await h.service.startPhoneRecovery(ACCOUNT);
    const code = last(h).code;
    for (let i = 0; i < 5; i++) expect(await h.service.completePhoneRecovery(ACCOUNT, wrong(code))).toMatchObject({ ok: false, reason: 'mismatch' });
    h.clock.advance(1000);
    expect(await h.service.completePhoneRecovery(ACCOUNT, code)).toEqual({ ok: false, reason: 'exhausted' });
    expect(await attempts(h)).toBe(6);
    expect((await h.service.listFactors(ACCOUNT)).some((f) => f.kind === 'totp')).toBe(true);
  });

  test('the recovery record (limits.recoveryFailures) locks phone recovery, and only recovery', async () => {
    const { h, app } = await setup({ limits: { recoveryFailures: 2 } });
    await h.service.startPhoneRecovery(ACCOUNT);
    const code = last(h).code;
    expect(await h.service.completePhoneRecovery(ACCOUNT, wrong(code))).toMatchObject({ reason: 'mismatch' });
    h.clock.advance(5_000);
    expect(await h.service.completePhoneRecovery(ACCOUNT, wrong(code))).toMatchObject({ reason: 'mismatch' });
    h.clock.advance(5_000);
    expect(await h.service.completePhoneRecovery(ACCOUNT, code)).toMatchObject({ ok: false, reason: 'locked' });
    h.clock.advance(30 * 86_400_000);
    await h.service.startPhoneRecovery(ACCOUNT);
    expect(await h.service.completePhoneRecovery(ACCOUNT, last(h).code)).toMatchObject({ ok: false, reason: 'locked' });
    expect((await h.service.verify(ACCOUNT, app.code())).ok).toBe(true);
  });

  test('expired code (10 minutes), used code, malformed input', async () => {
    const { h } = await setup();
    await h.service.startPhoneRecovery(ACCOUNT);
    h.clock.advance(600_000);
    expect(await h.service.completePhoneRecovery(ACCOUNT, last(h).code)).toEqual({ ok: false, reason: 'expired' });
    expect(await attempts(h)).toBe(0);

    await h.service.startPhoneRecovery(ACCOUNT);
    expect(await h.service.completePhoneRecovery(ACCOUNT, 'abc')).toEqual({ ok: false, reason: 'malformed' });
    expect(await attempts(h)).toBe(0);
    const code = last(h).code;
    expect(await h.service.completePhoneRecovery(ACCOUNT, code.slice(0, 3) + ' ' + code.slice(3))).toMatchObject({ ok: true });
    expect(await h.service.completePhoneRecovery(ACCOUNT, code)).toEqual({ ok: false, reason: 'expired' });
  });

  test('concurrent completions with the right code: exactly one recovers', async () => {
    const { h } = await setup();
    await h.service.startPhoneRecovery(ACCOUNT);
    const code = last(h).code;
    const results = await Promise.all([1, 2, 3, 4].map(() => h.service.completePhoneRecovery(ACCOUNT, code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results) if (!r.ok) expect(r.reason).toBe('expired');
    expect(h.events.filter((e) => e.type === 'recovery-completed')).toHaveLength(1);
  });

  test('a resend replaces the previous code', async () => {
    const { h } = await setup();
    await h.service.startPhoneRecovery(ACCOUNT);
    const first = last(h).code;
    await h.service.startPhoneRecovery(ACCOUNT);
    const second = last(h).code;
    if (first !== second) expect(await h.service.completePhoneRecovery(ACCOUNT, first)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(await h.service.completePhoneRecovery(ACCOUNT, second)).toMatchObject({ ok: true });
  });

  test('no phone on file, or no SMS configured: refused', async () => {
    const { h } = await setup({}, false);
    await expect(h.service.startPhoneRecovery(ACCOUNT)).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    const bare = harness({ oob: undefined });
    await enrolApp(bare, ACCOUNT);
    await expect(bare.service.startPhoneRecovery(ACCOUNT)).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });
  });
});
