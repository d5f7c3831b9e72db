import { describe, expect, test } from 'vitest';
import { enrolApp, harness, stepUp } from './helpers.js';

describe('email and SMS codes', () => {
  test('enrol an email factor as the first factor, then log in with a sent code', async () => {
    const h = harness();
    const pending = await h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' });
    expect(pending).toMatchObject({ channel: 'email', destinationHint: 'a***@example.com', name: 'Email' });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ channel: 'email', destination: 'ada@example.com', purpose: 'enrolment' });
    const confirmed = await h.service.confirmEnrolment('user-1', pending.enrolmentId, h.sent[0]!.code);
    expect(confirmed).toMatchObject({ ok: true, factor: { kind: 'email', destinationHint: 'a***@example.com' } });
    expect(confirmed.ok && confirmed.backupCodes).toHaveLength(10);

    await expect(h.service.verify('user-1', '123456', { kind: 'email' })).rejects.toMatchObject({ code: 'CHALLENGE_NOT_FOUND' });
    const sent = await h.service.sendLoginCode('user-1');
    expect(sent).toMatchObject({ channel: 'email', factorId: pending.enrolmentId, expiresAt: h.clock() + 600_000 });
    const code = h.sent[1]!.code;
    expect(await h.service.verify('user-1', code)).toMatchObject({ ok: true, kind: 'email', factor: { id: pending.enrolmentId } });
    // Used up: no code is pending any more.
    await expect(h.service.verify('user-1', code, { kind: 'email' })).rejects.toMatchObject({ code: 'CHALLENGE_NOT_FOUND' });
    // Codes never appear in events; destinations only masked.
    const dump = JSON.stringify(h.events);
    for (const m of h.sent) expect(dump).not.toContain(m.code);
    expect(dump).not.toContain('ada@example.com');
  });

  test('a resend replaces the previous code; codes expire after 10 minutes', async () => {
    const h = harness();
    const a = await enrolApp(h, 'user-1');
    const token = await stepUp(h, 'user-1', a.app);
    const pending = await h.service.startOobEnrolment('user-1', { channel: 'sms', destination: '+41791234567', stepUpToken: token });
    expect((await h.service.confirmEnrolment('user-1', pending.enrolmentId, h.sent[0]!.code)).ok).toBe(true);
    await h.service.sendLoginCode('user-1', { channel: 'sms' });
    await h.service.sendLoginCode('user-1', { channel: 'sms' });
    const [first, second] = [h.sent[1]!.code, h.sent[2]!.code];
    if (first !== second) expect(await h.service.verify('user-1', first, { kind: 'sms' })).toMatchObject({ ok: false });
    h.clock.advance(600_000);
    expect(await h.service.verify('user-1', second, { kind: 'sms' }).catch((e: { code: string }) => e.code)).toBe('CHALLENGE_NOT_FOUND');
  });

  test('sends per destination are limited', async () => {
    const h = harness({ oob: { key: new Uint8Array(32).fill(9), sender: { send: async () => {} }, maxSendsPerHour: 2 } });
    await h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' });
    await h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com', name: 'Email 2' });
    await expect(h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ADA@example.com', name: 'Email 3' })).rejects.toMatchObject({
      code: 'SEND_LIMIT_EXCEEDED',
    });
  });

  test('a wrong enrolment code is refused and counts; the factor is not created', async () => {
    const h = harness();
    const pending = await h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' });
    const wrong = h.sent[0]!.code === '000000' ? '111111' : '000000';
    expect(await h.service.confirmEnrolment('user-1', pending.enrolmentId, wrong)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await h.service.listFactors('user-1')).toEqual([]);
    expect((await h.service.confirmEnrolment('user-1', pending.enrolmentId, h.sent[0]!.code)).ok).toBe(true);
  });

  test('fallback codes to an app-named destination only when allowed', async () => {
    const denied = harness();
    const a = await enrolApp(denied, 'user-1');
    void a;
    await expect(denied.service.sendLoginCode('user-1', { channel: 'email', destination: 'ada@example.com' })).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });

    const sent: { code: string }[] = [];
    const h = harness({ oob: { key: new Uint8Array(32).fill(9), sender: { send: async (m) => void sent.push(m) }, allowFallback: true } });
    await enrolApp(h, 'user-1');
    const result = await h.service.sendLoginCode('user-1', { channel: 'email', destination: 'ada@example.com' });
    expect(result).toMatchObject({ factorId: null, destinationHint: 'a***@example.com' });
    expect(await h.service.verify('user-1', sent[0]!.code)).toMatchObject({ ok: true, kind: 'email', factor: { id: 'fallback-email' } });
  });

  test('a failing sender leaves no usable code and reports DELIVERY_FAILED', async () => {
    const h = harness({ oob: { key: new Uint8Array(32).fill(9), sender: { send: async () => Promise.reject(new Error('smtp down')) } } });
    await expect(h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' })).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
  });

  test('without the oob option, email/SMS is not offered', async () => {
    const h = harness({ oob: undefined });
    await expect(h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' })).rejects.toMatchObject({ code: 'FACTOR_NOT_ALLOWED' });
  });
});
