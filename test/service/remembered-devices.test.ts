// Remembered devices: a token that lets one browser skip the second factor for a bounded time,
// revocable at once, never a step-up.
import { describe, expect, test } from 'vitest';
import { createPolicyHook, type MfaPolicy } from '../../src/index.js';
import { enrolApp, harness, stepUp, type Harness } from './helpers.js';
import { createMemoryStore } from '../../src/stores/memory/index.js';

const DAY = 86_400_000;

async function remembered(h: Harness, accountId = 'user-1') {
  const { app, factorId } = await enrolApp(h, accountId);
  const token = await stepUp(h, accountId, app);
  const device = await h.service.rememberDevice(accountId, { stepUpToken: token, name: 'Firefox on macOS' });
  return { app, factorId, stepUpToken: token, ...device };
}

describe('remembered devices', () => {
  test('a remembered device skips the second step; without it, with a wrong secret or on another account it does not', async () => {
    const h = harness();
    const { token, device } = await remembered(h);
    expect(token).toMatch(/^rd1\.rd_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(device).toMatchObject({ name: 'Firefox on macOS', lastUsedAt: null, expiresAt: device.createdAt + 30 * DAY });
    const need = await h.service.loginRequirement('user-1', { deviceToken: token });
    expect(need.mfaRequired).toBe(false);
    expect(need.rememberedDevice).toMatchObject({ id: device.id, name: 'Firefox on macOS', lastUsedAt: h.clock() });
    expect((await h.service.loginRequirement('user-1')).mfaRequired).toBe(true);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    expect((await h.service.loginRequirement('user-1', { deviceToken: forged })).mfaRequired).toBe(true);
    for (const junk of ['', 'rd1', 'rd1..', `rd1.${device.id}`, 'x'.repeat(5000), `su2.${device.id}.x`]) {
      expect((await h.service.loginRequirement('user-1', { deviceToken: junk })).mfaRequired).toBe(true);
    }
    await enrolApp(h, 'user-2');
    expect((await h.service.loginRequirement('user-2', { deviceToken: token })).mfaRequired).toBe(true);
  });

  test('only the hash of the secret is stored', async () => {
    const h = harness();
    const { token, device } = await remembered(h);
    const secret = token.split('.')[2]!;
    const record = await h.store.getChallenge(device.id, h.clock());
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(record!.data).toMatchObject({ name: 'Firefox on macOS' });
  });

  test('creating one needs a live step-up token of the account', async () => {
    const h = harness();
    await enrolApp(h, 'user-1');
    await expect(h.service.rememberDevice('user-1', { stepUpToken: 'nope', name: 'x' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    const other = await remembered(h, 'user-2');
    await expect(h.service.rememberDevice('user-1', { stepUpToken: other.stepUpToken, name: 'x' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    await expect(h.service.rememberDevice('user-2', { stepUpToken: other.stepUpToken, name: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.service.rememberDevice('user-2', { stepUpToken: other.stepUpToken, name: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('a remembered device never grants a step-up', async () => {
    const h = harness();
    const { token } = await remembered(h);
    const need = await h.service.loginRequirement('user-1', { deviceToken: token });
    expect(need).not.toHaveProperty('stepUp');
    expect(await h.service.hasRecentStepUp('user-1', token)).toBe(false);
    await expect(h.service.regenerateBackupCodes('user-1', { stepUpToken: token })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
  });

  test('the life is fixed (use does not extend it) and configurable', async () => {
    const h = harness({ rememberedDevices: { lifetimeMs: 7 * DAY } });
    const { token, device } = await remembered(h);
    expect(device.expiresAt - device.createdAt).toBe(7 * DAY);
    h.clock.set(device.createdAt + 7 * DAY - 1);
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(false);
    h.clock.set(device.createdAt + 7 * DAY);
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);
    expect(await h.service.listRememberedDevices('user-1')).toEqual([]);
    expect(() => harness({ rememberedDevices: { lifetimeMs: 500 * DAY } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  test('listed newest first, forgotten one by one or all at once, at once', async () => {
    const h = harness();
    const first = await remembered(h);
    h.clock.advance(1000);
    const second = await h.service.rememberDevice('user-1', { stepUpToken: first.stepUpToken, name: 'Safari on iPhone' });
    expect((await h.service.listRememberedDevices('user-1')).map((d) => d.name)).toEqual(['Safari on iPhone', 'Firefox on macOS']);
    expect(await h.service.forgetRememberedDevice('user-1', first.device.id)).toBe(true);
    expect(await h.service.forgetRememberedDevice('user-1', first.device.id)).toBe(false);
    expect(await h.service.forgetRememberedDevice('user-2', second.device.id)).toBe(false);
    expect((await h.service.loginRequirement('user-1', { deviceToken: first.token })).mfaRequired).toBe(true);
    expect((await h.service.loginRequirement('user-1', { deviceToken: second.token })).mfaRequired).toBe(false);
    expect(await h.service.forgetAllRememberedDevices('user-1')).toBe(1);
    expect((await h.service.loginRequirement('user-1', { deviceToken: second.token })).mfaRequired).toBe(true);
    expect(await h.service.listRememberedDevices('user-1')).toEqual([]);
    const kinds = h.events.map((e) => e.type).filter((t) => t.startsWith('remembered-device'));
    expect(kinds).toEqual([
      'remembered-device-created', 'remembered-device-created', 'remembered-device-revoked', 'remembered-device-used', 'remembered-device-revoked',
    ]);
  });

  test('at most maxPerAccount: one more forgets the least recently used', async () => {
    const h = harness({ rememberedDevices: { maxPerAccount: 2 } });
    const a = await remembered(h);
    h.clock.advance(1000);
    const b = await h.service.rememberDevice('user-1', { stepUpToken: a.stepUpToken, name: 'B' });
    h.clock.advance(1000);
    await h.service.loginRequirement('user-1', { deviceToken: a.token }); // A is now the more recently used
    h.clock.advance(1000);
    const c = await h.service.rememberDevice('user-1', { stepUpToken: a.stepUpToken, name: 'C' });
    expect((await h.service.listRememberedDevices('user-1')).map((d) => d.name).sort()).toEqual(['C', 'Firefox on macOS']);
    expect((await h.service.loginRequirement('user-1', { deviceToken: b.token })).mfaRequired).toBe(true);
    expect((await h.service.loginRequirement('user-1', { deviceToken: c.token })).mfaRequired).toBe(false);
    expect(h.events.some((e) => e.type === 'remembered-device-revoked' && e.reason === 'limit')).toBe(true);
  });

  test('revoked when MFA is disabled (and stays revoked after MFA is turned on again)', async () => {
    const h = harness();
    const { token, stepUpToken } = await remembered(h);
    await h.service.disable('user-1', { confirmation: 'disable', stepUpToken });
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(false); // no MFA at all
    const again = await enrolApp(h, 'user-1');
    expect(again.confirmed.ok).toBe(true);
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);
    expect(await h.service.listRememberedDevices('user-1')).toEqual([]);
  });

  test('revoked when a factor is removed or replaced, unless the app turns that off', async () => {
    const h = harness();
    const { token, stepUpToken, app } = await remembered(h);
    const second = await enrolApp(h, 'user-1', { name: 'Tablet', stepUpToken });
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(false); // adding keeps them
    const fresh = await stepUp(h, 'user-1', app);
    await h.service.removeFactor('user-1', second.factorId, { stepUpToken: fresh });
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);

    const kept = harness({ rememberedDevices: { revokeOnFactorChange: false } });
    const k = await remembered(kept);
    const tablet = await enrolApp(kept, 'user-1', { name: 'Tablet', stepUpToken: k.stepUpToken });
    await kept.service.removeFactor('user-1', tablet.factorId, { stepUpToken: await stepUp(kept, 'user-1', k.app) });
    expect((await kept.service.loginRequirement('user-1', { deviceToken: k.token })).mfaRequired).toBe(false);
  });

  test("revoked when replacing a lost authenticator", async () => {
    const h = harness();
    const { token, stepUpToken, factorId } = await remembered(h);
    const pending = await h.service.replaceAuthenticator('user-1', factorId, { stepUpToken });
    const { phone } = await import('./helpers.js');
    const confirmed = await h.service.confirmEnrolment('user-1', pending.enrolmentId, phone(pending.manualKey, h.clock).code());
    expect(confirmed.ok).toBe(true);
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);
  });

  test('an organisation that requires a second factor at every login: none is created, and existing ones stop working', async () => {
    const policies: MfaPolicy[] = [];
    const h = harness({ policy: createPolicyHook(() => policies) });
    const { token, stepUpToken } = await remembered(h);
    policies.push({ owner: { id: 'org-1', name: 'ACME', type: 'organization' }, requireMfa: true, rememberedDevices: 'forbidden' });
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);
    expect(await h.service.listRememberedDevices('user-1')).toEqual([]);
    await expect(h.service.rememberDevice('user-1', { stepUpToken, name: 'x' })).rejects.toMatchObject({
      code: 'REMEMBERED_DEVICES_FORBIDDEN',
      details: { owners: [{ id: 'org-1', name: 'ACME' }] },
    });
  });
});

describe('remembered devices: no duplicate work', () => {
  /** A memory store that records the name of every method called (and the challenge ids read). */
  function countingHarness(overrides: Parameters<typeof harness>[0] = {}) {
    const calls: string[] = [];
    const inner = createMemoryStore();
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(key === 'getChallenge' ? `getChallenge ${String(args[0]).split(':')[0]}` : String(key));
          return value.apply(target, args);
        };
      },
    });
    return { h: harness({ store, ...overrides }), calls };
  }

  test('rememberDevice reads the step-up generation once (it checked the token with it)', async () => {
    const { h, calls } = countingHarness();
    const { app } = await enrolApp(h, 'user-1');
    const token = await stepUp(h, 'user-1', app);
    calls.length = 0;
    await h.service.rememberDevice('user-1', { stepUpToken: token, name: 'Firefox' });
    expect(calls.filter((c) => c.startsWith('getChallenge'))).toHaveLength(1);
  });

  test('loginRequirement with a device token asks the policy once and reads the generation once', async () => {
    let resolved = 0;
    const { h, calls } = countingHarness({
      policy: createPolicyHook(() => {
        resolved++;
        return [];
      }),
    });
    const { app } = await enrolApp(h, 'user-1');
    const stepUpToken = await stepUp(h, 'user-1', app);
    const { token } = await h.service.rememberDevice('user-1', { stepUpToken, name: 'Firefox' });
    calls.length = 0;
    resolved = 0;
    const need = await h.service.loginRequirement('user-1', { deviceToken: token });
    expect(need.mfaRequired).toBe(false);
    expect(resolved).toBe(1);
    expect(calls.filter((c) => c.startsWith('getChallenge'))).toHaveLength(2); // the device record and the generation
  });

  test('a hook that does not answer remember-device with the login decision is still asked it', async () => {
    const asked: string[] = [];
    const { h } = countingHarness({
      policy: {
        check(action) {
          asked.push(action.type);
          return action.type === 'remember-device' && asked.filter((a) => a === 'login').length > 1
            ? { allowed: false, code: 'REMEMBERED_DEVICES_FORBIDDEN', owners: [{ id: 'org-1', name: 'Acme' }], message: 'Acme says no' }
            : { allowed: true };
        },
      },
    });
    const { app } = await enrolApp(h, 'user-1');
    const stepUpToken = await stepUp(h, 'user-1', app);
    const { token } = await h.service.rememberDevice('user-1', { stepUpToken, name: 'Firefox' });
    asked.length = 0;
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(false);
    expect(asked).toEqual(['login', 'remember-device']);
    expect((await h.service.loginRequirement('user-1', { deviceToken: token })).mfaRequired).toBe(true);
  });
});
