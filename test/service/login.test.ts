import { describe, expect, test } from 'vitest';
import { enrolApp, harness, wrongCode } from './helpers.js';

describe('verifying at login', () => {
  test('a current code verifies once and names the device; spaced input is the same code', async () => {
    const h = harness();
    const { app, factorId } = await enrolApp(h, 'user-1', { name: 'Phone' });
    const code = app.code();
    const result = await h.service.verify('user-1', `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(result).toMatchObject({ ok: true, kind: 'totp', factor: { id: factorId, name: 'Phone', kind: 'totp' } });
    expect(result.ok && result.stepUp.expiresAt).toBe(h.clock() + 600_000);
    expect(await h.service.verify('user-1', code)).toEqual({ ok: false, reason: 'replayed' });
    expect(await h.service.verify('user-1', `${code.slice(0, 3)}-${code.slice(3)}`)).toEqual({ ok: false, reason: 'replayed' });
    h.clock.advance(30_000);
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
  });

  test('one step of drift each way is accepted, two are not; an older step after a newer one is a replay', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    h.clock.advance(300_000);
    expect((await h.service.verify('user-1', app.code(-2))).ok).toBe(false);
    expect((await h.service.verify('user-1', app.code(2))).ok).toBe(false);
    expect((await h.service.verify('user-1', app.code(1))).ok).toBe(true);
    expect(await h.service.verify('user-1', app.code(-1))).toEqual({ ok: false, reason: 'replayed' });
  });

  test('backup codes: each works once, case and dashes do not matter, remaining is reported', async () => {
    const h = harness();
    const { confirmed } = await enrolApp(h, 'user-1');
    const codes = confirmed.ok ? confirmed.backupCodes! : [];
    const first = await h.service.verify('user-1', codes[0]!.toLowerCase().replace(/-/g, ' '));
    expect(first).toMatchObject({ ok: true, kind: 'backup-codes', factor: { id: 'backup-codes', remaining: 9 }, backupCodesRemaining: 9 });
    // A used code is told from a wrong one (its tombstone), in any spelling.
    expect(await h.service.verify('user-1', codes[0]!)).toEqual({ ok: false, reason: 'replayed' });
    expect(await h.service.verify('user-1', codes[0]!.toLowerCase())).toEqual({ ok: false, reason: 'replayed' });
    expect((await h.service.verify('user-1', codes[1]!, { kind: 'backup-codes' })).ok).toBe(true);
    expect(h.events.filter((e) => e.type === 'backup-code-used').map((e) => e.details?.['remaining'])).toEqual([9, 8]);
    expect(h.events.filter((e) => e.type === 'replay-refused')).toHaveLength(2);
    expect(JSON.stringify(h.events)).not.toContain(codes[0]!.slice(5));
  });

  test('a used backup code says "replayed" only to whoever types it right', async () => {
    const h = harness();
    const { confirmed } = await enrolApp(h, 'user-1');
    const code = confirmed.ok ? confirmed.backupCodes![0]! : '';
    expect((await h.service.verify('user-1', code)).ok).toBe(true);
    // Same lookup id (first group), one later character changed: a wrong code, not a replay.
    const last = code.at(-1)!;
    const other = code.slice(0, -1) + (last === '2' ? '3' : '2');
    expect(await h.service.verify('user-1', other)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await h.service.verify('user-1', code)).toEqual({ ok: false, reason: 'replayed' });
  });

  test('50 concurrent uses of one backup code: one success, every other request "replayed"', async () => {
    const h = harness({ limits: { freeAttempts: 100, lockAfter: 100 } });
    const { confirmed } = await enrolApp(h, 'user-1');
    const code = confirmed.ok ? confirmed.backupCodes![0]! : '';
    const results = await Promise.all(Array.from({ length: 50 }, () => h.service.verify('user-1', code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(49).fill('replayed'));
  });

  test('kind and factorId restrict what is tried', async () => {
    const h = harness();
    const { app, confirmed } = await enrolApp(h, 'user-1');
    const codes = confirmed.ok ? confirmed.backupCodes! : [];
    expect(await h.service.verify('user-1', codes[0]!, { kind: 'totp' })).toEqual({ ok: false, reason: 'malformed' });
    expect(await h.service.verify('user-1', app.code(), { kind: 'backup-codes' })).toEqual({ ok: false, reason: 'malformed' });
    await expect(h.service.verify('user-1', app.code(), { factorId: 'f_nope' })).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
    await expect(h.service.verify('user-1', app.code(), { kind: 'webauthn' as 'totp' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.verify('user-1', app.code(), { kind: 'email' })).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
  });

  test('an account without MFA has nothing to verify against', async () => {
    const h = harness();
    await h.service.startAuthenticatorEnrolment('user-1');
    await expect(h.service.verify('user-1', '123456')).rejects.toMatchObject({ code: 'FACTOR_NOT_FOUND' });
  });

  test('a malformed code is refused before charging: the throttle does not move', async () => {
    const h = harness({ limits: { freeAttempts: 1, lockAfter: 2 } });
    const { app } = await enrolApp(h, 'user-1');
    for (const bad of ['', '12345', '12345a', 'x'.repeat(500), '１２３４５６７８９']) {
      expect(await h.service.verify('user-1', bad)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await h.store.getAttempts('user-1', 'code', h.clock())).toBeNull();
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
  });
});

describe('throttling', () => {
  test('defaults: 5 free failures, then doubling delays; a refused attempt is not counted', async () => {
    const h = harness();
    const { app } = await enrolApp(h, 'user-1');
    const wrong = () => wrongCode(app.code());
    for (let i = 0; i < 5; i++) expect(await h.service.verify('user-1', wrong())).toEqual({ ok: false, reason: 'mismatch' });
    // 6th attempt right away: too soon (1 s after the 5th), refused and not counted, so retryAt
    // stays the same however often the client asks.
    const fifthAt = h.clock();
    expect(await h.service.verify('user-1', wrong())).toEqual({ ok: false, reason: 'throttled', retryAt: fifthAt + 1000 });
    h.clock.advance(500);
    expect(await h.service.verify('user-1', wrong())).toEqual({ ok: false, reason: 'throttled', retryAt: fifthAt + 1000 });
    h.clock.set(fifthAt + 1000);
    expect(await h.service.verify('user-1', wrong())).toEqual({ ok: false, reason: 'mismatch' }); // 6th
    h.clock.advance(1999);
    expect(await h.service.verify('user-1', wrong())).toMatchObject({ ok: false, reason: 'throttled', retryAt: h.clock() + 1 });
    h.clock.advance(1);
    expect(await h.service.verify('user-1', wrong())).toEqual({ ok: false, reason: 'mismatch' }); // 7th, 2 s after the 6th
    h.clock.advance(4000);
    const right = await h.service.verify('user-1', app.code());
    expect(right.ok).toBe(true);
    expect(h.events.filter((e) => e.type === 'throttled').map((e) => e.reason)).toEqual(['throttled', 'throttled', 'throttled']);
    expect((await h.service.loginRequirement('user-1')).retryAt).toBeUndefined();
  });

  test('a client that always waits until retryAt is never refused for a delay, and is locked only after lockAfter', async () => {
    const h = harness({ limits: { freeAttempts: 2, lockAfter: 6, baseDelayMs: 1000, maxDelayMs: 8000 } });
    const { app } = await enrolApp(h, 'user-1');
    let evaluated = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const result = await h.service.verify('user-1', wrongCode(app.code()));
      if (result.ok) throw new Error('a wrong code verified');
      if (result.reason === 'mismatch') {
        evaluated++;
        // Polite client: after a plain failure it retries a little later, then honours retryAt.
        h.clock.advance(10);
        continue;
      }
      if (result.reason === 'locked') break;
      expect(result.reason).toBe('throttled');
      const retryAt = result.retryAt!;
      h.clock.set(retryAt);
      const atRetry = await h.service.verify('user-1', wrongCode(app.code()));
      // Honouring retryAt is never refused for a delay again.
      expect(atRetry.ok === false && atRetry.reason).not.toBe('throttled');
      if (atRetry.ok === false && atRetry.reason === 'mismatch') evaluated++;
      if (atRetry.ok === false && atRetry.reason === 'locked') break;
      h.clock.advance(10);
    }
    // Every evaluated guess is within lockAfter.
    expect(evaluated).toBeLessThanOrEqual(6);
    expect(evaluated).toBeGreaterThanOrEqual(3);
  });

  test('a success resets the count; a new password login (nothing) does not', async () => {
    const h = harness({ limits: { freeAttempts: 3, lockAfter: 3 } });
    const { app } = await enrolApp(h, 'user-1');
    for (let i = 0; i < 2; i++) await h.service.verify('user-1', wrongCode(app.code()));
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
    h.clock.advance(30_000);
    for (let i = 0; i < 3; i++) expect((await h.service.verify('user-1', wrongCode(app.code()))).ok).toBe(false);
    expect(await h.service.verify('user-1', app.code())).toMatchObject({ ok: false, reason: 'locked' });
    // Support unlocks the account.
    await h.service.resetThrottle('user-1');
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
    expect(h.events.map((e) => e.type)).toContain('throttle-reset');
  });

  test('the cap holds across any time: only a success, a recovery or resetThrottle clears it', async () => {
    const h = harness({ limits: { freeAttempts: 5, baseDelayMs: 0, maxConsecutiveFailures: 12 } });
    const { app } = await enrolApp(h, 'user-1');
    const fail = async (n: number) => {
      for (let i = 0; i < n; i++) expect(await h.service.verify('user-1', wrongCode(app.code()))).toEqual({ ok: false, reason: 'mismatch' });
    };
    await fail(5);
    h.clock.advance(3_600_000);
    await fail(5);
    h.clock.advance(30 * 86_400_000);
    await fail(2);
    // The 13th attempt is refused even with the right code, and stays refused.
    const locked = await h.service.verify('user-1', app.code());
    expect(locked).toMatchObject({ ok: false, reason: 'locked' });
    expect(locked.ok === false && locked.retryAt).toBeGreaterThan(h.clock() + 300 * 86_400_000);
    expect(await h.service.loginRequirement('user-1')).toMatchObject({ retryAt: locked.ok === false ? locked.retryAt : 0, throttled: 'locked' });
    h.clock.advance(3 * 86_400_000);
    expect(await h.service.verify('user-1', app.code())).toMatchObject({ ok: false, reason: 'locked' });
    await h.service.resetThrottle('user-1');
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
    h.clock.advance(30_000);
    await fail(11);
    expect((await h.service.verify('user-1', app.code())).ok).toBe(true);
    h.clock.advance(30_000);
    await fail(12);
    expect(h.events.filter((e) => e.type === 'throttled').at(-1)?.details).toMatchObject({ record: 'code', attempts: 12 });
  });

  test('limits: the cap is at most 100; lockAfter (deprecated) caps it too; free attempts fit under the cap', () => {
    expect(() => harness({ limits: { maxConsecutiveFailures: 101 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ limits: { lockAfter: 101 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ limits: { lockAfter: 3, freeAttempts: 4 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => harness({ limits: { recoveryFailures: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  test('backup codes and TOTP share one counter per account; other accounts are unaffected', async () => {
    const h = harness({ limits: { freeAttempts: 2, lockAfter: 2 } });
    const a = await enrolApp(h, 'user-a');
    const b = await enrolApp(h, 'user-b');
    await h.service.verify('user-a', wrongCode(a.app.code()));
    await h.service.verify('user-a', 'AAAA-BBBB-CCCC-DDDD-EEEE');
    expect(await h.service.verify('user-a', a.app.code())).toMatchObject({ ok: false, reason: 'locked' });
    expect((await h.service.verify('user-b', b.app.code())).ok).toBe(true);
  });
});
