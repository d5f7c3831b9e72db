import { describe, expect, test } from 'vitest';
import { createMemoryStore } from '../../src/index.js';
import { loginChallengeId } from '../../src/service/oob-flows.js';
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

    // Nothing pending: what the user typed is a result (send a new code), not an error.
    expect(await h.service.verify('user-1', '123456', { kind: 'email' })).toEqual({ ok: false, reason: 'expired' });
    const sent = await h.service.sendLoginCode('user-1');
    expect(sent).toMatchObject({ channel: 'email', factorId: pending.enrolmentId, expiresAt: h.clock() + 600_000 });
    const code = h.sent[1]!.code;
    expect(await h.service.verify('user-1', code)).toMatchObject({ ok: true, kind: 'email', factor: { id: pending.enrolmentId } });
    // Used up: the same code again is a replay, refused.
    expect(await h.service.verify('user-1', code, { kind: 'email' })).toEqual({ ok: false, reason: 'replayed' });
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
    expect(await h.service.verify('user-1', second, { kind: 'sms' })).toEqual({ ok: false, reason: 'expired' });
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

describe('email and SMS codes under concurrency', () => {
  const roomy = { freeAttempts: 100, lockAfter: 100, maxConsecutiveFailures: 100 };

  async function withEmailFactor(h: ReturnType<typeof harness>) {
    const pending = await h.service.startOobEnrolment('user-1', { channel: 'email', destination: 'ada@example.com' });
    expect((await h.service.confirmEnrolment('user-1', pending.enrolmentId, h.sent[0]!.code)).ok).toBe(true);
    await h.service.sendLoginCode('user-1');
    return h.sent.at(-1)!.code;
  }

  test('30 parallel wrong guesses use up the code: at most 5 are decided, then even the right code is refused', async () => {
    const h = harness({ limits: roomy });
    const code = await withEmailFactor(h);
    const wrong = Array.from({ length: 30 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const results = await Promise.all(wrong.map((guess) => h.service.verify('user-1', guess, { kind: 'email' })));
    expect(results.every((r) => !r.ok)).toBe(true);
    const stored = await h.store.getChallenge(loginChallengeId('user-1', 'email'), h.clock());
    expect((stored?.data['code'] as { attempts: number } | undefined)?.attempts).toBe(5);
    expect(await h.service.verify('user-1', code, { kind: 'email' })).toMatchObject({ ok: false });
  });

  test('the right code sent 20 times in parallel is accepted exactly once', async () => {
    const h = harness({ limits: roomy });
    const code = await withEmailFactor(h);
    const results = await Promise.all(Array.from({ length: 20 }, () => h.service.verify('user-1', code, { kind: 'email' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'replayed').length).toBeGreaterThan(0);
  });

  test('a check of the old code racing a resend neither passes nor uses up the new code', async () => {
    const base = createMemoryStore();
    let resend: (() => Promise<unknown>) | undefined;
    // A store whose first compare-and-set on a challenge is preceded by a resend (the race, made certain).
    const store = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === 'compareAndSetChallenge') {
          return async (...args: Parameters<typeof base.compareAndSetChallenge>) => {
            const before = resend;
            resend = undefined;
            if (before !== undefined) await before();
            return target.compareAndSetChallenge(...args);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const h = harness({ store, limits: roomy });
    const oldCode = await withEmailFactor(h);
    resend = () => h.service.sendLoginCode('user-1');
    const raced = await h.service.verify('user-1', oldCode, { kind: 'email' });
    const newCode = h.sent.at(-1)!.code;
    expect(h.sent).toHaveLength(3);
    if (newCode !== oldCode) {
      expect(raced).toEqual({ ok: false, reason: 'mismatch' });
      expect(await h.service.verify('user-1', newCode, { kind: 'email' })).toMatchObject({ ok: true, kind: 'email' });
    } else {
      // One chance in a million: the resend drew the same digits, so the old input is the new code.
      expect(raced).toMatchObject({ ok: true });
    }
  });
});
