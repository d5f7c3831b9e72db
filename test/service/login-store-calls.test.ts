// Issue 19: the store calls (round trips) of a login. A successful TOTP login is two calls (the
// charge, which also reads the factors and the step-up generation; the step advance, which also
// clears the attempt records), a wrong code one, a backup-code login two (the charge, which also
// reads the code, the count and its tombstone; the consume, which also clears and stores the
// tombstone). A store that does not implement the login reads still works (the service reads apart).
import { describe, expect, test } from 'vitest';
import { createMemoryStore, type MfaStore } from '../../src/index.js';
import { enrolApp, harness, wrongCode } from './helpers.js';

/** The memory store, recording the name of every call made while `calls` is not null. */
function recorded(inner: MfaStore): { store: MfaStore; calls: string[] | null; start(): void; stop(): string[] } {
  const box = {
    calls: null as string[] | null,
    store: new Proxy(inner, {
      get(target, name) {
        const value = target[name as keyof MfaStore];
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          box.calls?.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
    start() {
      box.calls = [];
    },
    stop() {
      const calls = box.calls ?? [];
      box.calls = null;
      return calls;
    },
  };
  return box;
}

describe('login store calls (issue 19)', () => {
  test('TOTP login: charge then advance; wrong code: charge only; backup code: charge then consume', async () => {
    const r = recorded(createMemoryStore());
    const h = harness({ store: r.store });
    const { app, confirmed } = await enrolApp(h, 'alice');
    const first = await h.service.verify('alice', app.code());
    expect(first.ok).toBe(true);
    h.clock.advance(30_000);

    r.start();
    const ok = await h.service.verify('alice', app.code());
    expect(r.stop()).toEqual(['chargeAttempts', 'advanceFactorStep']);
    expect(ok.ok).toBe(true);
    h.clock.advance(30_000);

    r.start();
    expect((await h.service.verify('alice', wrongCode(app.code()))).ok).toBe(false);
    expect(r.stop()).toEqual(['chargeAttempts']);
    h.clock.advance(30_000);

    r.start();
    const backup = await h.service.verify('alice', confirmed.backupCodes![0]!);
    expect(r.stop()).toEqual(['chargeAttempts', 'consumeBackupCode']);
    expect(backup.ok && backup.backupCodesRemaining).toBe(confirmed.backupCodes!.length - 1);

    r.start();
    const again = await h.service.verify('alice', confirmed.backupCodes![0]!);
    expect(r.stop()).toEqual(['chargeAttempts']);
    expect(again).toMatchObject({ ok: false, reason: 'replayed' });
    // The successful logins cleared the record; the wrong code and the reuse count.
    expect((await h.store.getAttempts('alice', 'code', h.clock()))?.count).toBe(1);
  });

  test('a store without the login reads: logins work, grants stay valid across logins, backup codes count down', async () => {
    const inner = createMemoryStore();
    const store: MfaStore = new Proxy(inner, {
      get(target, name) {
        if (name === 'chargeAttempts') {
          return async (...args: Parameters<MfaStore['chargeAttempts']>) => {
            const { factors, charges } = await target.chargeAttempts(...args);
            return { factors, charges };
          };
        }
        const value = target[name as keyof MfaStore];
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const h = harness({ store });
    const { app, confirmed } = await enrolApp(h, 'bob');
    const first = await h.service.verify('bob', app.code());
    if (!first.ok) throw new Error('login refused');
    const token = first.stepUp.token;
    h.clock.advance(30_000);
    const second = await h.service.verify('bob', app.code());
    if (!second.ok) throw new Error('login refused');
    expect(second.stepUp.token.split('.')[3]).toBe(token.split('.')[3]);
    const backup = await h.service.verify('bob', confirmed.backupCodes![1]!);
    expect(backup.ok && backup.backupCodesRemaining).toBe(confirmed.backupCodes!.length - 1);
    expect(await h.service.verify('bob', confirmed.backupCodes![1]!)).toMatchObject({ ok: false, reason: 'replayed' });
    // The first grant is still valid: a regenerate accepts it.
    await expect(h.service.regenerateBackupCodes('bob', { stepUpToken: token })).resolves.toBeTruthy();
  });
});
