// A store that fails mid-flow must leave no half-made state: a factor is never active without its
// secret, backup codes are never shown without being stored, and a failed step changes nothing the
// user can see. The wrapper throws on the Nth store call; every N along each flow is tried.
import { describe, expect, test } from 'vitest';
import { createMemoryStore, isMfaError, type MfaStore } from '../../src/index.js';
import { enrolApp, harness, phone, stepUp } from './helpers.js';

function failingOnCall(inner: MfaStore): { store: MfaStore; failAt(n: number | null): void; calls(): number } {
  let count = 0;
  let failAt: number | null = null;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        count++;
        if (failAt !== null && count === failAt) throw new Error(`injected store failure on call ${count} (${String(property)})`);
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  return { store, failAt: (n) => ((failAt = n), (count = 0)), calls: () => count };
}

describe('a store failing mid-flow leaves no half-made state', () => {
  test('confirming the first enrolment: either factor + stored codes returned, or nothing active', async () => {
    // Count the calls of a clean run first.
    const probe = failingOnCall(createMemoryStore());
    const clean = harness({ store: probe.store });
    const p = await clean.service.startAuthenticatorEnrolment('user-1');
    probe.failAt(null);
    await clean.service.confirmEnrolment('user-1', p.enrolmentId, phone(p.manualKey, clean.clock).code());
    const total = probe.calls();
    expect(total).toBeGreaterThan(2);

    for (let n = 1; n <= total; n++) {
      const wrapped = failingOnCall(createMemoryStore());
      const h = harness({ store: wrapped.store });
      const pending = await h.service.startAuthenticatorEnrolment('user-1');
      const app = phone(pending.manualKey, h.clock);
      wrapped.failAt(n);
      const outcome = await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code()).catch((e: unknown) => e);
      wrapped.failAt(null);
      const factors = await h.store.listFactors('user-1');
      const codes = await h.store.countBackupCodes('user-1');
      if (outcome instanceof Error) {
        expect(factors, `call ${n}`).toHaveLength(0);
        expect(codes, `call ${n}`).toBe(0);
        // The enrolment is still there to retry.
        expect((await h.service.confirmEnrolment('user-1', pending.enrolmentId, app.code())).ok, `retry after call ${n}`).toBe(true);
      } else {
        // The failure hit after the atomic step (an event or read): everything is consistent.
        expect(outcome).toMatchObject({ ok: true });
        expect(factors).toHaveLength(1);
        expect(codes).toBe(10);
      }
      // Whatever happened, an active factor always opens.
      for (const f of await h.store.listFactors('user-1')) expect(f.data['secret']).toBeDefined();
    }
  });

  test('regenerating backup codes: the old set works until the new one is stored; never both, never neither', async () => {
    const wrapped = failingOnCall(createMemoryStore());
    const h = harness({ store: wrapped.store, limits: { freeAttempts: 100, lockAfter: 100 } });
    const { app, confirmed } = await enrolApp(h, 'user-1');
    let current = confirmed.ok ? [...confirmed.backupCodes!] : [];
    let used = 0;
    for (let n = 1; n <= 8; n++) {
      const token = await stepUp(h, 'user-1', app);
      wrapped.failAt(n);
      const outcome = await h.service.regenerateBackupCodes('user-1', { stepUpToken: token }).catch((e: unknown) => e);
      wrapped.failAt(null);
      if (outcome instanceof Error) {
        expect(isMfaError(outcome) || outcome.message.includes('injected')).toBe(true);
        // Old set still in force.
        expect((await h.service.verify('user-1', current[used++]!)).ok, `old code after failure at call ${n}`).toBe(true);
      } else {
        const fresh = (outcome as { backupCodes: string[] }).backupCodes;
        expect((await h.service.verify('user-1', current[used]!)).ok).toBe(false);
        current = [...fresh];
        used = 0;
        expect((await h.service.verify('user-1', current[used++]!)).ok).toBe(true);
      }
    }
  });

  test('verification: a failing store never lets a code through twice and never loses the factor', async () => {
    const wrapped = failingOnCall(createMemoryStore());
    const h = harness({ store: wrapped.store });
    const { app } = await enrolApp(h, 'user-1');
    for (let n = 1; n <= 8; n++) {
      const code = app.code();
      wrapped.failAt(n);
      const first = await h.service.verify('user-1', code).catch((e: unknown) => e);
      wrapped.failAt(null);
      const second = await h.service.verify('user-1', code);
      const firstOk = !(first instanceof Error) && (first as { ok: boolean }).ok;
      // At most one success for one code.
      expect(firstOk && second.ok, `call ${n}`).toBe(false);
      expect(await h.store.listFactors('user-1')).toHaveLength(1);
      h.clock.advance(30_000);
    }
  });
});
